"""The questionnaire format.

These pydantic models are the single source of truth for what a
questionnaire file may contain. The JSON Schema in
``questionnaires/schema.json`` is exported from them (``manage.py
export_questionnaire_schema``) and a test keeps it current.

Field-level rules live here; rules that relate one part of a file to
another (references, ordering, cycles) live in ``loader.py`` so that each
error can point at the line that causes it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StringConstraints,
    Tag,
    model_validator,
)

MIN_LEVEL = 0
MAX_LEVEL = 4

NOT_APPLICABLE = "not_applicable"
DONT_KNOW = "dont_know"
SPECIAL_ANSWERS = frozenset({NOT_APPLICABLE, DONT_KNOW})

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,62}$"),
    Field(
        description="Lower-case letters, digits, '-' and '_', starting with a letter."
    ),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
    Field(description="Lower-case words joined by hyphens."),
]
VersionString = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,4}(\.[0-9]{1,4}){0,2}$"),
    Field(description="Dotted numbers such as 1.0 or 2.1.3."),
]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=300)]
LevelNumber = Annotated[int, Field(ge=MIN_LEVEL, le=MAX_LEVEL)]
Weight = Annotated[float, Field(gt=0, le=100)]


def version_key(version: str) -> tuple[int, ...]:
    """Sort key for version strings: 1.10 is newer than 1.9."""
    return tuple(int(part) for part in version.split("."))


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=False,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


class MaturityLevel(Strict):
    level: LevelNumber
    """0 is the lowest level, 4 the highest."""
    name: ShortText
    description: Text


class Dimension(Strict):
    id: Identifier
    name: ShortText
    description: Text
    weight: Weight = 1.0
    """Relative weight of the dimension in the overall score."""
    levels: dict[LevelNumber, Text]
    """What each maturity level looks like in this dimension, one entry per level."""


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    SCALE = "scale"
    FREE_TEXT = "free_text"


class Option(Strict):
    id: Identifier
    label: Text
    score: Annotated[float, Field(ge=0, le=100)]
    """Points for choosing this option; a question's best answer gets full marks."""


class AnswerCondition(Strict):
    question: Identifier
    any_of: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    """Option ids; 'not_applicable' and 'dont_know' match those answers."""


class AllOf(Strict):
    all: Annotated[tuple[Condition, ...], Field(min_length=1)]


class AnyOf(Strict):
    any: Annotated[tuple[Condition, ...], Field(min_length=1)]


class Not(Strict):
    not_: Condition = Field(alias="not")

    model_config = ConfigDict(populate_by_name=True)


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "answer"
    if isinstance(value, AllOf):
        return "all"
    if isinstance(value, AnyOf):
        return "any"
    if isinstance(value, Not):
        return "not"
    return "answer"


Condition = Annotated[
    Annotated[AnswerCondition, Tag("answer")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")],
    Discriminator(_condition_kind),
]


class Question(Strict):
    id: Identifier
    dimension: Identifier
    text: Text
    help: str = ""
    """Explains the terms a newcomer may not know."""
    type: QuestionType
    options: tuple[Option, ...] = ()
    """Required for choice and scale questions; yes/no questions get yes and no."""
    weight: Weight = 1.0
    allow_not_applicable: StrictBool = False
    allow_dont_know: StrictBool = True
    show_if: Condition | None = None
    """Shown only when this condition on earlier answers holds."""
    evidence_prompt: str | None = None
    critical: StrictBool = False
    """Critical for the production-readiness verdict."""

    @model_validator(mode="before")
    @classmethod
    def _default_yes_no_options(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and data.get("type") == QuestionType.YES_NO
            and not data.get("options")
        ):
            data = {
                **data,
                "options": [
                    {"id": "yes", "label": "Yes", "score": 1},
                    {"id": "no", "label": "No", "score": 0},
                ],
            }
        return data

    @cached_property
    def max_score(self) -> float:
        """The points that earn full marks for this question."""
        if self.type is QuestionType.MULTIPLE_CHOICE:
            return sum(option.score for option in self.options)
        return max((option.score for option in self.options), default=0.0)

    @cached_property
    def option_scores(self) -> dict[str, float]:
        return {option.id: option.score for option in self.options}

    @property
    def scored(self) -> bool:
        return self.type is not QuestionType.FREE_TEXT


class Threshold(Strict):
    level: LevelNumber
    min_score: Annotated[float, Field(ge=0, le=100)]
    """The lowest score (0-100) that reaches this level."""


class OverallRule(StrEnum):
    WEIGHTED_MEAN = "weighted_mean"
    """Dimension scores averaged with the dimensions' weights."""
    MINIMUM = "minimum"
    """The weakest dimension's score."""


class Readiness(Strict):
    critical_dimensions: tuple[Identifier, ...]
    minimum_level: LevelNumber = 2
    """Every critical dimension needs at least this level."""
    critical_question_min_score: Annotated[float, Field(gt=0, le=100)] = 50
    """A critical question passes with at least this share (%) of its points."""


class Scoring(Strict):
    thresholds: Annotated[tuple[Threshold, ...], Field(min_length=1)]
    overall: OverallRule = OverallRule.WEIGHTED_MEAN
    readiness: Readiness


class Rating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Step(Strict):
    id: Identifier
    dimension: Identifier
    level: LevelNumber
    """The current level at which this step is the way forward."""
    title: ShortText
    action: Text
    """What to do."""
    rationale: Text
    """Why it matters."""
    effort: Rating
    impact: Rating
    depends_on: tuple[Identifier, ...] = ()
    articles: tuple[Slug, ...] = ()
    tools: tuple[Slug, ...] = ()


class Trigger(Strict):
    id: Identifier
    when: Condition
    steps: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    """Steps recommended whenever the condition holds."""


class Recommendations(Strict):
    steps: tuple[Step, ...] = ()
    triggers: tuple[Trigger, ...] = ()


class CarryOver(Strict):
    from_version: VersionString
    questions: Annotated[tuple[Identifier, ...], Field(min_length=1)]
    """Questions whose answers mean the same in both versions."""


class Questionnaire(Strict):
    slug: Slug
    version: VersionString
    kind: Literal["full", "quick"] = "full"
    title: ShortText
    description: Text
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
    estimated_minutes: Annotated[int, Field(ge=1, le=600)]
    levels: Annotated[tuple[MaturityLevel, ...], Field(min_length=1)]
    dimensions: Annotated[tuple[Dimension, ...], Field(min_length=1)]
    questions: Annotated[tuple[Question, ...], Field(min_length=1, max_length=500)]
    scoring: Scoring
    recommendations: Recommendations = Recommendations()
    carry_over: tuple[CarryOver, ...] = ()

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @cached_property
    def dimensions_by_id(self) -> dict[str, Dimension]:
        return {dimension.id: dimension for dimension in self.dimensions}

    @cached_property
    def steps_by_id(self) -> dict[str, Step]:
        return {step.id: step for step in self.recommendations.steps}

    @cached_property
    def level_names(self) -> dict[int, str]:
        return {level.level: level.name for level in self.levels}

    def questions_in(self, dimension_id: str) -> list[Question]:
        return [q for q in self.questions if q.dimension == dimension_id]

    def level_for(self, score: float) -> int:
        """The highest level whose threshold the score reaches."""
        reached = MIN_LEVEL
        for threshold in self.scoring.thresholds:
            if score >= threshold.min_score:
                reached = max(reached, threshold.level)
        return reached


AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()
Question.model_rebuild()
Trigger.model_rebuild()
