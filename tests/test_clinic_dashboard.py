"""The submissions dashboard: filters, search, sorting, paging and htmx."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment
from clinic.filters import SubmissionFilters, sort_links
from clinic.models import Cohort, CohortMembership, Review, ReviewStatus
from tests.clinic_support import (
    STRONG,
    days_ago,
    signed_in,
    staff_member,
    submission,
)
from tests.journey_support import start, store_tiny

DASHBOARD = reverse("clinic:dashboard")


def parse(query: str) -> SubmissionFilters:
    return SubmissionFilters.from_query(QueryDict(query))


def test_filters_read_every_known_value():
    filters = parse(
        "q=+Acme++Data+&status=follow_up&sector=health&size=large"
        "&questionnaire=mlops-maturity&version=1.2&level=3"
        "&from=2026-01-31&to=2026-02-28&cohort=7&sort=-organisation"
    )

    assert filters == SubmissionFilters(
        search="Acme Data",
        status="follow_up",
        sector="health",
        size="large",
        questionnaire="mlops-maturity",
        version="1.2",
        level=3,
        submitted_from=dt.date(2026, 1, 31),
        submitted_to=dt.date(2026, 2, 28),
        cohort=7,
        sort="-organisation",
    )


@pytest.mark.parametrize(
    "query",
    [
        "status=done",
        "sector=space",
        "size=huge",
        "questionnaire=Not%20A%20Slug",
        "version=one",
        "level=5",
        "level=-1",
        "level=two",
        "from=2026-02-30",
        "to=yesterday",
        "cohort=abc",
        "cohort=-3",
        "cohort=99999999999999999999999",
        "sort=password",
        "sort=--organisation",
        "page=1",
    ],
)
def test_filters_ignore_what_they_do_not_know(query):
    assert parse(query) == SubmissionFilters()


def test_a_long_search_is_cut_rather_than_refused():
    assert len(parse("q=" + "x" * 500).search) == 200


def test_the_query_string_leaves_out_defaults_and_round_trips():
    filters = parse("status=new&level=0&sort=-submitted&q=")

    assert filters.query_string == "status=new&level=0"
    assert parse(filters.query_string) == filters
    assert filters.active
    assert not parse("sort=organisation").active


def test_sorting_by_a_column_twice_reverses_it():
    filters = parse("status=new")

    once = filters.sorted_by("organisation")
    twice = once.sorted_by("organisation")

    assert once.sort == "organisation"
    assert twice.sort == "-organisation"
    assert filters.sorted_by("submitted").sort == "submitted"
    assert parse("").sorted_by("score").sort == "-score"
    assert twice.status == "new"


def test_column_headers_say_how_the_table_is_sorted():
    links = {link.column.key: link for link in sort_links(parse("sort=sector"))}

    assert links["sector"].aria_sort == "ascending"
    assert links["sector"].query_string == "sort=-sector"
    assert links["organisation"].aria_sort == ""


@pytest.fixture
def tiny(db):
    return store_tiny()


@pytest.fixture
def staff(db):
    return signed_in(staff_member())


def names(response) -> list[str]:
    return [row.assessment.organisation.name for row in response.context["rows"]]


def test_the_table_lists_submissions_newest_first_and_never_drafts(tiny, staff):
    submission(tiny, "Older Ltd", submitted_at=days_ago(5))
    submission(tiny, "Newer Ltd", submitted_at=days_ago(1))
    start(Client(), name="Draft Ltd")

    response = staff.get(DASHBOARD)

    assert names(response) == ["Newer Ltd", "Older Ltd"]
    assert "Draft Ltd" not in response.content.decode()


def test_each_filter_narrows_the_table(tiny, staff):
    cohort = Cohort.objects.create(name="Leeds", date=dt.date(2026, 3, 1))
    weak = submission(tiny, "Weak Health", sector="health", size="large")
    submission(tiny, "Strong Tech", STRONG, submitted_at=days_ago(40))
    tagged = submission(tiny, "Tagged Retail", sector="retail", cohort=cohort)
    Review.objects.create(assessment=weak, status=ReviewStatus.FOLLOW_UP)
    today = timezone.localdate().isoformat()

    def shown(query: str) -> list[str]:
        return sorted(names(staff.get(f"{DASHBOARD}?{query}")))

    assert shown("sector=health") == ["Weak Health"]
    assert shown("size=large") == ["Weak Health"]
    assert shown("status=follow_up") == ["Weak Health"]
    assert shown("status=new") == ["Strong Tech", "Tagged Retail"]
    assert shown("level=2") == ["Strong Tech"]
    assert shown(f"from={today}") == ["Tagged Retail", "Weak Health"]
    assert shown(f"to={days_ago(30).date().isoformat()}") == ["Strong Tech"]
    assert shown(f"cohort={cohort.pk}") == [tagged.organisation.name]
    assert shown("q=tech") == ["Strong Tech"]
    assert shown("questionnaire=tiny&version=1.0") == sorted(
        ["Weak Health", "Strong Tech", "Tagged Retail"]
    )
    assert shown("questionnaire=quick-check") == []
    assert shown("sector=health&status=new") == []


def test_sorting_follows_the_column_and_keeps_the_filters(tiny, staff):
    submission(tiny, "beta")
    submission(tiny, "Alpha", STRONG)
    submission(tiny, "Gamma")

    by_name = staff.get(f"{DASHBOARD}?sort=organisation")
    by_score = staff.get(f"{DASHBOARD}?sort=-score&q=a")

    assert names(by_name) == ["Alpha", "beta", "Gamma"]
    assert names(by_score)[0] == "Alpha"
    assert 'aria-sort="descending"' in by_score.content.decode()
    assert "q=a&amp;sort=organisation" in by_score.content.decode()


def test_the_table_pages_by_fifty(tiny, staff):
    for number in range(53):
        submission(tiny, f"Org {number:02}", submitted_at=days_ago(number))

    first = staff.get(DASHBOARD)
    last = staff.get(f"{DASHBOARD}?page=2")
    beyond = staff.get(f"{DASHBOARD}?page=nonsense")

    assert len(names(first)) == 50
    assert names(last) == ["Org 50", "Org 51", "Org 52"]
    assert names(beyond) == names(first)
    assert "Page 1 of 2" in first.content.decode()


def test_an_htmx_request_gets_only_the_table(tiny, staff):
    submission(tiny, "Acme")

    full = staff.get(f"{DASHBOARD}?sector=technology")
    region = staff.get(f"{DASHBOARD}?sector=technology", headers={"HX-Request": "true"})
    history = staff.get(
        f"{DASHBOARD}?sector=technology",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert region.content.decode().lstrip().startswith('<div id="submissions"')
    assert "Acme" in region.content.decode()
    assert "<html" not in region.content.decode()
    assert "<html" in full.content.decode()
    assert "<html" in history.content.decode()


def test_the_filter_form_swaps_the_table_and_pushes_the_url(tiny, staff):
    page = staff.get(DASHBOARD).content.decode()

    assert 'hx-get="/clinic/"' in page
    assert 'hx-target="#submissions"' in page
    assert 'hx-push-url="true"' in page
    assert 'method="get" action="/clinic/"' in page


def test_export_links_carry_the_filters(tiny, staff):
    submission(tiny, "Acme")

    page = staff.get(f"{DASHBOARD}?sector=technology&level=0").content.decode()

    assert "/clinic/export/submissions.csv?sector=technology&amp;level=0" in page
    assert "/clinic/export/answers.csv?sector=technology&amp;level=0" in page


@pytest.mark.parametrize("count", [5, 60])
def test_a_page_makes_the_same_few_queries_however_many_rows(
    tiny, count, django_assert_max_num_queries
):
    cohort = Cohort.objects.create(name="Leeds", date=dt.date(2026, 3, 1))
    reviewer = staff_member("ben")
    for number in range(count):
        assessment = submission(tiny, f"Org {number}")
        Review.objects.create(
            assessment=assessment, status=ReviewStatus.IN_REVIEW, assignee=reviewer
        )
        CohortMembership.objects.create(assessment=assessment, cohort=cohort)
    client = signed_in(staff_member())
    client.get(DASHBOARD)

    # The session, the user, their permissions (two), the count, the rows,
    # the questionnaires and the cohorts for the filters.
    with django_assert_max_num_queries(8):
        response = client.get(DASHBOARD)

    assert len(response.context["rows"]) == min(count, 50)
    assert "Leeds" in response.content.decode()
    assert "ben" in response.content.decode()


def test_submissions_of_organisations_deleted_meanwhile_are_simply_gone(tiny, staff):
    gone = submission(tiny, "Gone Ltd")
    Assessment.objects.filter(pk=gone.pk).delete()

    assert names(staff.get(DASHBOARD)) == []
