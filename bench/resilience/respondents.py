"""Respondents of the full questionnaire, driven over HTTP like a browser.

Answers are planned from the same questionnaire file the server stored,
so every question, including the follow-ups that only certain answers
show, gets an answer; the plan is also what the database must hold
afterwards, field by field.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assessment.answers import visible_questions
from assessment.journey import AnswerInput
from assessment.loader import load_file
from assessment.models import hash_token
from assessment.schema import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Question,
    Questionnaire,
    QuestionType,
    version_key,
)
from assessment.versions import known_links
from bench.resilience.browser import Browser, Response
from bench.resilience.stack import Database

FULL = "mlops-maturity"
LINK_PAGE = re.compile(r"^/a/([A-Za-z0-9_-]{43})/link/$")

Plan = dict[str, AnswerInput]


class JourneyError(Exception):
    """A response the journey cannot go on from."""


def load_questionnaire(root: Path, slug: str = FULL) -> Questionnaire:
    """The newest version of ``slug`` among the files under ``root``."""
    files = sorted(
        (root / slug).glob("*.yaml"), key=lambda path: version_key(path.stem)
    )
    loaded = load_file(files[-1], known_links())
    if loaded.questionnaire is None:
        raise JourneyError(f"{files[-1]} does not load: {loaded.errors}")
    return loaded.questionnaire


def plan_answers(questionnaire: Questionnaire, rng: random.Random) -> Plan:
    """Random valid answers that leave every question visible."""
    everything = set(questionnaire.questions_by_id)
    for _ in range(500):
        plan = {q.id: random_answer(q, rng) for q in questionnaire.questions}
        values = {question_id: answer.value for question_id, answer in plan.items()}
        if visible_questions(questionnaire, values) == everything:
            return plan
    raise JourneyError("no random answers showed every question")


def random_answer(question: Question, rng: random.Random) -> AnswerInput:
    note = rng.choice(["", "", "", "Checked with the platform team."])
    evidence = (
        "Runbook and dashboard links in the team wiki."
        if question.evidence_prompt and rng.random() < 0.3
        else ""
    )
    roll = rng.random()
    if roll < 0.08 and question.allow_dont_know:
        return AnswerInput(special=DONT_KNOW, note=note, evidence=evidence)
    if roll < 0.12 and question.allow_not_applicable:
        return AnswerInput(special=NOT_APPLICABLE, note=note, evidence=evidence)
    if question.type is QuestionType.FREE_TEXT:
        text = f"Free text {rng.randrange(10**6)}: what we do today."
        return AnswerInput(text=text, note=note, evidence=evidence)
    options = [option.id for option in question.options]
    if question.type is QuestionType.MULTIPLE_CHOICE:
        chosen = tuple(rng.sample(options, rng.randint(1, min(3, len(options)))))
    else:
        chosen = (rng.choice(options),)
    return AnswerInput(choices=chosen, note=note, evidence=evidence)


def answer_fields(question_id: str, answer: AnswerInput) -> list[tuple[str, str]]:
    """The form fields an autosave of this answer posts."""
    fields = [(f"answer-{question_id}", choice) for choice in answer.choices]
    if answer.special:
        fields.append((f"answer-{question_id}", answer.special))
    for name, value in (
        ("text", answer.text),
        ("note", answer.note),
        ("evidence", answer.evidence),
    ):
        fields.append((f"{name}-{question_id}", value))
    return fields


def stored_row(answer: AnswerInput) -> tuple[Any, ...]:
    """The answer as a row of ``assessment_answer`` holds it."""
    return (
        list(answer.choices),
        answer.special or "",
        answer.text,
        answer.note,
        answer.evidence,
    )


@dataclass
class Respondent:
    """Someone answering one assessment through its private link."""

    browser: Browser
    questionnaire: Questionnaire
    token: str = ""
    csrf: str = ""
    acknowledged: Plan = field(default_factory=dict)
    """Answers the server acknowledged with a 2xx, by question id."""

    def path(self, suffix: str = "") -> str:
        return f"/a/{self.token}/{suffix}"

    def expect(self, response: Response, status: int, kind: str) -> Response:
        if response.status != status:
            detail = response.error or response.text[:200].replace("\n", " ")
            raise JourneyError(
                f"{kind}: expected {status}, got {response.status} ({detail})"
            )
        return response

    def start(self, name: str, slug: str = FULL) -> None:
        """Landing page, start form, start; ends on the private-link page."""
        self.expect(self.browser.get("/", "landing"), 200, "landing")
        form = self.browser.get(f"/start/?questionnaire={slug}", "start form")
        self.expect(form, 200, "start form")
        started = self.browser.post(
            "/start/",
            "start",
            [
                ("csrfmiddlewaretoken", form.csrf_token()),
                ("questionnaire", slug),
                ("organisation_name", name),
                ("sector", "technology"),
                ("size", "medium"),
                ("respondent_role", "ml_engineer"),
                ("email", ""),
                ("consent", "on"),
            ],
        )
        self.expect(started, 302, "start")
        match = LINK_PAGE.match(started.location)
        if match is None:
            raise JourneyError(f"start redirected to {started.location!r}")
        self.token = match.group(1)
        self.expect(self.browser.get(started.location, "link page"), 200, "link")

    def resume(self) -> str:
        """Open the private link; the page it sends the respondent to."""
        return self.expect(
            self.browser.get(self.path(), "resume"), 302, "resume"
        ).location

    def open_dimension(self, dimension_id: str) -> Response:
        page = self.browser.get(self.path(f"d/{dimension_id}/"), "dimension page")
        if page.status == 200:
            self.csrf = page.csrf_token()
        return page

    def show_dimension(self, dimension_id: str) -> None:
        """Open a dimension's page and check that it asks its questions."""
        page = self.expect(self.open_dimension(dimension_id), 200, "dimension page")
        missing = [
            question.id
            for question in self.questionnaire.questions_in(dimension_id)
            if f'id="question-{question.id}"' not in page.text
        ]
        if missing:
            raise JourneyError(f"dimension {dimension_id} page lacks {missing}")

    def autosave(self, question_id: str, answer: AnswerInput) -> Response:
        response = self.browser.post(
            self.path(f"q/{question_id}/"),
            "autosave",
            answer_fields(question_id, answer),
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf},
        )
        if response.status == 200 and "status--saved" in response.text:
            self.acknowledged[question_id] = answer
        return response

    def answer_everything(self, plan: Plan) -> None:
        for dimension in self.questionnaire.dimensions:
            self.show_dimension(dimension.id)
            for question in self.questionnaire.questions_in(dimension.id):
                saved = self.autosave(question.id, plan[question.id])
                self.expect(saved, 200, f"autosave {question.id}")
                if question.id not in self.acknowledged:
                    raise JourneyError(f"autosave {question.id} did not say saved")

    def submit(self) -> None:
        review = self.expect(
            self.browser.get(self.path("review/"), "review"), 200, "review"
        )
        submitted = self.browser.post(
            self.path("submit/"),
            "submit",
            [("csrfmiddlewaretoken", review.csrf_token())],
        )
        self.expect(submitted, 302, "submit")
        if submitted.location != self.path("results/"):
            raise JourneyError(f"submit redirected to {submitted.location!r}")
        self.expect(self.browser.get(submitted.location, "results"), 200, "results")

    def full_journey(self, plan: Plan, name: str) -> None:
        self.start(name)
        first = self.questionnaire.dimensions[0].id
        if self.resume() != self.path(f"d/{first}/"):
            raise JourneyError("a new assessment did not resume at its first page")
        self.answer_everything(plan)
        self.submit()


