"""Background work, run by a tasks-framework worker (``manage.py db_worker``)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.tasks import task

from . import report_queue
from .models import AssessmentResult, Report
from .report import render_pdf, report_content

logger = logging.getLogger(__name__)


@task()
def render_report(report_id: int) -> None:
    """Render one queued report and store it; failures are stored too."""
    attempt = report_queue.claim(report_id)
    if attempt is None:
        return
    started = time.perf_counter()
    try:
        report = Report.objects.select_related(
            "assessment__organisation", "assessment__questionnaire_version"
        ).get(pk=report_id)
        assessment = report.assessment
        result = AssessmentResult.objects.get(assessment=assessment)
        content = report_content(
            assessment,
            result,
            site_url=settings.SITE_URL,
            validated=report_queue.validated_levels(assessment),
        )
        pdf = render_pdf(content)
    except Exception as error:
        logger.exception("report %s failed to render", report_id)
        report_queue.fail(report_id, attempt, f"{type(error).__name__}")
        return
    elapsed = round((time.perf_counter() - started) * 1000)
    if report_queue.finish(report_id, attempt, pdf, elapsed):
        logger.info("report %s rendered in %d ms", report_id, elapsed)
