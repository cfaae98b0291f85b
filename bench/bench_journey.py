"""The respondent's busiest requests, through Django's test client.

An answering page, an autosave and a results page of the full
questionnaire, timed end to end: URL routing, middleware, the database
and template rendering included, the network not.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from assessment.answers import AnswerValue
from assessment.journey import AnswerInput, save_answers, start_assessment, submit
from assessment.models import QuestionnaireVersion
from assessment.schema import Questionnaire
from assessment.versions import load_questionnaires, sync
from bench.bench_engine import random_answers
from bench.figures import Figure, median, percentile, timings_ms

SLUG = "mlops-maturity"
REQUESTS = 300


def _full_questionnaire() -> QuestionnaireVersion | None:
    folder = Path(settings.QUESTIONNAIRES_DIR) / SLUG
    if not any(folder.glob("*.yaml")):
        return None
    sync(load_questionnaires([folder]))
    return QuestionnaireVersion.objects.newest(SLUG)


def _inputs(answers: dict[str, AnswerValue]) -> dict[str, AnswerInput]:
    return {
        question_id: AnswerInput(value.choices, value.special, value.text)
        for question_id, value in answers.items()
    }


def _figures(
    name: str, action: Callable[[], object], goal: float, detail: str
) -> list[Figure]:
    samples = timings_ms(action, repeat=REQUESTS, warmup=10)
    return [
        Figure(f"{name} (median of {REQUESTS})", median(samples), "ms", goal, detail),
        Figure(f"{name} (p95)", percentile(samples, 0.95), "ms", detail=detail),
    ]


def _choices(q: Questionnaire) -> list[tuple[str, str]]:
    """(question id, option id) pairs to autosave, from single-answer questions."""
    return [
        (question.id, option.id)
        for question in q.questions
        if question.show_if is None and question.type.value != "multiple_choice"
        for option in question.options
    ]


def run() -> list[Figure]:
    version = _full_questionnaire()
    if version is None:
        return [Figure("journey", 0, "ms", detail="questionnaire missing")]
    q = version.questionnaire
    rng = random.Random(11)
    client = Client()

    draft, draft_token = start_assessment(
        organisation_name="Bench Ltd",
        sector="technology",
        size="medium",
        respondent_role="ml_engineer",
        version=version,
    )
    save_answers(draft, _inputs(random_answers(q, rng)))
    done, done_token = start_assessment(
        organisation_name="Bench Ltd",
        sector="technology",
        size="medium",
        respondent_role="ml_engineer",
        version=version,
    )
    save_answers(done, _inputs(random_answers(q, rng)))
    submit(done)

    busiest = max(q.dimensions, key=lambda d: len(q.questions_in(d.id)))
    page_url = reverse("assessment:dimension", args=[draft_token, busiest.id])
    results_url = reverse("assessment:results", args=[done_token])
    pairs = _choices(q)

    def autosave() -> None:
        question_id, option_id = rng.choice(pairs)
        response = client.post(
            reverse("assessment:answer", args=[draft_token, question_id]),
            {f"answer-{question_id}": option_id},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200, response.status_code

    def get(url: str) -> Callable[[], None]:
        def action() -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return action

    questions = len(q.questions_in(busiest.id))
    return [
        *_figures(
            "answering page GET",
            get(page_url),
            15,
            f"{busiest.name}, {questions} questions",
        ),
        *_figures("autosave POST", autosave, 10, f"{len(q.questions)} questions"),
        *_figures("results page GET", get(results_url), 30, "submitted assessment"),
    ]
