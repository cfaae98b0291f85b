"""What the journey's templates show, prepared as plain values.

Templates get questions with their answers already matched to inputs,
and results already put into words, so that they only lay things out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from hub.content import get_hub

from .answers import AnswerValue
from .charts import BarChart, ChartValue, RadarChart, bars, radar
from .journey import (
    AnswerInput,
    DimensionChange,
    changes,
    describe_blocker,
    with_targets,
)
from .recommendations import Recommendation, recommend
from .schema import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Dimension,
    MaturityLevel,
    Question,
    Questionnaire,
    QuestionType,
)
from .scoring import AssessmentScore, DimensionScore, Verdict

if TYPE_CHECKING:
    from clinic.validation import ValidatedLevel

NEXT_STEPS_SHOWN = 5


@dataclass(frozen=True)
class Choice:
    """One radio button or checkbox of a question."""

    value: str
    label: str
    input_id: str
    checked: bool


@dataclass(frozen=True)
class QuestionView:
    question: Question
    answer: AnswerInput
    visible: bool
    choices: tuple[Choice, ...]
    specials: tuple[Choice, ...]
    error: str = ""

    @property
    def input_type(self) -> str:
        if self.question.type is QuestionType.MULTIPLE_CHOICE:
            return "checkbox"
        return "radio"

    @property
    def is_free_text(self) -> bool:
        return self.question.type is QuestionType.FREE_TEXT

    @property
    def first_input_id(self) -> str:
        """Where an error message links to."""
        if self.choices:
            return self.choices[0].input_id
        if self.specials:
            return self.specials[0].input_id
        return f"text-{self.question.id}"

    @property
    def details_open(self) -> bool:
        return bool(self.answer.note or self.answer.evidence)


def question_view(
    question: Question, answer: AnswerInput | None, visible: bool, error: str = ""
) -> QuestionView:
    answer = answer or AnswerInput()
    prefix = f"answer-{question.id}"
    choices = tuple(
        Choice(
            option.id,
            option.label,
            f"{prefix}-{option.id}",
            option.id in answer.choices,
        )
        for option in question.options
    )
    specials = []
    if question.allow_not_applicable:
        specials.append((NOT_APPLICABLE, "Not applicable to us"))
    if question.allow_dont_know and question.type is not QuestionType.FREE_TEXT:
        specials.append((DONT_KNOW, "Don't know"))
    return QuestionView(
        question=question,
        answer=answer,
        visible=visible,
        choices=choices,
        specials=tuple(
            Choice(value, label, f"{prefix}-{value}", answer.special == value)
            for value, label in specials
        ),
        error=error,
    )


def question_views(
    questionnaire: Questionnaire,
    dimension_id: str,
    answers: Mapping[str, AnswerInput],
    visible: frozenset[str] | set[str],
    errors: Mapping[str, str] | None = None,
) -> list[QuestionView]:
    errors = errors or {}
    return [
        question_view(
            question,
            answers.get(question.id),
            question.id in visible,
            errors.get(question.id, ""),
        )
        for question in questionnaire.questions_in(dimension_id)
    ]


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class NextStep:
    recommendation: Recommendation
    dimension: Dimension
    articles: tuple[Link, ...]
    tools: tuple[Link, ...]


@dataclass(frozen=True)
class DimensionResult:
    dimension: Dimension
    score: DimensionScore
    level: MaturityLevel | None
    descriptor: str
    next_level: MaturityLevel | None
    next_descriptor: str
    target: MaturityLevel | None
    change: DimensionChange | None
    flagged: tuple[Question, ...]
    validated: ValidatedLevel | None = None
    """The level an adviser validated, shown beside the self-assessed one."""
    validated_level: MaturityLevel | None = None


@dataclass(frozen=True)
class ResultsPage:
    scores: AssessmentScore
    level: MaturityLevel | None
    blockers: tuple[str, ...]
    dimensions: tuple[DimensionResult, ...]
    next_steps: tuple[NextStep, ...]
    more_steps: int
    radar: RadarChart | None
    bars: BarChart
    overall_change: float | None

    @property
    def ready(self) -> bool:
        return self.scores.verdict is Verdict.READY

    @property
    def has_previous(self) -> bool:
        return any(d.change is not None for d in self.dimensions)

    @property
    def has_targets(self) -> bool:
        return any(d.target is not None for d in self.dimensions)

    @property
    def has_validated(self) -> bool:
        return any(d.validated is not None for d in self.dimensions)


def results_page(
    questionnaire: Questionnaire,
    stored: AssessmentScore,
    targets: Mapping[str, int],
    answers: Mapping[str, AnswerValue],
    previous: AssessmentScore | None = None,
    validated: Mapping[str, ValidatedLevel] | None = None,
) -> ResultsPage:
    """The results in words and charts; ``validated`` holds the levels
    advisers validated, by dimension id."""
    scores = with_targets(stored, targets)
    levels = {level.level: level for level in questionnaire.levels}
    moved = changes(scores, previous) if previous else {}
    validated = validated or {}
    dimensions = tuple(
        _dimension_result(
            questionnaire,
            levels,
            score,
            moved.get(score.dimension),
            validated.get(score.dimension),
        )
        for score in scores.dimensions
    )
    recommendations = recommend(questionnaire, scores, answers)
    overall_change = (
        round(scores.score - previous.score, 1)
        if previous and scores.score is not None and previous.score is not None
        else None
    )
    return ResultsPage(
        scores=scores,
        level=None if scores.level is None else levels.get(scores.level),
        blockers=tuple(describe_blocker(questionnaire, b) for b in scores.blockers),
        dimensions=dimensions,
        next_steps=tuple(
            _next_step(questionnaire, r) for r in recommendations[:NEXT_STEPS_SHOWN]
        ),
        more_steps=max(len(recommendations) - NEXT_STEPS_SHOWN, 0),
        radar=radar(_chart_values(questionnaire, dimensions)),
        bars=bars(
            _chart_values(questionnaire, dimensions),
            [
                (threshold.min_score, f"Level {threshold.level}")
                for threshold in questionnaire.scoring.thresholds
            ],
        ),
        overall_change=overall_change,
    )


def _dimension_result(
    questionnaire: Questionnaire,
    levels: Mapping[int, MaturityLevel],
    score: DimensionScore,
    change: DimensionChange | None,
    validated: ValidatedLevel | None,
) -> DimensionResult:
    dimension = questionnaire.dimensions_by_id[score.dimension]
    level = None if score.level is None else levels.get(score.level)
    next_level = None if score.level is None else levels.get(score.level + 1)
    return DimensionResult(
        dimension=dimension,
        score=score,
        level=level,
        descriptor=dimension.levels.get(level.level, "") if level else "",
        next_level=next_level,
        next_descriptor=(
            dimension.levels.get(next_level.level, "") if next_level else ""
        ),
        target=(None if score.target_level is None else levels.get(score.target_level)),
        change=change,
        flagged=tuple(
            questionnaire.questions_by_id[question_id]
            for question_id in score.flagged
            if question_id in questionnaire.questions_by_id
        ),
        validated=validated,
        validated_level=levels.get(validated.level) if validated else None,
    )


def _chart_values(
    questionnaire: Questionnaire, dimensions: tuple[DimensionResult, ...]
) -> list[ChartValue]:
    starts = {t.level: t.min_score for t in questionnaire.scoring.thresholds}
    return [
        ChartValue(
            label=result.dimension.name,
            score=result.score.score,
            previous=result.change.previous if result.change else None,
            target=(
                None
                if result.score.target_level is None
                else starts.get(result.score.target_level)
            ),
        )
        for result in dimensions
    ]


def _next_step(
    questionnaire: Questionnaire, recommendation: Recommendation
) -> NextStep:
    hub = get_hub()
    step = recommendation.step
    return NextStep(
        recommendation=recommendation,
        dimension=questionnaire.dimensions_by_id[step.dimension],
        articles=tuple(
            Link(hub.articles[slug].meta.title, reverse("hub:article", args=[slug]))
            for slug in step.articles
            if slug in hub.articles
        ),
        tools=tuple(
            Link(hub.tools[slug].name, reverse("hub:tool", args=[slug]))
            for slug in step.tools
            if slug in hub.tools
        ),
    )
