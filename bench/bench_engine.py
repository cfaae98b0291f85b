"""Questionnaire loading and scoring, without a database."""

from __future__ import annotations

import random
from functools import partial
from pathlib import Path

from django.conf import settings

from assessment.answers import AnswerValue
from assessment.loader import load_file, questionnaire_files
from assessment.schema import DONT_KNOW, NOT_APPLICABLE, Questionnaire, QuestionType
from assessment.scoring import score_assessment
from assessment.versions import known_links
from bench.figures import Figure, median, percentile, timings_ms


def random_answers(q: Questionnaire, rng: random.Random) -> dict[str, AnswerValue]:
    answers = {}
    for question in q.questions:
        roll = rng.random()
        if roll < 0.05:
            continue
        if roll < 0.1 and question.allow_dont_know:
            answers[question.id] = AnswerValue(special=DONT_KNOW)
        elif roll < 0.15 and question.allow_not_applicable:
            answers[question.id] = AnswerValue(special=NOT_APPLICABLE)
        elif question.type is QuestionType.FREE_TEXT:
            answers[question.id] = AnswerValue(text="Some words")
        elif question.type is QuestionType.MULTIPLE_CHOICE:
            ids = [o.id for o in question.options]
            answers[question.id] = AnswerValue(
                tuple(rng.sample(ids, rng.randint(0, len(ids))))
            )
        else:
            answers[question.id] = AnswerValue((rng.choice(question.options).id,))
    return answers


def _scoring_samples(
    q: Questionnaire, answer_sets: list[dict[str, AnswerValue]]
) -> list[float]:
    iterator = iter(answer_sets)
    return timings_ms(
        lambda: score_assessment(q, next(iterator)),
        repeat=len(answer_sets) - 5,
        warmup=5,
    )


def run() -> list[Figure]:
    figures = []
    links = known_links()
    for path in questionnaire_files([Path(settings.QUESTIONNAIRES_DIR)]):
        samples = timings_ms(partial(load_file, path, links), repeat=30)
        loaded = load_file(path, links)
        q = loaded.questionnaire
        detail = (
            f"{len(q.questions)} questions, {path.stat().st_size // 1024} KiB"
            if q
            else "INVALID"
        )
        figures.append(
            Figure(
                f"load and validate {path.parent.name}/{path.name} (median)",
                median(samples),
                "ms",
                goal=50,
                detail=detail,
            )
        )

    for path in questionnaire_files([Path(settings.QUESTIONNAIRES_DIR)]):
        q = load_file(path, links).questionnaire
        if q is None:
            continue
        rng = random.Random(7)
        answer_sets = [random_answers(q, rng) for _ in range(10_000)]
        samples = _scoring_samples(q, answer_sets)
        figures.append(
            Figure(
                f"score one {q.slug} assessment (median of 10,000)",
                median(samples),
                "ms",
                goal=1,
                detail=f"p95 {percentile(samples, 0.95):.3f} ms",
            )
        )
    return figures
