"""Answers as the domain sees them, and which questions they make visible."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .schema import (
    DONT_KNOW,
    NOT_APPLICABLE,
    AllOf,
    AnswerCondition,
    AnyOf,
    Condition,
    Not,
    Question,
    Questionnaire,
    QuestionType,
)


@dataclass(frozen=True, slots=True)
class AnswerValue:
    """One question's answer: chosen option ids, a special answer, or text."""

    choices: tuple[str, ...] = ()
    special: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.choices and self.special is None and not self.text.strip()

    def matches(self, option_ids: tuple[str, ...]) -> bool:
        if self.special is not None:
            return self.special in option_ids
        return any(choice in option_ids for choice in self.choices)


Answers = Mapping[str, AnswerValue]


class InvalidAnswerError(ValueError):
    """An answer that the question does not allow."""


def check_answer(question: Question, answer: AnswerValue) -> AnswerValue:
    """Return ``answer`` if ``question`` allows it.

    Raises ``InvalidAnswerError`` saying what is wrong otherwise.
    """
    if answer.special is not None:
        if answer.choices:
            raise InvalidAnswerError("choose options or a special answer, not both")
        if answer.special == NOT_APPLICABLE and not question.allow_not_applicable:
            raise InvalidAnswerError("this question cannot be marked not applicable")
        if answer.special == DONT_KNOW and not question.allow_dont_know:
            raise InvalidAnswerError("this question does not offer 'Don't know'")
        if answer.special not in (NOT_APPLICABLE, DONT_KNOW):
            raise InvalidAnswerError(f"unknown special answer '{answer.special}'")
        return answer
    if question.type is QuestionType.FREE_TEXT:
        if answer.choices:
            raise InvalidAnswerError("a free-text question takes no options")
        return answer
    unknown = [c for c in answer.choices if c not in question.option_scores]
    if unknown:
        raise InvalidAnswerError(f"unknown option(s): {', '.join(unknown)}")
    if len(set(answer.choices)) != len(answer.choices):
        raise InvalidAnswerError("an option is chosen twice")
    if question.type is not QuestionType.MULTIPLE_CHOICE and len(answer.choices) > 1:
        raise InvalidAnswerError("this question takes a single answer")
    return answer


def holds(condition: Condition, answers: Answers, visible: set[str]) -> bool:
    """Whether ``condition`` holds; answers to hidden questions do not count."""
    if isinstance(condition, AnswerCondition):
        if condition.question not in visible:
            return False
        answer = answers.get(condition.question)
        return answer is not None and answer.matches(condition.any_of)
    if isinstance(condition, AllOf):
        return all(holds(part, answers, visible) for part in condition.all)
    if isinstance(condition, AnyOf):
        return any(holds(part, answers, visible) for part in condition.any)
    if isinstance(condition, Not):
        return not holds(condition.not_, answers, visible)
    raise TypeError(condition)  # pragma: no cover


def visible_questions(questionnaire: Questionnaire, answers: Answers) -> set[str]:
    """The ids of the questions shown for these answers.

    Conditions refer only to earlier questions, so one pass in order
    settles every question.
    """
    visible: set[str] = set()
    for question in questionnaire.questions:
        if question.show_if is None or holds(question.show_if, answers, visible):
            visible.add(question.id)
    return visible
