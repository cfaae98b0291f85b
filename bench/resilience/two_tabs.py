"""Scenario 2: two tabs hold one private link and save at the same time.

Two browsers (two tabs, or two colleagues sharing the link), each with
its own cookies and CSRF token, work on one assessment:

1. they save different questions concurrently, and every question must
   be stored;
2. they save one question in turn, each save waiting for the previous
   one's answer, and the stored answer must always be the last one
   acknowledged;
3. they save one question at the same instant, round after round, and
   the stored answer must be exactly one of the two, whole (never the
   choice of one with the note of the other), and both tabs must then
   see that same answer;
4. one tab submits, and a save from the other is refused with 409 and
   not stored;
5. two real Chromium tabs answer one page and both press "Save and
   continue" (``chromium_tabs``).
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable
from typing import Any

from assessment.journey import AnswerInput
from assessment.models import hash_token
from assessment.schema import Question, Questionnaire, QuestionType
from bench.resilience import chromium_tabs
from bench.resilience.browser import Browser, Response
from bench.resilience.outcome import Outcome, error_summary, latency_table
from bench.resilience.respondents import (
    Respondent,
    load_questionnaire,
    missing_or_different,
    plan_answers,
    stored_answers,
    stored_row,
)
from bench.resilience.scenarios import Options
from bench.resilience.stack import HOST, Stack

IN_TURN = 20
RACES = 30


def run(stack: Stack, outcome: Outcome, options: Options) -> None:
    questionnaire = load_questionnaire(stack.questionnaires)
    plan = plan_answers(questionnaire, random.Random(7))
    first = Respondent(Browser(HOST, stack.port), questionnaire)
    first.start("Two Tabs Ltd")
    second = Respondent(Browser(HOST, stack.port), questionnaire, token=first.token)
    tabs = (first, second)

    _different_questions(stack, outcome, questionnaire, tabs, plan)
    contested = _contested_questions(questionnaire)
    _in_turn(stack, outcome, tabs, contested[0])
    _at_once(stack, outcome, tabs, contested[1])
    _submitted_elsewhere(stack, outcome, questionnaire, tabs)

    exchanges = [e for tab in tabs for e in tab.browser.exchanges]

    def refused_after_submit(exchange: Any) -> bool:
        return exchange.kind == "late autosave" and exchange.status == 409

    errors = latency_table(outcome, exchanges, expected=refused_after_submit)
    outcome.check(
        errors == 0,
        "no request failed, apart from the save refused after submission",
        error_summary(e for e in exchanges if not refused_after_submit(e)),
    )
    for tab in tabs:
        tab.browser.close()

    chromium_tabs.run(stack, outcome, questionnaire)


def _both(action: Callable[[int], None]) -> None:
    """Run ``action(0)`` and ``action(1)`` at the same instant; wait for both."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one(index: int) -> None:
        barrier.wait()
        try:
            action(index)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _different_questions(
    stack: Stack,
    outcome: Outcome,
    questionnaire: Questionnaire,
    tabs: tuple[Respondent, Respondent],
    plan: dict[str, AnswerInput],
) -> None:
    def answer_my_share(index: int) -> None:
        tab = tabs[index]
        mine = {q.id for q in questionnaire.questions[index::2]}
        for dimension in questionnaire.dimensions:
            tab.show_dimension(dimension.id)
            for question in questionnaire.questions_in(dimension.id):
                if question.id in mine:
                    tab.expect(
                        tab.autosave(question.id, plan[question.id]), 200, "autosave"
                    )

    _both(answer_my_share)
    stored = stored_answers(stack.database, [tabs[0].token])
    matching, problems = missing_or_different({tabs[0].token: plan}, stored)
    outcome.figure(
        "questions saved concurrently by the two tabs",
        f"{len(tabs[0].acknowledged)} + {len(tabs[1].acknowledged)}",
    )
    outcome.check(
        matching == len(plan) == len(stored[tabs[0].token]),
        f"all {len(plan)} distinct questions are stored as sent",
        "; ".join(problems[:3]),
    )


