"""Comparing two submissions, and finding an organisation's earlier one."""

import pytest
from django.urls import reverse

from assessment.journey import AnswerInput
from clinic.compare import earlier_submission
from tests.clinic_support import (
    STRONG,
    WEAK,
    days_ago,
    signed_in,
    staff_member,
    submission,
)
from tests.journey_support import store_tiny

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    return store_tiny()


@pytest.fixture
def staff():
    return signed_in(staff_member())


def compare(client, a, b):
    return client.get(reverse("clinic:compare") + f"?a={a.pk}&b={b.pk}")


def test_two_submissions_side_by_side_with_deltas_and_differing_answers(tiny, staff):
    before = submission(tiny, "Acme", WEAK, submitted_at=days_ago(90))
    after = submission(tiny, "Acme", STRONG)

    response = compare(staff, before, after)

    comparison = response.context["comparison"]
    data, monitoring = comparison.dimensions
    assert (data.a.level, data.b.level, data.delta) == (0, 2, 100.0)
    assert monitoring.level_delta == 2
    assert comparison.overall_delta == 100.0
    assert {d.question.id for d in comparison.differences} == {
        "data-store",
        "data-versioned",
        "data-tools",
        "mon-any",
    }
    tools = next(d for d in comparison.differences if d.question.id == "data-tools")
    assert (tools.a, tools.b) == ("", "Schema checks; Range checks")
    page = response.content.decode()
    assert "Acme: two submissions" in page
    assert "up 100" in page
    assert "Not answered" in page


def test_identical_answers_show_no_difference(tiny, staff):
    first = submission(tiny, "Acme", STRONG)
    second = submission(tiny, "Beta", STRONG)

    response = compare(staff, first, second)

    assert response.context["comparison"].differences == ()
    assert "0 of the 5 questions" in response.content.decode()


def test_without_two_submissions_the_page_asks_for_them(staff):
    response = staff.get(reverse("clinic:compare") + "?a=3")

    assert response.status_code == 200
    assert response.context["comparison"] is None
    assert 'name="b"' in response.content.decode()


def test_the_earlier_submission_is_the_revised_one_first(tiny):
    first = submission(tiny, "Acme", submitted_at=days_ago(60))
    revised = submission(tiny, "Acme Ltd", STRONG)
    revised.previous = first
    revised.save()

    assert earlier_submission(revised) == first
    assert earlier_submission(first) is None


def test_otherwise_the_latest_earlier_one_with_the_same_name(tiny):
    oldest = submission(tiny, "Acme", submitted_at=days_ago(300))
    older = submission(tiny, "ACME", submitted_at=days_ago(100))
    submission(tiny, "Other Ltd", submitted_at=days_ago(50))
    latest = submission(tiny, "acme", {"mon-any": AnswerInput(choices=("alerts",))})

    assert earlier_submission(latest) == older
    assert earlier_submission(older) == oldest


def test_two_rows_ticked_on_the_dashboard_compare_the_earlier_as_a(tiny, staff):
    later = submission(tiny, "Beta plc", STRONG)
    earlier = submission(tiny, "Acme", WEAK, submitted_at=days_ago(30))

    dashboard = staff.get(reverse("clinic:dashboard")).content.decode()
    response = staff.get(
        reverse("clinic:compare") + f"?pick={later.pk}&pick={earlier.pk}"
    )

    assert f'name="pick" value="{later.pk}" form="compare-form"' in dashboard
    assert 'id="compare-form" method="get"' in dashboard
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("clinic:compare") + f"?a={earlier.pk}&b={later.pk}"
    )


@pytest.mark.parametrize("picks", [1, 3])
def test_anything_but_two_ticked_rows_is_explained(tiny, staff, picks):
    chosen = [submission(tiny, f"Org {n}") for n in range(picks)]
    query = "&".join(f"pick={a.pk}" for a in chosen)

    response = staff.get(reverse("clinic:compare") + "?" + query)

    assert response.status_code == 400
    assert "Tick exactly two submissions" in response.content.decode()


def test_ticked_drafts_and_forged_ids_are_not_compared(tiny, staff):
    real = submission(tiny, "Acme")

    response = staff.get(
        reverse("clinic:compare") + f"?pick={real.pk}&pick=99999999999999999999"
    )

    assert response.status_code == 400
