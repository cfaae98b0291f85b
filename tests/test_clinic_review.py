"""Reviewing a submission: its page, status, assignment, notes and
validated levels, and what of it the respondent sees."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import journey
from assessment.journey import AnswerInput
from clinic.models import (
    AuditAction,
    AuditEvent,
    LevelValidation,
    Review,
    ReviewerNote,
    ReviewStatus,
)
from clinic.review import reviewers
from clinic.validation import validated_levels
from tests.clinic_support import (
    PASSWORD,
    outsider,
    signed_in,
    staff_member,
    user_with,
)
from tests.journey_support import start, store_tiny

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    return store_tiny()


@pytest.fixture
def adviser():
    return staff_member("ana", first_name="Ana")


@pytest.fixture
def staff(adviser):
    return signed_in(adviser)


@pytest.fixture
def respondent(tiny):
    """A respondent who answered and submitted through the real pages."""
    respondent = start(Client(), name="Acme Analytics")
    respondent.autosave("data-store", answer="shared", note="On the NAS")
    respondent.autosave("data-versioned", answer="dont_know")
    respondent.autosave("data-tools", answer=["schema", "ranges"])
    respondent.autosave("mon-any", answer="manual", evidence="")
    respondent.client.post(respondent.url("submit"))
    return respondent


def url(name: str, assessment) -> str:
    return reverse(f"clinic:{name}", args=[assessment.pk])


def events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_the_page_shows_answers_with_notes_and_special_answers(respondent, staff):
    page = staff.get(url("submission", respondent.assessment)).content.decode()

    assert "Where is training data kept?" in page
    assert "In a shared store" in page
    assert "On the NAS" in page
    assert '<span class="pill pill--special">Don&#x27;t know</span>' in page
    assert "Schema checks" in page
    assert "Range checks" in page
    assert "Production readiness" in page
    assert 'class="chart chart--bars"' in page


def test_viewing_a_submission_is_logged(respondent, staff, adviser):
    staff.get(url("submission", respondent.assessment))

    [event] = events(AuditAction.VIEWED_SUBMISSION)
    assert event.actor == adviser
    assert event.actor_username == "ana"
    assert event.assessment_id == respondent.assessment.pk


def test_staff_change_the_status_and_assignee(respondent, staff, adviser):
    assessment = respondent.assessment
    other = staff_member("ben")

    response = staff.post(
        url("review", assessment), {"status": "in_review", "assignee": other.pk}
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#review")
    review = Review.objects.get(assessment=assessment)
    assert (review.status, review.assignee) == (ReviewStatus.IN_REVIEW, other)
    [status] = events(AuditAction.CHANGED_STATUS)
    [assigned] = events(AuditAction.ASSIGNED)
    assert status.details == {"old": "new", "new": "in_review"}
    assert assigned.details == {"old": None, "new": "ben"}


def test_saving_the_same_review_again_logs_nothing(respondent, staff):
    data = {"status": "reviewed", "assignee": ""}
    staff.post(url("review", respondent.assessment), data)

    staff.post(url("review", respondent.assessment), data)

    assert len(events(AuditAction.CHANGED_STATUS)) == 1
    assert events(AuditAction.ASSIGNED) == []


def test_with_htmx_the_review_panel_alone_comes_back(respondent, staff):
    response = staff.post(
        url("review", respondent.assessment),
        {"status": "follow_up"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="review"')
    assert "The review is updated." in body
    assert '<option value="follow_up" selected>' in body


@pytest.mark.parametrize(
    "data",
    [{"status": "closed"}, {"status": "new", "assignee": "999999"}, {}],
)
def test_a_refused_review_changes_nothing(respondent, staff, data):
    response = staff.post(url("review", respondent.assessment), data)

    assert response.status_code == 400
    assert not Review.objects.exists()
    assert events(AuditAction.CHANGED_STATUS) == []


def test_only_reviewers_can_be_assigned(respondent, staff, adviser):
    bystander = outsider()
    admin = User.objects.create_superuser("root", password=PASSWORD)

    assert list(reviewers()) == [adviser, admin]
    response = staff.post(
        url("review", respondent.assessment),
        {"status": "new", "assignee": bystander.pk},
    )
    assert response.status_code == 400


def test_notes_are_kept_newest_first_with_their_author(respondent, staff, adviser):
    assessment = respondent.assessment

    staff.post(url("note", assessment), {"text": "First call went well."})
    response = staff.post(
        url("note", assessment),
        {"text": "Ask about drift."},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert body.index("Ask about drift.") < body.index("First call went well.")
    assert [n.author for n in ReviewerNote.objects.all()] == [adviser, adviser]
    logged = events(AuditAction.WROTE_NOTE)
    assert [e.details for e in logged] == [
        {"note": n.pk} for n in ReviewerNote.objects.order_by("pk")
    ]


def test_an_empty_note_is_refused(respondent, staff):
    response = staff.post(url("note", respondent.assessment), {"text": "   "})

    assert response.status_code == 400
    assert "Write the note before adding it" in response.content.decode()
    assert not ReviewerNote.objects.exists()


def test_reviewer_notes_never_reach_the_respondent(respondent, staff):
    secret = "Private: the CTO seems unconvinced"
    staff.post(url("note", respondent.assessment), {"text": secret})
    staff.post(url("review", respondent.assessment), {"status": "follow_up"})

    pages = [
        respondent.client.get(respondent.url(name))
        for name in ("results", "link", "resume", "delete")
    ]

    for page in pages:
        body = page.content.decode()
        assert secret not in body
        assert "Follow-up" not in body


def test_a_validated_level_is_shown_to_the_respondent_beside_their_own(
    respondent, staff
):
    response = staff.post(
        url("validate", respondent.assessment),
        {"dimension": "monitoring", "level": "0", "reason": "Nobody reads the logs."},
    )

    assert response.status_code == 302
    results = respondent.client.get(respondent.url("results")).content.decode()
    assert "Self-assessed:</span> Level 1" in results
    assert "Validated by an adviser:</span> Level 0 (Ad hoc)" in results
    assert "Nobody reads the logs." in results
    [event] = events(AuditAction.VALIDATED_LEVEL)
    assert event.details == {"dimension": "monitoring", "level": 0}


def test_the_latest_validation_of_a_dimension_counts_and_history_stays(
    respondent, staff
):
    assessment = respondent.assessment
    for level, reason in [("2", "First view"), ("1", "After the clinic")]:
        staff.post(
            url("validate", assessment),
            {"dimension": "data", "level": level, "reason": reason},
        )

    latest = validated_levels(assessment)
    page = staff.get(url("submission", assessment)).content.decode()

    assert set(latest) == {"data"}
    assert (latest["data"].level, latest["data"].reason) == (1, "After the clinic")
    assert latest["data"].validated_by == "Ana"
    assert LevelValidation.objects.count() == 2
    assert page.count('class="is-superseded"') == 1
    assert "First view" in page


def test_the_latest_is_by_time_not_by_insertion(respondent, adviser):
    assessment = respondent.assessment
    now = timezone.now()
    LevelValidation.objects.create(
        assessment=assessment, dimension="data", level=2, reason="new", author=adviser
    )
    LevelValidation.objects.create(
        assessment=assessment,
        dimension="data",
        level=0,
        reason="backfilled",
        author=adviser,
        created_at=now - dt.timedelta(days=3),
    )

    assert validated_levels(assessment)["data"].reason == "new"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"dimension": "data", "level": "3", "reason": "x"}, "Select a valid choice"),
        ({"dimension": "space", "level": "1", "reason": "x"}, "Select a valid choice"),
        ({"dimension": "data", "level": "1", "reason": " "}, "Give the reason"),
        ({"dimension": "", "level": "1", "reason": "x"}, "Choose a dimension"),
    ],
)
def test_a_refused_validation_says_why_and_stores_nothing(
    respondent, staff, data, message
):
    response = staff.post(url("validate", respondent.assessment), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LevelValidation.objects.exists()


def test_someone_who_may_only_view_sees_no_review_forms(respondent):
    viewer = signed_in(user_with("vic", "view_submissions"))

    page = viewer.get(url("submission", respondent.assessment)).content.decode()

    assert 'action="/clinic/submissions/' not in page
    assert "Reviewer notes" in page


def test_the_compare_link_appears_once_the_organisation_has_an_earlier_one(
    respondent, staff
):
    first = respondent.assessment
    again = respondent.client.post(respondent.url("retake"))
    assert again.status_code == 302
    later = first.followers.get()
    later_answers = {
        "data-store": AnswerInput(choices=("versioned",)),
        "mon-any": AnswerInput(choices=("alerts",)),
    }
    journey.save_answers(later, later_answers)
    journey.submit(later)

    page = staff.get(url("submission", later)).content.decode()
    earlier_page = staff.get(url("submission", first)).content.decode()

    assert f"?a={first.pk}&amp;b={later.pk}" in page
    assert "Compare with the previous submission" not in earlier_page


def submission_page_queries(client, assessment) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("submission", assessment))
    assert response.status_code == 200
    return len(queries)


def test_the_submission_page_queries_do_not_grow_with_notes_or_validations(
    respondent, staff, adviser
):
    assessment = respondent.assessment
    staff.post(url("note", assessment), {"text": "First call booked"})
    staff.post(
        url("validate", assessment),
        {"dimension": "data", "level": "1", "reason": "Seen"},
    )
    few = submission_page_queries(staff, assessment)

    for number in range(12):
        staff.post(url("note", assessment), {"text": f"Note {number}"})
        staff.post(
            url("validate", assessment),
            {
                "dimension": ["data", "monitoring"][number % 2],
                "level": str(number % 3),
                "reason": f"Reason {number}",
            },
        )
    many = submission_page_queries(staff, assessment)

    assert few == many
