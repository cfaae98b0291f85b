"""The submissions dashboard's filters and sorting, read from a query string.

Filters are parsed into a typed value that ignores what it does not
understand, so a stale or hand-edited link still shows the dashboard,
and turned back into a query string for sorting, paging and export
links. The same filters select the rows of every export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page
from django.db.models import Case, F, IntegerField, OrderBy, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from assessment.models import Assessment, Organisation

from .models import ReviewStatus

SEARCH_MAX_LENGTH = 200
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
VERSION = re.compile(r"[0-9]{1,4}(\.[0-9]{1,4}){0,2}")
LEVELS = range(5)

# Workflow order, so sorting by status puts new submissions first.
STATUS_ORDER = Case(
    *(
        When(review_status=status, then=Value(rank))
        for rank, status in enumerate(ReviewStatus.values)
    ),
    output_field=IntegerField(),
)
SIZE_ORDER = Case(
    *(
        When(organisation__size=size, then=Value(rank))
        for rank, size in enumerate(Organisation.Size.values)
    ),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class Column:
    """A sortable column of the submissions table."""

    key: str
    label: str
    descending_first: bool = False


COLUMNS = (
    Column("organisation", "Organisation"),
    Column("sector", "Sector"),
    Column("size", "Size"),
    Column("questionnaire", "Questionnaire"),
    Column("score", "Overall", descending_first=True),
    Column("verdict", "Verdict"),
    Column("status", "Status"),
    Column("assignee", "Assignee"),
    Column("cohort", "Cohort"),
    Column("submitted", "Submitted", descending_first=True),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_SORT = "-submitted"


# Columns that may be empty: their empty rows go last in either direction.
NULLABLE = {"score", "assignee", "cohort"}


def _ordering(key: str, descending: bool) -> list[OrderBy]:
    expressions: dict[str, list[Any]] = {
        "organisation": [Lower("organisation__name")],
        "sector": [F("organisation__sector")],
        "size": [SIZE_ORDER],
        "questionnaire": [
            F("questionnaire_version__title"),
            F("questionnaire_version__version"),
        ],
        "score": [F("result__score")],
        "verdict": [F("result__verdict")],
        "status": [STATUS_ORDER],
        "assignee": [Lower("assignee_username")],
        "cohort": [Lower("cohort_membership__cohort__name")],
        "submitted": [F("submitted_at")],
    }
    nulls_last = True if key in NULLABLE else None
    ordering = [
        expression.desc(nulls_last=nulls_last)
        if descending
        else expression.asc(nulls_last=nulls_last)
        for expression in expressions[key]
    ]
    # The id breaks ties, so that pages never overlap. Plain ascending or
    # descending order on submission time and id lets the database walk
    # its index rather than sort every submission.
    return [*ordering, F("pk").desc() if descending else F("pk").asc()]


def submitted_assessments() -> QuerySet[Assessment]:
    """Every submission with what the dashboard shows, in one query.

    Questionnaire versions and cohort names come from the short lists the
    dashboard reads for its filters anyway: every join left out here is
    planning time saved on each page (see ``display.SubmissionRow``).
    """
    return (
        Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
        .select_related("organisation", "result")
        .defer("targets", "result__data")
        .annotate(
            review_status=Coalesce(F("review__status"), Value(ReviewStatus.NEW)),
            assignee_username=F("review__assignee__username"),
            cohort_id=F("cohort_membership__cohort_id"),
        )
    )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class SubmissionFilters:
    search: str = ""
    """Part of an organisation's name."""
    status: str = ""
    sector: str = ""
    size: str = ""
    questionnaire: str = ""
    """A questionnaire's slug."""
    version: str = ""
    level: int | None = None
    """Overall maturity level."""
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    """Inclusive: submissions made on this day are shown."""
    cohort: int | None = None
    sort: str = DEFAULT_SORT

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> SubmissionFilters:
        """Read filters from a query string, ignoring values we do not know."""
        status = query.get("status", "")
        sector = query.get("sector", "")
        size = query.get("size", "")
        questionnaire = query.get("questionnaire", "")
        version = query.get("version", "")
        level = query.get("level", "")
        cohort = query.get("cohort", "")
        sort = query.get("sort", "")
        return cls(
            search=" ".join(query.get("q", "").split())[:SEARCH_MAX_LENGTH],
            status=status if status in ReviewStatus.values else "",
            sector=sector if sector in Organisation.Sector.values else "",
            size=size if size in Organisation.Size.values else "",
            questionnaire=questionnaire if SLUG.fullmatch(questionnaire) else "",
            version=version if VERSION.fullmatch(version) else "",
            level=int(level) if level in {str(n) for n in LEVELS} else None,
            submitted_from=_date(query.get("from", "")),
            submitted_to=_date(query.get("to", "")),
            cohort=int(cohort) if cohort.isdigit() and len(cohort) < 19 else None,
            sort=sort if sort.removeprefix("-") in COLUMNS_BY_KEY else DEFAULT_SORT,
        )

    def params(self) -> dict[str, str]:
        """The filters as query parameters, leaving out what is not set."""
        pairs = {
            "q": self.search,
            "status": self.status,
            "sector": self.sector,
            "size": self.size,
            "questionnaire": self.questionnaire,
            "version": self.version,
            "level": "" if self.level is None else str(self.level),
            "from": self.submitted_from.isoformat() if self.submitted_from else "",
            "to": self.submitted_to.isoformat() if self.submitted_to else "",
            "cohort": "" if self.cohort is None else str(self.cohort),
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
        }
        return {name: value for name, value in pairs.items() if value}

    @property
    def query_string(self) -> str:
        return urlencode(self.params())

    @property
    def active(self) -> bool:
        return bool(set(self.params()) - {"sort"})

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def sorted_by(self, key: str) -> SubmissionFilters:
        """These filters sorted by column ``key``; again reverses the order."""
        column = COLUMNS_BY_KEY[key]
        if self.sort_key == key:
            descending = not self.descending
        else:
            descending = column.descending_first
        return replace(self, sort=f"-{key}" if descending else key)

    def apply(self, submissions: QuerySet[Assessment]) -> QuerySet[Assessment]:
        """Filter and order rows of ``submitted_assessments()``."""
        conditions: dict[str, Any] = {}
        status = Q()
        if self.status == ReviewStatus.NEW:
            # A submission nobody has reviewed has no review row yet. Said
            # this way rather than through the annotation, the database
            # can estimate how many rows match and plan the joins well.
            status = Q(review__isnull=True) | Q(review__status=ReviewStatus.NEW)
        elif self.status:
            status = Q(review__status=self.status)
        if self.search:
            conditions["organisation__name__icontains"] = self.search
        if self.sector:
            conditions["organisation__sector"] = self.sector
        if self.size:
            conditions["organisation__size"] = self.size
        if self.questionnaire:
            conditions["questionnaire_version__slug"] = self.questionnaire
        if self.version:
            conditions["questionnaire_version__version"] = self.version
        if self.level is not None:
            conditions["result__level"] = self.level
        if self.submitted_from:
            conditions["submitted_at__gte"] = _start_of(self.submitted_from)
        if self.submitted_to:
            next_day = self.submitted_to + dt.timedelta(days=1)
            conditions["submitted_at__lt"] = _start_of(next_day)
        if self.cohort is not None:
            conditions["cohort_membership__cohort_id"] = self.cohort
        return submissions.filter(status, **conditions).order_by(
            *_ordering(self.sort_key, self.descending)
        )

    def describe(self) -> dict[str, str]:
        """The filters for the audit log of an export."""
        return self.params()


@dataclass(frozen=True)
class SortLink:
    """A column header: its label, the link that sorts by it, and its state."""

    column: Column
    query_string: str
    aria_sort: str
    """ascending, descending, or "" when the table is not sorted by it."""


def sort_links(filters: SubmissionFilters) -> list[SortLink]:
    links = []
    for column in COLUMNS:
        state = ""
        if filters.sort_key == column.key:
            state = "descending" if filters.descending else "ascending"
        links.append(
            SortLink(column, filters.sorted_by(column.key).query_string, state)
        )
    return links


def page_links(filters: SubmissionFilters, page: Page[Assessment]) -> dict[str, str]:
    """Query strings of the first, previous, next and last pages that exist."""
    numbers: dict[str, int] = {}
    if page.has_previous():
        numbers |= {"first": 1, "previous": page.previous_page_number()}
    if page.has_next():
        numbers |= {"next": page.next_page_number(), "last": page.paginator.num_pages}
    return {
        name: urlencode({**filters.params(), "page": number})
        for name, number in numbers.items()
    }