def _contested_questions(questionnaire: Questionnaire) -> list[Question]:
    """Single-answer questions that no condition depends on."""
    conditions = {
        question.show_if.model_dump_json()
        for question in questionnaire.questions
        if question.show_if is not None
    }
    return [
        question
        for question in questionnaire.questions
        if question.type is QuestionType.SINGLE_CHOICE
        and len(question.options) >= 2
        and not any(f'"{question.id}"' in condition for condition in conditions)
    ]


def _saved_row(stack: Stack, token: str, question_id: str) -> tuple[Any, ...] | None:
    rows = stack.database.rows(
        """
        SELECT ans.choices, ans.special, ans.text, ans.note, ans.evidence
        FROM assessment_answer ans
        JOIN assessment_assessment a ON a.id = ans.assessment_id
        WHERE a.token_hash = %s AND ans.question_id = %s
        """,
        hash_token(token),
        question_id,
    )
    return tuple(rows[0]) if rows else None


def _in_turn(
    stack: Stack,
    outcome: Outcome,
    tabs: tuple[Respondent, Respondent],
    question: Question,
) -> None:
    wrong = []
    for save in range(IN_TURN):
        tab = tabs[save % 2]
        answer = AnswerInput(
            choices=(question.options[save % len(question.options)].id,),
            note=f"tab {save % 2 + 1}, save {save}",
        )
        tab.expect(tab.autosave(question.id, answer), 200, "autosave in turn")
        stored = _saved_row(stack, tab.token, question.id)
        if stored != stored_row(answer):
            wrong.append(f"after save {save}: {stored}")
    outcome.check(
        not wrong,
        f"saved in turn {IN_TURN} times, the last acknowledged save is stored",
        "; ".join(wrong[:3]),
    )


def _at_once(
    stack: Stack,
    outcome: Outcome,
    tabs: tuple[Respondent, Respondent],
    question: Question,
) -> None:
    wins = [0, 0]
    torn = []
    for race in range(RACES):
        answers = [
            AnswerInput(
                choices=(question.options[index].id,),
                note=f"tab {index + 1}, race {race}",
            )
            for index in range(2)
        ]
        replies: dict[int, Response] = {}

        def save(
            index: int,
            answers: list[AnswerInput] = answers,
            replies: dict[int, Response] = replies,
        ) -> None:
            replies[index] = tabs[index].autosave(question.id, answers[index])

        _both(save)
        if any(reply.status != 200 for reply in replies.values()):
            torn.append(f"race {race}: {[r.status for r in replies.values()]}")
            continue
        stored = _saved_row(stack, tabs[0].token, question.id)
        rows = [stored_row(answer) for answer in answers]
        if stored in rows:
            wins[rows.index(stored)] += 1
        else:
            torn.append(f"race {race}: stored {stored}")
    outcome.figure("simultaneous saves won by tab 1 / tab 2", f"{wins[0]} / {wins[1]}")
    outcome.check(
        not torn,
        f"in {RACES} simultaneous saves the stored answer is one of the two, whole",
        "; ".join(torn[:3]),
    )

    final = _saved_row(stack, tabs[0].token, question.id)
    assert final is not None
    shown = []
    for tab in tabs:
        page = tab.expect(
            tab.open_dimension(question.dimension), 200, "dimension page"
        ).text
        checked = re.findall(
            rf'name="answer-{re.escape(question.id)}" value="([^"]+)" checked', page
        )
        shown.append(checked)
    outcome.check(
        shown == [final[0], final[0]],
        "both tabs then show the stored answer",
        f"stored {final[0]}, shown {shown}",
    )


def _submitted_elsewhere(
    stack: Stack,
    outcome: Outcome,
    questionnaire: Questionnaire,
    tabs: tuple[Respondent, Respondent],
) -> None:
    first, second = tabs
    free_text = next(
        q for q in questionnaire.questions if q.type is QuestionType.FREE_TEXT
    )
    before = _saved_row(stack, first.token, free_text.id)
    first.submit()
    late = second.browser.post(
        second.path(f"q/{free_text.id}/"),
        "late autosave",
        [(f"text-{free_text.id}", "Written after the other tab submitted.")],
        headers={"HX-Request": "true", "X-CSRFToken": second.csrf},
    )
    after = _saved_row(stack, first.token, free_text.id)
    outcome.check(
        late.status == 409 and after == before,
        "a save after the other tab submitted is refused (409) and not stored",
        f"status {late.status}",
    )
