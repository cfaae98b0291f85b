"""What the clinic's pages and exports show, prepared as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from assessment.answers import AnswerValue, visible_questions
from assessment.journey import AnswerInput, answer_values
from assessment.models import Assessment, QuestionnaireVersion
from assessment.schema import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Dimension,
    Question,
    Questionnaire,
)
from assessment.scoring import AssessmentScore

from .models import Cohort, ReviewStatus

SPECIAL_LABELS = {NOT_APPLICABLE: "Not applicable", DONT_KNOW: "Don't know"}
# People, as the size column of a dense table shows them.
SHORT_SIZES = {"micro": "1–9", "small": "10–49", "medium": "50–249", "large": "250+"}


@dataclass(frozen=True)
class SubmissionRow:
    """One row of the submissions table."""

    assessment: Assessment
    version: QuestionnaireVersion
    status: ReviewStatus
    assignee: str
    cohort: Cohort | None

    @property
    def size(self) -> str:
        size = self.assessment.organisation.size
        return SHORT_SIZES.get(size, size)

    @classmethod
    def of(
        cls,
        assessment: Assessment,
        versions: Mapping[int, QuestionnaireVersion],
        cohorts: Mapping[int, Cohort],
    ) -> SubmissionRow:
        """The row of an assessment from ``filters.submitted_assessments()``,
        with its version and cohort looked up in the lists given."""
        cohort_id = getattr(assessment, "cohort_id", None)
        return cls(
            assessment=assessment,
            version=versions[assessment.questionnaire_version_id],
            status=ReviewStatus(getattr(assessment, "review_status", "new")),
            assignee=getattr(assessment, "assignee_username", None) or "",
            cohort=cohorts.get(cohort_id) if cohort_id else None,
        )


def answer_text(question: Question, value: AnswerValue | None) -> str:
    """An answer in words: the chosen options' labels, a special answer or
    the free text; empty when there is no answer."""
    if value is None or value.is_empty:
        return ""
    if value.special:
        return SPECIAL_LABELS.get(value.special, value.special)
    if value.choices:
        labels = {option.id: option.label for option in question.options}
        return "; ".join(labels.get(choice, choice) for choice in value.choices)
    return value.text


@dataclass(frozen=True)
class AnswerView:
    question: Question
    chosen: tuple[str, ...]
    """Labels of the chosen options."""
    special: str
    """"Don't know" or "Not applicable", else empty."""
    text: str
    note: str
    evidence: str

    @property
    def answered(self) -> bool:
        return bool(self.chosen or self.special or self.text)


@dataclass(frozen=True)
class DimensionAnswers:
    dimension: Dimension
    answers: tuple[AnswerView, ...]

    @property
    def notes(self) -> int:
        """Answers with a note or evidence."""
        return sum(bool(a.note or a.evidence) for a in self.answers)


def _view(question: Question, answer: AnswerInput | None) -> AnswerView:
    answer = answer or AnswerInput()
    labels = {option.id: option.label for option in question.options}
    return AnswerView(
        question=question,
        chosen=tuple(labels.get(choice, choice) for choice in answer.choices),
        special=SPECIAL_LABELS.get(answer.special or "", ""),
        text=answer.text,
        note=answer.note,
        evidence=answer.evidence,
    )


def dimension_answers(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerInput]
) -> list[DimensionAnswers]:
    """Each dimension's questions as the respondent saw them, with answers.

    Questions hidden by earlier answers were never asked, so they are left
    out, as scoring leaves them out.
    """
    visible = visible_questions(questionnaire, answer_values(answers))
    return [
        DimensionAnswers(
            dimension=dimension,
            answers=tuple(
                _view(question, answers.get(question.id))
                for question in questionnaire.questions_in(dimension.id)
                if question.id in visible
            ),
        )
        for dimension in questionnaire.dimensions
    ]


@dataclass(frozen=True)
class AnswerCounts:
    answered: int
    total: int
    dont_know: int
    not_applicable: int
    noted: int
    """Answers with a note or evidence."""


def answer_counts(
    scores: AssessmentScore, answers: list[DimensionAnswers]
) -> AnswerCounts:
    """Totals over the dimensions, counting as scoring counts."""
    return AnswerCounts(
        answered=sum(d.answered for d in scores.dimensions),
        total=sum(d.total for d in scores.dimensions),
        dont_know=sum(d.dont_know for d in scores.dimensions),
        not_applicable=sum(d.not_applicable for d in scores.dimensions),
        noted=sum(group.notes for group in answers),
    )
