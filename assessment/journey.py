"""The respondent's journey as domain operations.

Starting an assessment, saving answers, submitting, following up with a
retake or a revision, and deleting. Views call these functions; nothing
here sees a request. Progress and the wording of results are plain
functions of a questionnaire and answers, with no database at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .answers import AnswerValue, InvalidAnswerError, check_answer, visible_questions
from .models import (
    Answer,
    Assessment,
    AssessmentResult,
    Organisation,
    QuestionnaireVersion,
    hash_token,
    new_token,
)
from .schema import Dimension, Question, Questionnaire
from .scoring import AssessmentScore, Blocker, score_assessment

MAX_TEXT_LENGTH = 2000
"""The longest note, evidence or free-text answer, in characters."""


class AssessmentLockedError(Exception):
    """The assessment is submitted: its answers can no longer change."""


class NotSubmittedError(Exception):
    """The operation needs a submitted assessment."""


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """Everything a respondent can say about one question."""

    choices: tuple[str, ...] = ()
    special: str | None = None
    text: str = ""
    note: str = ""
    evidence: str = ""

    @property
    def value(self) -> AnswerValue:
        return AnswerValue(choices=self.choices, special=self.special, text=self.text)

    @property
    def is_empty(self) -> bool:
        return self.value.is_empty

    @classmethod
    def from_row(cls, row: Answer) -> AnswerInput:
        return cls(
            choices=tuple(row.choices),
            special=row.special or None,
            text=row.text,
            note=row.note,
            evidence=row.evidence,
        )


def check_input(question: Question, answer: AnswerInput) -> AnswerInput:
    """Return ``answer`` if it may be stored for ``question``.

    Raises ``InvalidAnswerError`` with a message for the respondent.
    """
    for name, text in (
        ("answer", answer.text),
        ("note", answer.note),
        ("evidence", answer.evidence),
    ):
        if len(text) > MAX_TEXT_LENGTH:
            raise InvalidAnswerError(
                f"the {name} is {len(text):,} characters long; "
                f"shorten it to {MAX_TEXT_LENGTH:,} or fewer"
            )
    if answer.evidence and not question.evidence_prompt:
        raise InvalidAnswerError("this question does not ask for evidence")
    check_answer(question, answer.value)
    return answer


def stored_inputs(assessment: Assessment) -> dict[str, AnswerInput]:
    """Every stored answer of the assessment, by question id."""
    return {
        row.question_id: AnswerInput.from_row(row) for row in assessment.answers.all()
    }


def answer_values(inputs: Mapping[str, AnswerInput]) -> dict[str, AnswerValue]:
    return {question_id: answer.value for question_id, answer in inputs.items()}


def start_assessment(
    *,
    organisation_name: str,
    sector: str,
    size: str,
    respondent_role: str,
    version: QuestionnaireVersion,
) -> tuple[Assessment, str]:
    """A new draft assessment and the token of its private link."""
    token, token_hash = new_token()
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=organisation_name, sector=sector, size=size
        )
        assessment = Assessment.objects.create(
            organisation=organisation,
            questionnaire_version=version,
            token_hash=token_hash,
            respondent_role=respondent_role,
        )
    return assessment, token


@dataclass(frozen=True)
class SavedAnswers:
    """Answers before and after a save, to tell what the save changed."""

    before: dict[str, AnswerInput]
    after: dict[str, AnswerInput]

    def visibility_changes(self, questionnaire: Questionnaire) -> set[str]:
        """Ids of questions that appeared or disappeared with this save."""
        before = visible_questions(questionnaire, answer_values(self.before))
        after = visible_questions(questionnaire, answer_values(self.after))
        return before ^ after


def save_answers(
    assessment: Assessment, answers: Mapping[str, AnswerInput]
) -> SavedAnswers:
    """Store these answers, each replacing the question's stored answer.

    The answers must have passed ``check_input``. Raises
    ``AssessmentLockedError`` once the assessment is submitted; the
    conditional update also holds the assessment's row until the answers
    are stored, so a submission in between waits rather than scoring a
    half-saved page.
    """
    now = timezone.now()
    with transaction.atomic():
        still_draft = Assessment.objects.filter(
            pk=assessment.pk, status=Assessment.Status.DRAFT
        ).update(updated_at=now)
        if not still_draft:
            raise AssessmentLockedError
        before = stored_inputs(assessment)
        Answer.objects.bulk_create(
            [
                Answer(
                    assessment=assessment,
                    question_id=question_id,
                    choices=list(answer.choices),
                    special=answer.special or "",
                    text=answer.text,
                    note=answer.note,
                    evidence=answer.evidence,
                    updated_at=now,
                )
                for question_id, answer in answers.items()
            ],
            update_conflicts=True,
            unique_fields=["assessment", "question_id"],
            update_fields=[
                "choices",
                "special",
                "text",
                "note",
                "evidence",
                "updated_at",
            ],
        )
    return SavedAnswers(before=before, after={**before, **answers})


@dataclass(frozen=True)
class DimensionProgress:
    dimension: Dimension
    answered: int
    total: int
    unanswered: tuple[Question, ...]

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


@dataclass(frozen=True)
class Progress:
    dimensions: tuple[DimensionProgress, ...]
    visible: frozenset[str] = field(default_factory=frozenset)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.dimensions)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.dimensions)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    def first_incomplete(self) -> Dimension | None:
        for dimension in self.dimensions:
            if not dimension.complete:
                return dimension.dimension
        return None

    def for_dimension(self, dimension_id: str) -> DimensionProgress:
        for dimension in self.dimensions:
            if dimension.dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)


def progress(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerInput]
) -> Progress:
    """Answered of total per dimension, counting what scoring counts.

    Only visible scored questions count, so optional free-text questions
    never stand between a respondent and a complete page.
    """
    visible = visible_questions(questionnaire, answer_values(answers))
    dimensions = []
    for dimension in questionnaire.dimensions:
        asked = [
            question
            for question in questionnaire.questions_in(dimension.id)
            if question.scored and question.id in visible
        ]
        unanswered = tuple(
            question
            for question in asked
            if question.id not in answers or answers[question.id].is_empty
        )
        dimensions.append(
            DimensionProgress(
                dimension=dimension,
                answered=len(asked) - len(unanswered),
                total=len(asked),
                unanswered=unanswered,
            )
        )
    return Progress(tuple(dimensions), frozenset(visible))


def next_dimension(questionnaire: Questionnaire, dimension_id: str) -> Dimension | None:
    ids = [dimension.id for dimension in questionnaire.dimensions]
    position = ids.index(dimension_id)
    if position + 1 < len(ids):
        return questionnaire.dimensions[position + 1]
    return None


def previous_dimension(
    questionnaire: Questionnaire, dimension_id: str
) -> Dimension | None:
    ids = [dimension.id for dimension in questionnaire.dimensions]
    position = ids.index(dimension_id)
    return questionnaire.dimensions[position - 1] if position else None


def submit(assessment: Assessment) -> AssessmentResult:
    """Score the assessment, store the result and lock the answers.

    Submitting twice gives the first result: the assessment's row is
    locked for the duration, so of two concurrent submissions the second
    finds the first one's result.
    """
    questionnaire = assessment.questionnaire_version.questionnaire
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status == Assessment.Status.SUBMITTED:
            return AssessmentResult.objects.get(assessment=locked)
        answers = locked.answer_values()
        scores = score_assessment(questionnaire, answers, locked.targets)
        result = AssessmentResult.objects.create(
            assessment=locked,
            score=scores.score,
            level=scores.level,
            verdict=scores.verdict,
            data=scores.model_dump(mode="json"),
            content_hash=assessment.questionnaire_version.content_hash,
        )
        now = timezone.now()
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = locked.updated_at = now
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        # The PDF report is prepared in the background once the submission
        # is committed, so it is usually ready before anyone asks for it.
        transaction.on_commit(lambda: _queue_report(locked))
    assessment.status = locked.status
    assessment.submitted_at = locked.submitted_at
    return result


def _queue_report(assessment: Assessment) -> None:
    from .report_queue import request_report

    request_report(assessment)


def parse_targets(
    questionnaire: Questionnaire, chosen: Mapping[str, str]
) -> dict[str, int]:
    """Target levels by dimension id from form values; blank means none.

    Raises ``ValueError`` for a dimension or level the questionnaire does
    not have.
    """
    levels = {str(level.level): level.level for level in questionnaire.levels}
    targets = {}
    for dimension_id, value in chosen.items():
        if dimension_id not in questionnaire.dimensions_by_id:
            raise ValueError(f"unknown dimension '{dimension_id}'")
        if value == "":
            continue
        if value not in levels:
            raise ValueError(f"'{value}' is not a level of this questionnaire")
        targets[dimension_id] = levels[value]
    return targets


def set_targets(assessment: Assessment, targets: dict[str, int]) -> None:
    assessment.targets = targets
    assessment.updated_at = timezone.now()
    assessment.save(update_fields=["targets", "updated_at"])


def with_targets(
    scores: AssessmentScore, targets: Mapping[str, int]
) -> AssessmentScore:
    """The stored scores with today's targets and the gaps to them.

    Targets can change after submission; the scores themselves cannot.
    """
    dimensions = []
    for dimension in scores.dimensions:
        target = targets.get(dimension.dimension)
        gap = (
            None
            if target is None or dimension.level is None
            else max(target - dimension.level, 0)
        )
        dimensions.append(
            dimension.model_copy(update={"target_level": target, "gap": gap})
        )
    return scores.model_copy(update={"dimensions": tuple(dimensions)})


def carried_question_ids(old: Questionnaire, new: Questionnaire) -> set[str]:
    """The questions whose answers mean the same in ``new`` as in ``old``.

    Within one version every answer carries. Across versions only the
    questions the newer version declares under ``carry_over`` do: a
    question that kept its id may still have changed its meaning.
    """
    if old.slug == new.slug and old.version == new.version:
        return set(new.questions_by_id)
    declared = {
        question_id
        for carry in new.carry_over
        if carry.from_version == old.version
        for question_id in carry.questions
    }
    return declared & set(new.questions_by_id)


def follow_up_token(source: Assessment, request_key: str) -> tuple[str, str]:
    """The private-link token of the follow-up made from one submitted form.

    Derived from the server's secret, the source assessment and a random
    key placed in the form when it was shown, so a double click (which
    sends the same key twice) finds the draft the first click made, and
    the browser, which shows only the second response, shows its link.
    Without the form's key the token cannot be guessed.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"follow-up:{source.pk}:{request_key}".encode(),
        hashlib.sha256,
    ).digest()
    token = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return token, hash_token(token)


