"""Two submissions side by side: an organisation before and after a clinic,
or two organisations.

Submission A is drawn as the dashed shape and B as the filled one, so
"A before, B after" reads like the respondent's own results page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q

from assessment.answers import AnswerValue, visible_questions
from assessment.charts import BarChart, ChartValue, RadarChart, bars, radar
from assessment.models import Assessment
from assessment.schema import Dimension, MaturityLevel, Question, Questionnaire
from assessment.scoring import AssessmentScore, DimensionScore, Verdict

from .display import answer_text


def earlier_submission(assessment: Assessment) -> Assessment | None:
    """The organisation's submission before this one, to compare with.

    The assessment this one retakes or revises when there is one;
    otherwise the latest earlier submission of the same organisation,
    or of an organisation with the same name (organisations that start
    afresh get a new record each time).
    """
    previous = assessment.previous
    if previous is not None and previous.status == Assessment.Status.SUBMITTED:
        return previous
    if assessment.submitted_at is None:
        return None
    same = Q(organisation_id=assessment.organisation_id) | Q(
        organisation__name__iexact=assessment.organisation.name
    )
    return (
        Assessment.objects.filter(
            same,
            status=Assessment.Status.SUBMITTED,
            submitted_at__lt=assessment.submitted_at,
        )
        .exclude(pk=assessment.pk)
        .order_by("-submitted_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Side:
    """One of the two submissions with its scores."""

    assessment: Assessment
    questionnaire: Questionnaire
    scores: AssessmentScore
    answers: Mapping[str, AnswerValue]

    @property
    def level(self) -> MaturityLevel | None:
        levels = {level.level: level for level in self.questionnaire.levels}
        return None if self.scores.level is None else levels.get(self.scores.level)

    @property
    def ready(self) -> bool:
        return self.scores.verdict is Verdict.READY


@dataclass(frozen=True)
class DimensionComparison:
    dimension: Dimension
    a: DimensionScore
    b: DimensionScore

    @property
    def delta(self) -> float | None:
        if self.a.score is None or self.b.score is None:
            return None
        return round(self.b.score - self.a.score, 1)

    @property
    def level_delta(self) -> int | None:
        if self.a.level is None or self.b.level is None:
            return None
        return self.b.level - self.a.level


@dataclass(frozen=True)
class AnswerDifference:
    dimension: Dimension
    question: Question
    a: str
    b: str


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    dimensions: tuple[DimensionComparison, ...]
    differences: tuple[AnswerDifference, ...]
    compared_questions: int
    """Questions asked in both submissions, of which ``differences`` differ."""
    radar: RadarChart | None
    bars: BarChart

    @property
    def overall_delta(self) -> float | None:
        if self.a.scores.score is None or self.b.scores.score is None:
            return None
        return round(self.b.scores.score - self.a.scores.score, 1)


def compare(a: Side, b: Side) -> Comparison:
    """Compare the dimensions and the questions both submissions have."""
    a_scores = {d.dimension: d for d in a.scores.dimensions}
    dimensions = tuple(
        DimensionComparison(
            dimension=b.questionnaire.dimensions_by_id[score.dimension],
            a=a_scores[score.dimension],
            b=score,
        )
        for score in b.scores.dimensions
        if score.dimension in a_scores
    )
    differences, compared = _differences(a, b)
    values = [
        ChartValue(label=d.dimension.name, score=d.b.score, previous=d.a.score)
        for d in dimensions
    ]
    return Comparison(
        a=a,
        b=b,
        dimensions=dimensions,
        differences=differences,
        compared_questions=compared,
        radar=radar(values),
        bars=bars(
            values,
            [
                (threshold.min_score, f"Level {threshold.level}")
                for threshold in b.questionnaire.scoring.thresholds
            ],
        ),
    )


def _differences(a: Side, b: Side) -> tuple[tuple[AnswerDifference, ...], int]:
    a_visible = visible_questions(a.questionnaire, a.answers)
    b_visible = visible_questions(b.questionnaire, b.answers)
    differences = []
    compared = 0
    for question in b.questionnaire.questions:
        a_question = a.questionnaire.questions_by_id.get(question.id)
        asked = question.id in a_visible or question.id in b_visible
        if a_question is None or not asked:
            continue
        compared += 1
        a_text = (
            answer_text(a_question, a.answers.get(question.id))
            if question.id in a_visible
            else ""
        )
        b_text = (
            answer_text(question, b.answers.get(question.id))
            if question.id in b_visible
            else ""
        )
        if a_text != b_text:
            differences.append(
                AnswerDifference(
                    dimension=b.questionnaire.dimensions_by_id[question.dimension],
                    question=question,
                    a=a_text,
                    b=b_text,
                )
            )
    return tuple(differences), compared
