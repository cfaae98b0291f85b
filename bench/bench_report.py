"""The PDF report: render time and memory in a warm worker."""

from __future__ import annotations

import resource
import statistics
import time

from django.conf import settings

from assessment.journey import AnswerInput, save_answers, start_assessment, submit
from assessment.models import AssessmentResult
from assessment.report import render_pdf, report_content
from assessment.schema import QuestionType
from assessment.versions import load_questionnaires, sync
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


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> list[Figure]:
    assessment = _full_submission()
    result = AssessmentResult.objects.get(assessment=assessment)

    def once() -> tuple[float, int]:
        started = time.perf_counter()
        content = report_content(assessment, result, site_url=settings.SITE_URL)
        pdf = render_pdf(content)
        return (time.perf_counter() - started) * 1000, len(pdf)

    before = _peak_rss_mb()
    cold_ms, _ = once()  # pays for WeasyPrint's import and font loading
    samples = []
    size = 0
    for _ in range(RENDERS):
        elapsed, size = once()
        samples.append(elapsed)
    import io

    from pypdf import PdfReader

    content = report_content(assessment, result, site_url=settings.SITE_URL)
    pages = len(PdfReader(io.BytesIO(render_pdf(content))).pages)
    return [
        Figure("first render in a new worker (import, fonts)", cold_ms, "ms"),
        Figure(
            f"full report, warm worker (median of {RENDERS})",
            statistics.median(samples),
            "ms",
            goal=1500,
            detail=f"{pages} pages, {size // 1024} KiB, max {max(samples):.0f} ms",
        ),
        Figure(
            "peak memory of the worker process",
            _peak_rss_mb(),
            "MB",
            goal=200,
            detail=f"{before:.0f} MB before the first render",
        ),
    ]