def stored_answers(
    database: Database, tokens: Iterable[str]
) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Each assessment's stored answers as rows, by token then question id."""
    by_hash = {hash_token(token): token for token in tokens}
    rows = database.rows(
        """
        SELECT a.token_hash, ans.question_id, ans.choices, ans.special,
               ans.text, ans.note, ans.evidence
        FROM assessment_answer ans
        JOIN assessment_assessment a ON a.id = ans.assessment_id
        WHERE a.token_hash = ANY(%s)
        """,
        list(by_hash),
    )
    stored: dict[str, dict[str, tuple[Any, ...]]] = {t: {} for t in by_hash.values()}
    for token_hash, question_id, *values in rows:
        stored[by_hash[token_hash]][question_id] = tuple(values)
    return stored


def missing_or_different(
    expected: dict[str, Plan], stored: dict[str, dict[str, tuple[Any, ...]]]
) -> tuple[int, list[str]]:
    """How many expected answers are stored exactly, and what is not."""
    matching = 0
    problems = []
    for token, plan in expected.items():
        for question_id, answer in plan.items():
            row = stored.get(token, {}).get(question_id)
            if row == stored_row(answer):
                matching += 1
            else:
                problems.append(
                    f"{token[:6]}…/{question_id}: sent {stored_row(answer)}, "
                    f"stored {row}"
                )
    return matching, problems


def submission_states(database: Database, tokens: Iterable[str]) -> dict[str, str]:
    """``submitted+result``, ``submitted`` or ``draft`` for each assessment."""
    by_hash = {hash_token(token): token for token in tokens}
    rows = database.rows(
        """
        SELECT a.token_hash, a.status, a.submitted_at IS NOT NULL,
               r.id IS NOT NULL
        FROM assessment_assessment a
        LEFT JOIN assessment_assessmentresult r ON r.assessment_id = a.id
        WHERE a.token_hash = ANY(%s)
        """,
        list(by_hash),
    )
    states = dict.fromkeys(by_hash.values(), "missing")
    for token_hash, status, has_date, has_result in rows:
        complete = status == "submitted" and has_date and has_result
        states[by_hash[token_hash]] = "submitted+result" if complete else status
    return states