def follow_up(
    assessment: Assessment,
    version: QuestionnaireVersion,
    request_key: str | None = None,
) -> tuple[Assessment, str]:
    """A new draft on ``version``, pre-filled from a submitted assessment.

    The submitted assessment stays as it is; the new one points back to
    it through ``previous`` and gets its own private link. The same
    ``request_key`` always gives the same draft.
    """
    if assessment.status != Assessment.Status.SUBMITTED:
        raise NotSubmittedError
    old = assessment.questionnaire_version.questionnaire
    new = version.questionnaire
    carried = carried_question_ids(old, new)
    if request_key:
        token, token_hash = follow_up_token(assessment, request_key)
    else:
        token, token_hash = new_token()
    with transaction.atomic():
        # Concurrent requests with the same key queue here; the second finds
        # the first one's draft below.
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        existing = Assessment.objects.filter(token_hash=token_hash).first()
        if existing is not None:
            return existing, token
        draft = Assessment.objects.create(
            organisation=assessment.organisation,
            questionnaire_version=version,
            token_hash=token_hash,
            previous=assessment,
            respondent_role=assessment.respondent_role,
            targets={
                dimension_id: level
                for dimension_id, level in assessment.targets.items()
                if dimension_id in new.dimensions_by_id
            },
        )
        Answer.objects.bulk_create(
            _copies(draft, assessment.answers.all(), new, carried)
        )
    return draft, token


