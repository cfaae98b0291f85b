"""Which report an assessment needs, and getting it rendered exactly once.

A report row is keyed by its inputs, so asking again for unchanged
inputs finds the same row instead of rendering again. Workers claim a
row with a conditional update, so two workers never render one report at
the same time, and a finished PDF is written in the same update that
marks it ready, so a half-written report is never served.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Assessment, AssessmentResult, Report
from .report import inputs_hash

logger = logging.getLogger(__name__)

RENDER_LEASE = timedelta(minutes=3)
"""A render that has run longer than this is taken as abandoned (its
worker died) and handed to another worker."""


def validated_levels(assessment: Assessment) -> Mapping[str, Any]:
    """Adviser-validated levels, when the clinic workspace recorded any."""
    # The clinic app builds on this one; imported here to keep it that way.
    from clinic.validation import validated_levels as recorded

    return recorded(assessment)


def request_report(assessment: Assessment, *, retry: bool = False) -> Report:
    """The report for the assessment's current inputs, queued if needed.

    ``retry`` queues a failed report again.
    """
    result = AssessmentResult.objects.get(assessment=assessment)
    digest = inputs_hash(assessment, result, validated_levels(assessment))
    report, created = Report.objects.get_or_create(
        assessment=assessment, inputs_hash=digest
    )
    if created:
        _enqueue(report)
        return report

    stale = timezone.now() - RENDER_LEASE
    requeued = 0
    if (
        report.status == Report.Status.RENDERING
        and report.started_at
        and (report.started_at < stale)
    ):
        requeued = Report.objects.filter(
            pk=report.pk, status=Report.Status.RENDERING, started_at__lt=stale
        ).update(status=Report.Status.PENDING)
        if requeued:
            logger.warning(
                "report %s was abandoned mid-render; queued again", report.pk
            )
    elif retry and report.status == Report.Status.FAILED:
        requeued = Report.objects.filter(
            pk=report.pk, status=Report.Status.FAILED
        ).update(status=Report.Status.PENDING, error="")
    if requeued:
        report.refresh_from_db()
        _enqueue(report)
    return report


def _enqueue(report: Report) -> None:
    from .tasks import render_report

    transaction.on_commit(lambda: render_report.enqueue(report.pk))


def claim(report_id: int) -> int | None:
    """Mark a pending report as rendering; the attempt number, or None if
    another worker has it or it is no longer pending."""
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(
        status=Report.Status.RENDERING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    attempts: int = Report.objects.values_list("attempts", flat=True).get(pk=report_id)
    return attempts


def finish(report_id: int, attempt: int, pdf: bytes, render_ms: int) -> bool:
    """Store the PDF and mark it ready, unless the claim was lost."""
    return bool(
        Report.objects.filter(
            pk=report_id, status=Report.Status.RENDERING, attempts=attempt
        ).update(
            status=Report.Status.READY,
            pdf=pdf,
            size=len(pdf),
            render_ms=render_ms,
            finished_at=timezone.now(),
            error="",
        )
    )


def fail(report_id: int, attempt: int, error: str) -> None:
    Report.objects.filter(
        pk=report_id, status=Report.Status.RENDERING, attempts=attempt
    ).update(status=Report.Status.FAILED, error=error[:300], finished_at=timezone.now())
