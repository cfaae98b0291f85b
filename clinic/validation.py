"""Adviser-validated levels: a staff member's level for a dimension, with why.

The respondent's own answers give the self-assessed level; an adviser
who has talked the answers through may record the level they judge
right. Every validation is kept, and the latest for each dimension is
the one the results page and the report show beside the self-assessed
level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User

from assessment.models import Assessment
from assessment.schema import Questionnaire

from .models import LevelValidation

REASON_MAX_LENGTH = 2000


class InvalidValidationError(ValueError):
    """A dimension or level that the assessment's questionnaire does not have."""


@dataclass(frozen=True)
class ValidatedLevel:
    """The level of one dimension as validated by an adviser."""

    dimension: str
    """The dimension's id."""
    level: int
    reason: str
    validated_by: str
    """The adviser's name, or their username when they gave no name."""
    validated_at: dt.datetime


def _value(row: LevelValidation) -> ValidatedLevel:
    author = row.author
    return ValidatedLevel(
        dimension=row.dimension,
        level=row.level,
        reason=row.reason,
        validated_by=(author.get_full_name() or author.get_username())
        if author
        else "a former adviser",
        validated_at=row.created_at,
    )


def latest_per_dimension(rows: Iterable[LevelValidation]) -> dict[str, ValidatedLevel]:
    """The newest of ``rows`` for each dimension."""
    latest: dict[str, LevelValidation] = {}
    for row in rows:
        current = latest.get(row.dimension)
        if current is None or (row.created_at, row.pk) > (
            current.created_at,
            current.pk,
        ):
            latest[row.dimension] = row
    return {dimension: _value(row) for dimension, row in latest.items()}


def validated_levels(assessment: Assessment) -> dict[str, ValidatedLevel]:
    """The latest validated level of each dimension, by dimension id.

    Dimensions nobody has validated are absent. One query.
    """
    return latest_per_dimension(
        LevelValidation.objects.filter(assessment=assessment).select_related("author")
    )


@dataclass(frozen=True)
class HistoryEntry:
    validated: ValidatedLevel
    dimension: str
    """The dimension's name."""
    superseded: bool
    """A later validation of the same dimension replaced this one."""


def history(assessment: Assessment, questionnaire: Questionnaire) -> list[HistoryEntry]:
    """Every validation of the assessment, newest first."""
    rows = (
        LevelValidation.objects.filter(assessment=assessment)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    seen: set[str] = set()
    entries = []
    for row in rows:
        dimension = questionnaire.dimensions_by_id.get(row.dimension)
        entries.append(
            HistoryEntry(
                validated=_value(row),
                dimension=dimension.name if dimension else row.dimension,
                superseded=row.dimension in seen,
            )
        )
        seen.add(row.dimension)
    return entries


def record_validation(
    assessment: Assessment,
    questionnaire: Questionnaire,
    *,
    dimension: str,
    level: int,
    reason: str,
    author: User,
) -> LevelValidation:
    """Store a validated level; it replaces the dimension's earlier one.

    Raises ``InvalidValidationError`` for a dimension or level the
    questionnaire does not have, or an empty reason.
    """
    if dimension not in questionnaire.dimensions_by_id:
        raise InvalidValidationError(f"unknown dimension '{dimension}'")
    if level not in questionnaire.level_names:
        raise InvalidValidationError(
            f"level {level} is not a level of this questionnaire"
        )
    reason = reason.strip()
    if not reason:
        raise InvalidValidationError("give the reason for the validated level")
    return LevelValidation.objects.create(
        assessment=assessment,
        dimension=dimension,
        level=level,
        reason=reason[:REASON_MAX_LENGTH],
        author=author,
    )
