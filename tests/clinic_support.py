"""Helpers for the clinic tests: staff personas and submitted assessments.

Submissions are made with the journey's own domain functions on the tiny
fixture questionnaire, so that they are scored exactly as a respondent's
would be.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from assessment import journey
from assessment.journey import AnswerInput
from assessment.models import Assessment, QuestionnaireVersion
from clinic.models import CLINIC_STAFF_GROUP, Cohort, CohortMembership

PASSWORD = "a long and unusual passphrase 42"
CLINIC_PERMISSIONS = [
    "view_submissions",
    "review_submission",
    "export_submissions",
    "manage_cohorts",
]

# Answers to the tiny questionnaire, from weakest to strongest.
WEAK = {
    "data-store": AnswerInput(choices=("laptop",)),
    "data-versioned": AnswerInput(choices=("no",)),
    "mon-any": AnswerInput(choices=("none",)),
}
STRONG = {
    "data-store": AnswerInput(choices=("versioned",), note="Kept in lakeFS"),
    "data-versioned": AnswerInput(choices=("yes",)),
    "data-tools": AnswerInput(choices=("schema", "ranges")),
    "mon-any": AnswerInput(choices=("alerts",), note="Pager duty"),
}


def staff_member(username: str = "ana", first_name: str = "") -> User:
    """An adviser in the "Clinic staff" group, with a password."""
    user = User.objects.create_user(username, password=PASSWORD, first_name=first_name)
    user.groups.add(Group.objects.get(name=CLINIC_STAFF_GROUP))
    return user


def user_with(username: str, *codenames: str) -> User:
    """A signed-in user holding only these clinic permissions."""
    user = User.objects.create_user(username, password=PASSWORD)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="clinic", codename__in=codenames
        )
    )
    return user


def outsider(username: str = "olly") -> User:
    """A signed-in user with no clinic permission at all."""
    return User.objects.create_user(username, password=PASSWORD)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submission(
    version: QuestionnaireVersion,
    name: str = "Acme Analytics",
    answers: dict[str, AnswerInput] | None = None,
    *,
    sector: str = "technology",
    size: str = "small",
    submitted_at: dt.datetime | None = None,
    cohort: Cohort | None = None,
) -> Assessment:
    """A submitted assessment of a new organisation called ``name``."""
    assessment, _token = journey.start_assessment(
        organisation_name=name,
        sector=sector,
        size=size,
        respondent_role="ml_engineer",
        version=version,
    )
    if cohort is not None:
        CohortMembership.objects.create(assessment=assessment, cohort=cohort)
    journey.save_answers(assessment, answers if answers is not None else WEAK)
    journey.submit(assessment)
    if submitted_at is not None:
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=submitted_at)
        assessment.refresh_from_db()
    return assessment


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