def _copies(
    draft: Assessment,
    rows: Iterable[Answer],
    questionnaire: Questionnaire,
    carried: set[str],
) -> list[Answer]:
    copies = []
    for row in rows:
        if row.question_id not in carried:
            continue
        question = questionnaire.questions_by_id[row.question_id]
        try:
            check_answer(question, row.value)
        except InvalidAnswerError:
            # The options changed without the question changing its id;
            # better to ask again than to carry an answer that cannot be.
            continue
        copies.append(
            Answer(
                assessment=draft,
                question_id=row.question_id,
                choices=list(row.choices),
                special=row.special,
                text=row.text,
                note=row.note,
                evidence=row.evidence if question.evidence_prompt else "",
            )
        )
    return copies


def retake(
    assessment: Assessment, request_key: str | None = None
) -> tuple[Assessment, str]:
    """A new draft on the newest version of the same questionnaire."""
    slug = assessment.questionnaire_version.slug
    newest = QuestionnaireVersion.objects.newest(slug)
    return follow_up(
        assessment, newest or assessment.questionnaire_version, request_key
    )


def revise(
    assessment: Assessment, request_key: str | None = None
) -> tuple[Assessment, str]:
    """A new draft revision on the same version, with every answer copied."""
    return follow_up(assessment, assessment.questionnaire_version, request_key)


def delete_assessment(assessment: Assessment) -> None:
    """Delete the assessment with its answers and result.

    The organisation's record goes too once no other assessment uses it;
    earlier and later assessments of the same organisation keep their
    own links and are left alone.
    """
    with transaction.atomic():
        organisation = assessment.organisation
        assessment.delete()
        if not organisation.assessments.exists():
            organisation.delete()


@dataclass(frozen=True)
class DimensionChange:
    dimension: str
    score: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 1)


def changes(
    current: AssessmentScore, previous: AssessmentScore
) -> dict[str, DimensionChange]:
    """Score changes per dimension, for the dimensions both assessments have."""
    before = {d.dimension: d.score for d in previous.dimensions}
    return {
        d.dimension: DimensionChange(d.dimension, d.score, before[d.dimension])
        for d in current.dimensions
        if d.dimension in before
    }


_BLOCKER_REASONS = {
    "not answered": "not answered yet",
    "answered Don't know": "answered “Don't know”",
    "answer below the minimum for production": (
        "the answer is below the minimum for production"
    ),
}


def describe_blocker(questionnaire: Questionnaire, blocker: Blocker) -> str:
    """One sentence a respondent can act on, naming the dimension or question."""
    dimension = questionnaire.dimensions_by_id[blocker.dimension]
    names = questionnaire.level_names
    if blocker.kind == "dimension":
        level = blocker.level if blocker.level is not None else 0
        required = blocker.required_level if blocker.required_level is not None else 0
        return (
            f"{dimension.name} is at level {level} ({names.get(level, '')}); "
            f"production needs at least level {required} "
            f"({names.get(required, '')})."
        )
    question = questionnaire.questions_by_id.get(blocker.question or "")
    text = question.text if question else blocker.question
    reason = _BLOCKER_REASONS.get(blocker.reason, blocker.reason)
    return f"{dimension.name}: “{text}” – {reason}."
