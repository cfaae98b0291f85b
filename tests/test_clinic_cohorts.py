"""Cohorts: creating one, its invite link, tagging, and the heatmap."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.loader import load_file
from assessment.models import Assessment, Organisation
from assessment.versions import known_links
from clinic.cohorts import Entry, heatmap
from clinic.models import AuditAction, AuditEvent, Cohort, CohortMembership
from clinic.validation import ValidatedLevel
from tests.clinic_support import STRONG, signed_in, staff_member, submission
from tests.journey_support import LINK, TINY, store_tiny

START_FORM = {
    "questionnaire": "tiny",
    "organisation_name": "Invited Ltd",
    "sector": "health",
    "size": "medium",
    "respondent_role": "executive",
    "consent": "on",
}


@pytest.fixture
def tiny(db):
    return store_tiny()


@pytest.fixture
def staff(db):
    return signed_in(staff_member())


@pytest.fixture
def cohort(db):
    return Cohort.objects.create(name="Leeds clinic", date=dt.date(2026, 5, 4))


def test_staff_create_a_cohort_and_get_its_invite_link(tiny, staff):
    response = staff.post(
        reverse("clinic:create_cohort"),
        {"name": "Leeds clinic", "date": "2026-05-04", "description": "Day one"},
    )

    cohort = Cohort.objects.get()
    assert response["Location"] == reverse("clinic:cohort", args=[cohort.pk])
    page = staff.get(response["Location"]).content.decode()
    assert f"/join/{cohort.code}/" in page
    assert cohort.date == dt.date(2026, 5, 4)
    [event] = AuditEvent.objects.filter(action=AuditAction.CREATED_COHORT)
    assert event.cohort_id == cohort.pk


def test_invite_codes_are_long_random_and_unique(db):
    codes = {
        Cohort.objects.create(name=f"C{n}", date=dt.date(2026, 1, 1)).code
        for n in range(20)
    }

    assert len(codes) == 20
    for code in codes:
        # 24 random bytes: 192 bits, well beyond guessing.
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", code)


def test_a_cohort_without_name_or_date_is_refused(staff):
    response = staff.post(reverse("clinic:create_cohort"), {"date": "soon"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the cohort&#x27;s name" in body
    assert "Enter the date as a day, month and year" in body
    assert not Cohort.objects.exists()


@pytest.mark.parametrize("code", ["nope", "x" * 32, "a" * 200, "../../admin"])
def test_unknown_invite_codes_are_not_found(cohort, code):
    assert Client().get(f"/join/{code}/").status_code == 404


def test_the_invite_link_leads_to_the_start_form_with_the_cohort(tiny, cohort):
    client = Client()

    response = client.get(f"/join/{cohort.code}/", follow=True)

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/start/?cohort={cohort.code}"
    assert "You are joining <strong>Leeds clinic</strong>" in body
    assert f'name="cohort" value="{cohort.code}"' in body


def test_an_assessment_started_through_the_invite_is_tagged(tiny, cohort):
    response = Client().post(
        reverse("assessment:start"), {**START_FORM, "cohort": cohort.code}
    )

    assert response.status_code == 302
    assert LINK.search(response["Location"])
    membership = CohortMembership.objects.get()
    assert membership.cohort == cohort
    assert membership.assessment.organisation.name == "Invited Ltd"


def test_an_assessment_started_without_an_invite_is_not_tagged(tiny, cohort):
    Client().post(reverse("assessment:start"), START_FORM)

    assert Assessment.objects.count() == 1
    assert not CohortMembership.objects.exists()


def test_a_forged_invite_code_starts_nothing(tiny, cohort):
    response = Client().post(
        reverse("assessment:start"), {**START_FORM, "cohort": "f" * 32}
    )

    assert response.status_code == 400
    assert "The invite link you followed is not valid" in response.content.decode()
    assert not Organisation.objects.exists()


def test_the_cohort_page_counts_started_and_submitted(tiny, staff, cohort):
    submission(tiny, "Done Ltd", cohort=cohort)
    Client().post(reverse("assessment:start"), {**START_FORM, "cohort": cohort.code})

    response = staff.get(reverse("clinic:cohort", args=[cohort.pk]))

    summary = response.context["summary"]
    assert (summary.started, summary.submitted, summary.drafts) == (2, 1, 1)


def test_the_heatmap_prints_every_level_and_marks_validated_ones(tiny, staff, cohort):
    weak = submission(tiny, "Weak Ltd", cohort=cohort)
    submission(tiny, "Strong Ltd", STRONG, cohort=cohort)
    submission(tiny, "Elsewhere Ltd", STRONG)
    staff.post(
        reverse("clinic:validate", args=[weak.pk]),
        {"dimension": "monitoring", "level": "1", "reason": "Checked"},
    )

    page = staff.get(reverse("clinic:cohort", args=[cohort.pk])).content.decode()

    assert "Weak Ltd" in page
    assert "Strong Ltd" in page
    assert "Elsewhere Ltd" not in page
    assert '<td class="heat heat--0">0</td>' in page
    assert '<td class="heat heat--2">2</td>' in page
    assert re.search(r'<td class="heat heat--1">1<span class="heat__mark"', page)
    assert "self-assessed level 0" in page
    assert "style=" not in page


def test_a_cohort_nobody_submitted_to_says_so(staff, cohort):
    page = staff.get(reverse("clinic:cohort", args=[cohort.pk])).content.decode()

    assert "Nobody in this cohort has submitted yet" in page


def entry(name: str, levels, validated=None) -> Entry:
    assessment = Assessment(
        organisation=Organisation(name=name, sector="other", size="small"),
        submitted_at=timezone.now(),
    )
    return Entry(assessment, levels, validated or {})


def test_distributions_count_the_level_that_counts_per_dimension():
    questionnaire = load_file(TINY, known_links()).questionnaire
    assert questionnaire is not None
    adviser_says = ValidatedLevel("data", 0, "Laptops", "Ana", timezone.now())

    result = heatmap(
        questionnaire,
        [
            entry("A", {"data": 2, "monitoring": 1}, {"data": adviser_says}),
            entry("B", {"data": 1, "monitoring": 1}),
            entry("C", {"data": 1, "monitoring": None}),
        ],
    )

    data, monitoring = result.distributions
    assert [c.count for c in data.counts] == [1, 2, 0]
    assert [c.count for c in monitoring.counts] == [0, 2, 0]
    assert monitoring.scored == 2
    assert data.below_two == 3
    assert data.segments == [(0, 0.0, 33.33), (1, 33.33, 66.67)]
    first = result.rows[0].cells[0]
    assert (first.level, first.self_assessed, first.changed_by_validation) == (
        0,
        2,
        True,
    )


def cohort_page_queries(tiny, cohort, count: int) -> int:
    adviser = staff_member(f"adviser{count}")
    for number in range(count):
        weak = submission(tiny, f"Org {count}-{number}", cohort=cohort)
        staff_client = signed_in(adviser)
        staff_client.post(
            reverse("clinic:validate", args=[weak.pk]),
            {"dimension": "monitoring", "level": "1", "reason": "Checked"},
        )
    client = signed_in(adviser)
    client.get(reverse("clinic:cohort", args=[cohort.pk]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("clinic:cohort", args=[cohort.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Org ") >= count
    return len(queries)


def test_the_cohort_page_makes_the_same_queries_however_many_members(tiny):
    few = Cohort.objects.create(name="Small", date=dt.date(2026, 5, 4))
    many = Cohort.objects.create(name="Large", date=dt.date(2026, 5, 5))

    assert cohort_page_queries(tiny, few, 2) == cohort_page_queries(tiny, many, 25)
