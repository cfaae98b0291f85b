"""Cohorts: clinics and workshops, their invite links and their overview.

A cohort's invite link leads to the start form; an assessment started
through it is tagged with the cohort. The overview is a heatmap of
dimension levels across the cohort's submissions and the distribution
of levels per dimension, computed here as plain values from levels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from assessment.models import Assessment
from assessment.schema import Dimension, MaturityLevel, Questionnaire, version_key
from assessment.scoring import AssessmentScore

from .models import Cohort, CohortMembership, LevelValidation
from .validation import ValidatedLevel, latest_per_dimension


def create_cohort(
    *, name: str, date: dt.date, description: str, created_by: User
) -> Cohort:
    return Cohort.objects.create(
        name=name, date=date, description=description, created_by=created_by
    )


def invite_link(cohort: Cohort) -> str:
    """The absolute invite link, built from SITE_URL like every shared link."""
    return settings.SITE_URL + reverse("join", args=[cohort.code])


def join(assessment: Assessment, cohort: Cohort) -> CohortMembership:
    """Tag a newly started assessment with the cohort it was started from."""
    return CohortMembership.objects.create(assessment=assessment, cohort=cohort)


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    started: int
    """Assessments started through the invite link, drafts included."""
    submitted: int

    @property
    def drafts(self) -> int:
        return self.started - self.submitted


def summaries(cohorts: QuerySet[Cohort] | None = None) -> list[CohortSummary]:
    """Cohorts, newest first, with their counts of started and submitted."""
    submitted = Q(memberships__assessment__status=Assessment.Status.SUBMITTED)
    rows = (
        (cohorts if cohorts is not None else Cohort.objects.all())
        .annotate(
            started_count=Count("memberships"),
            submitted_count=Count("memberships", filter=submitted),
        )
        .order_by("-date", "-pk")
    )
    return [
        CohortSummary(
            cohort=row,
            started=row.started_count,
            submitted=row.submitted_count,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class HeatCell:
    level: int | None
    """The level that counts: the adviser's when validated, else the respondent's."""
    self_assessed: int | None
    validated: bool

    @property
    def changed_by_validation(self) -> bool:
        return self.validated and self.level != self.self_assessed


@dataclass(frozen=True)
class HeatRow:
    assessment: Assessment
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class LevelCount:
    level: MaturityLevel
    count: int
    share: float
    """Of the dimension's scored submissions, 0-1."""


@dataclass(frozen=True)
class Distribution:
    dimension: Dimension
    counts: tuple[LevelCount, ...]
    scored: int

    @property
    def most_common(self) -> LevelCount | None:
        if not self.scored:
            return None
        return max(self.counts, key=lambda c: (c.count, -c.level.level))

    @property
    def segments(self) -> list[tuple[int, float, float]]:
        """(level, start, width) of each level's share, on a 0-100 scale."""
        start = 0.0
        segments = []
        for count in self.counts:
            width = round(100 * count.share, 2)
            if width:
                segments.append((count.level.level, round(start, 2), width))
                start += width
        return segments

    @property
    def below_two(self) -> int:
        """Submissions below level 2, where most workshops start."""
        return sum(c.count for c in self.counts if c.level.level < 2)


@dataclass(frozen=True)
class Heatmap:
    """Levels of one questionnaire's dimensions across a cohort's submissions."""

    questionnaire: Questionnaire
    rows: tuple[HeatRow, ...]
    distributions: tuple[Distribution, ...]

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return self.questionnaire.dimensions

    @property
    def levels(self) -> tuple[MaturityLevel, ...]:
        return self.questionnaire.levels


@dataclass(frozen=True)
class Entry:
    """One submission's levels, as the heatmap needs them."""

    assessment: Assessment
    levels: Mapping[str, int | None]
    """Self-assessed level by dimension id."""
    validated: Mapping[str, ValidatedLevel]


def heatmap(questionnaire: Questionnaire, entries: Sequence[Entry]) -> Heatmap:
    """The heatmap and per-dimension distribution of ``entries``.

    Columns are ``questionnaire``'s dimensions; a submission on another
    version shows the dimensions it shares with it.
    """
    rows = []
    for entry in entries:
        cells = []
        for dimension in questionnaire.dimensions:
            own = entry.levels.get(dimension.id)
            validated = entry.validated.get(dimension.id)
            cells.append(
                HeatCell(
                    level=validated.level if validated else own,
                    self_assessed=own,
                    validated=validated is not None,
                )
            )
        rows.append(HeatRow(entry.assessment, tuple(cells)))

    distributions = []
    for index, dimension in enumerate(questionnaire.dimensions):
        levels = [row.cells[index].level for row in rows]
        scored = sum(level is not None for level in levels)
        distributions.append(
            Distribution(
                dimension=dimension,
                counts=tuple(
                    LevelCount(
                        level=level,
                        count=levels.count(level.level),
                        share=levels.count(level.level) / scored if scored else 0.0,
                    )
                    for level in questionnaire.levels
                ),
                scored=scored,
            )
        )
    return Heatmap(questionnaire, tuple(rows), tuple(distributions))


def cohort_heatmaps(cohort: Cohort) -> list[Heatmap]:
    """One heatmap per questionnaire answered in the cohort, fullest first.

    Two queries, however many submissions: the submissions with their
    results, and every validated level in the cohort.
    """
    submissions = list(
        Assessment.objects.filter(
            cohort_membership__cohort=cohort, status=Assessment.Status.SUBMITTED
        )
        .select_related("organisation", "questionnaire_version", "result")
        .defer("questionnaire_version__definition")
        .order_by("organisation__name", "submitted_at")
    )
    validations: dict[int, list[LevelValidation]] = {}
    for row in LevelValidation.objects.filter(
        assessment__in=[s.pk for s in submissions]
    ).select_related("author"):
        validations.setdefault(row.assessment_id, []).append(row)

    by_slug: dict[str, list[Assessment]] = {}
    for submission in submissions:
        by_slug.setdefault(submission.questionnaire_version.slug, []).append(submission)

    heatmaps = []
    for group in by_slug.values():
        newest = max(group, key=lambda s: version_key(s.questionnaire_version.version))
        entries = [
            Entry(
                assessment=submission,
                levels=_levels(submission.result.scores),
                validated=latest_per_dimension(validations.get(submission.pk, [])),
            )
            for submission in group
        ]
        heatmaps.append(heatmap(newest.questionnaire_version.questionnaire, entries))
    return sorted(heatmaps, key=lambda h: -len(h.dimensions))


def _levels(scores: AssessmentScore) -> dict[str, int | None]:
    return {d.dimension: d.level for d in scores.dimensions}
