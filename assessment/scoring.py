"""Scoring: a questionnaire and answers in, a typed result out.

No database and no request here, so the same answers always give the
same result and a stored result can be recomputed at any time. The
method is explained for respondents in ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .answers import Answers, visible_questions
from .schema import DONT_KNOW, NOT_APPLICABLE, OverallRule, Question, Questionnaire


class Verdict(StrEnum):
    READY = "ready"
    NOT_READY = "not_ready"


class Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class DimensionScore(Result):
    dimension: str
    score: float | None
    """0-100, or None when every question was not applicable."""
    level: int | None
    answered: int
    """Questions answered, Don't know included."""
    total: int
    """Visible scored questions."""
    not_applicable: int
    dont_know: int
    unanswered: int
    flagged: tuple[str, ...]
    """Questions answered Don't know: worth finding out before the clinic."""
    target_level: int | None = None
    gap: int | None = None
    """Levels between the current level and the target, when one is set."""


class Blocker(Result):
    kind: Literal["dimension", "question"]
    dimension: str
    question: str | None = None
    level: int | None = None
    required_level: int | None = None
    reason: str


class AssessmentScore(Result):
    dimensions: tuple[DimensionScore, ...]
    score: float | None
    level: int | None
    verdict: Verdict
    blockers: tuple[Blocker, ...]

    def for_dimension(self, dimension_id: str) -> DimensionScore:
        for dimension in self.dimensions:
            if dimension.dimension == dimension_id:
                return dimension
        raise KeyError(dimension_id)


def question_fraction(question: Question, choices: tuple[str, ...]) -> float:
    """The share (0-1) of a question's points that these options earn."""
    scores = question.option_scores
    earned = sum(scores[choice] for choice in choices if choice in scores)
    if question.max_score <= 0:
        return 0.0
    return min(earned / question.max_score, 1.0)


def score_assessment(
    questionnaire: Questionnaire,
    answers: Answers,
    targets: Mapping[str, int] | None = None,
) -> AssessmentScore:
    visible = visible_questions(questionnaire, answers)
    targets = targets or {}
    dimensions = tuple(
        _score_dimension(questionnaire, dimension.id, answers, visible, targets)
        for dimension in questionnaire.dimensions
    )
    overall = _overall(questionnaire, dimensions)
    blockers = _blockers(questionnaire, dimensions, answers, visible)
    return AssessmentScore(
        dimensions=dimensions,
        score=overall,
        level=None if overall is None else questionnaire.level_for(overall),
        verdict=Verdict.NOT_READY if blockers else Verdict.READY,
        blockers=blockers,
    )


def _score_dimension(
    questionnaire: Questionnaire,
    dimension_id: str,
    answers: Answers,
    visible: set[str],
    targets: Mapping[str, int],
) -> DimensionScore:
    earned = possible = 0.0
    answered = total = not_applicable = dont_know = unanswered = 0
    flagged: list[str] = []
    for question in questionnaire.questions:
        if (
            question.dimension != dimension_id
            or not question.scored
            or question.id not in visible
        ):
            continue
        total += 1
        answer = answers.get(question.id)
        if answer is None or answer.is_empty:
            # An unanswered question earns nothing: a result should never
            # look better because questions were skipped.
            unanswered += 1
            possible += question.weight
        elif answer.special == NOT_APPLICABLE:
            not_applicable += 1
        elif answer.special == DONT_KNOW:
            answered += 1
            dont_know += 1
            flagged.append(question.id)
            possible += question.weight
        else:
            answered += 1
            possible += question.weight
            earned += question.weight * question_fraction(question, answer.choices)

    score = round(100 * earned / possible, 1) if possible else None
    level = None if score is None else questionnaire.level_for(score)
    target = targets.get(dimension_id)
    gap = None if target is None or level is None else max(target - level, 0)
    return DimensionScore(
        dimension=dimension_id,
        score=score,
        level=level,
        answered=answered,
        total=total,
        not_applicable=not_applicable,
        dont_know=dont_know,
        unanswered=unanswered,
        flagged=tuple(flagged),
        target_level=target,
        gap=gap,
    )


def _overall(
    questionnaire: Questionnaire, dimensions: tuple[DimensionScore, ...]
) -> float | None:
    scored = [d for d in dimensions if d.score is not None]
    if not scored:
        return None
    if questionnaire.scoring.overall is OverallRule.MINIMUM:
        return min(d.score for d in scored if d.score is not None)
    weights = questionnaire.dimensions_by_id
    total_weight = sum(weights[d.dimension].weight for d in scored)
    weighted = sum(weights[d.dimension].weight * (d.score or 0.0) for d in scored)
    return round(weighted / total_weight, 1)


def _blockers(
    questionnaire: Questionnaire,
    dimensions: tuple[DimensionScore, ...],
    answers: Answers,
    visible: set[str],
) -> tuple[Blocker, ...]:
    """What stands between the assessment and production readiness.

    The weakest link decides: one critical dimension below the required
    level, or one critical question without a sound answer, blocks the
    verdict however strong everything else is.
    """
    readiness = questionnaire.scoring.readiness
    required = readiness.minimum_level
    by_id = {d.dimension: d for d in dimensions}
    blockers: list[Blocker] = []
    for dimension_id in readiness.critical_dimensions:
        result = by_id[dimension_id]
        if result.level is not None and result.level < required:
            blockers.append(
                Blocker(
                    kind="dimension",
                    dimension=dimension_id,
                    level=result.level,
                    required_level=required,
                    reason=f"below level {required}",
                )
            )

    pass_mark = readiness.critical_question_min_score / 100
    for question in questionnaire.questions:
        if not question.critical or question.id not in visible:
            continue
        answer = answers.get(question.id)
        reason = None
        if answer is None or answer.is_empty:
            reason = "not answered"
        elif answer.special == DONT_KNOW:
            reason = "answered Don't know"
        elif answer.special == NOT_APPLICABLE:
            continue
        elif question_fraction(question, answer.choices) < pass_mark:
            reason = "answer below the minimum for production"
        if reason:
            blockers.append(
                Blocker(
                    kind="question",
                    dimension=question.dimension,
                    question=question.id,
                    reason=reason,
                )
            )
    return tuple(blockers)
