"""The PDF report: render time and memory in a warm worker.

The report's content is read from the database here, then rendered in a
fresh process, as a task worker would: its peak memory is then the
worker's own, not that of the benchmarks that ran before in this one.
"""

from __future__ import annotations

import io
import multiprocessing
import pickle
import statistics
import time
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from queue import Empty
from typing import Any

from django.conf import settings

from assessment.journey import AnswerInput, save_answers, start_assessment, submit
from assessment.models import AssessmentResult
from assessment.report import report_content
from assessment.schema import QuestionType
from assessment.versions import load_questionnaires, sync
from bench import report_worker
from bench.figures import Figure

RENDERS = 7


def _full_submission():
    sync(load_questionnaires())
    from assessment.models import QuestionnaireVersion

    version = QuestionnaireVersion.objects.newest("mlops-maturity")
    assert version is not None
    q = version.questionnaire
    assessment, _ = start_assessment(
        organisation_name="Bench Analytics",
        sector="technology",
        size="medium",
        respondent_role="ml_engineer",
        version=version,
    )
    answers = {}
    for index, question in enumerate(q.questions):
        if question.type is QuestionType.FREE_TEXT:
            answers[question.id] = AnswerInput(text="A free-text answer " * 5)
        elif question.type is QuestionType.MULTIPLE_CHOICE:
            answers[question.id] = AnswerInput(choices=(question.options[1].id,))
        else:
            option = question.options[index % len(question.options)]
            answers[question.id] = AnswerInput(choices=(option.id,), note="A note.")
    save_answers(assessment, answers)
    submit(assessment)
    return assessment


def _wait(worker: BaseProcess, queue: Queue[Any]) -> Any:
    """The worker's figures; an error if it dies or takes ten minutes."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            return queue.get(timeout=1)
        except Empty:
            if not worker.is_alive():
                raise RuntimeError(
                    f"the report worker exited with code {worker.exitcode}"
                ) from None
    worker.kill()
    raise RuntimeError("the report worker took more than ten minutes")


def run() -> list[Figure]:
    assessment = _full_submission()
    result = AssessmentResult.objects.get(assessment=assessment)
    started = time.perf_counter()
    content = report_content(assessment, result, site_url=settings.SITE_URL)
    content_ms = (time.perf_counter() - started) * 1000

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(
        target=report_worker.render, args=(pickle.dumps(content), RENDERS, queue)
    )
    worker.start()
    try:
        figures = _wait(worker, queue)
    finally:
        worker.join(timeout=60)
    before, cold_ms, samples, pdf, peak = figures
    size = len(pdf)

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    # A worker also reads the content from the database before rendering.
    samples = [sample + content_ms for sample in samples]
    return [
        Figure("first render in a new worker (import, fonts)", cold_ms, "ms"),
        Figure(
            f"full report, warm worker (median of {RENDERS})",
            statistics.median(samples),
            "ms",
            goal=1500,
            detail=f"{pages} pages, {size // 1024} KiB, max {max(samples):.0f} ms,"
            f" of which {content_ms:.0f} ms reading the content",
        ),
        Figure(
            "peak memory of the worker process",
            peak,
            "MB",
            goal=200,
            detail=f"{before:.0f} MB before the first render",
        ),
    ]
