"""Data protection: purge stale drafts, anonymise on request, export.

Each function works on one organisation's data as a whole, inside one
transaction, so a failure leaves nothing half-done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Answer, Assessment, AssessmentResult, Organisation, Report

ANONYMOUS_NAME = "Anonymised organisation {pk}"


@dataclass(frozen=True)
class Purged:
    assessments: int
    organisations: int


def purge_drafts(
    older_than: timedelta, *, now: datetime | None = None, dry_run: bool = False
) -> Purged:
    """Delete drafts nobody has touched for ``older_than``, with their
    answers, and the organisations left with no assessment at all."""
    cutoff = (now or timezone.now()) - older_than
    stale = Assessment.objects.filter(
        status=Assessment.Status.DRAFT, updated_at__lt=cutoff
    )
    with transaction.atomic():
        organisation_ids = set(stale.values_list("organisation_id", flat=True))
        count = stale.count()
        if dry_run:
            kept = Assessment.objects.exclude(pk__in=stale)
            would_empty = (
                Organisation.objects.filter(pk__in=organisation_ids)
                .exclude(assessments__in=kept)
                .count()
            )
            return Purged(count, would_empty)
        stale.delete()
        emptied = Organisation.objects.filter(
            pk__in=organisation_ids, assessments__isnull=True
        )
        emptied_count = emptied.count()
        emptied.delete()
    return Purged(count, emptied_count)


def anonymise(organisation: Organisation) -> None:
    """Remove what identifies an organisation and keep the scores.

    The name is replaced, free text, notes and evidence are emptied,
    stored PDF reports (which carry the name) are deleted, and the
    clinic's reviewer notes and validation reasons, which may name people,
    are blanked.
    Scores, levels and chosen options stay for cohort statistics.
    """
    with transaction.atomic():
        organisation.name = ANONYMOUS_NAME.format(pk=organisation.pk)
        organisation.save(update_fields=["name"])
        assessments = Assessment.objects.filter(organisation=organisation)
        Answer.objects.filter(assessment__in=assessments).update(
            text="", note="", evidence=""
        )
        Report.objects.filter(assessment__in=assessments).delete()
        _anonymise_clinic_records(assessments)


def _anonymise_clinic_records(assessments: Any) -> None:
    # The clinic app builds on this one; imported here to keep it that way.
    from clinic.models import LevelValidation, ReviewerNote

    removed = "(removed when the organisation was anonymised)"
    ReviewerNote.objects.filter(assessment__in=assessments).update(text=removed)
    LevelValidation.objects.filter(assessment__in=assessments).update(reason=removed)


def export(organisation: Organisation) -> dict[str, Any]:
    """Everything stored about one organisation, as plain JSON values."""
    assessments = (
        Assessment.objects.filter(organisation=organisation)
        .select_related("questionnaire_version")
        .order_by("created_at")
    )
    results = {
        r.assessment_id: r
        for r in AssessmentResult.objects.filter(assessment__in=assessments)
    }
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(assessment__in=assessments).order_by("pk"):
        answers.setdefault(answer.assessment_id, []).append(answer)
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(assessment__in=assessments).defer("pdf"):
        reports.setdefault(report.assessment_id, []).append(report)

    return {
        "organisation": {
            "id": organisation.pk,
            "name": organisation.name,
            "sector": organisation.sector,
            "size": organisation.size,
            "created_at": organisation.created_at.isoformat(),
        },
        "assessments": [
            {
                "id": a.pk,
                "questionnaire": a.questionnaire_version.slug,
                "version": a.questionnaire_version.version,
                "status": a.status,
                "respondent_role": a.respondent_role,
                "targets": a.targets,
                "previous": a.previous_id,
                "created_at": a.created_at.isoformat(),
                "updated_at": a.updated_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "answers": [
                    {
                        "question": row.question_id,
                        "choices": row.choices,
                        "special": row.special,
                        "text": row.text,
                        "note": row.note,
                        "evidence": row.evidence,
                        "updated_at": row.updated_at.isoformat(),
                    }
                    for row in answers.get(a.pk, [])
                ],
                "result": results[a.pk].data if a.pk in results else None,
                "reports": [
                    {
                        "status": report.status,
                        "created_at": report.created_at.isoformat(),
                        "size": report.size,
                    }
                    for report in reports.get(a.pk, [])
                ],
                "clinic": _clinic_export(a),
            }
            for a in assessments
        ],
    }


def _clinic_export(assessment: Assessment) -> dict[str, Any]:
    """What the clinic workspace stored about this assessment."""
    from clinic.models import (
        AuditEvent,
        CohortMembership,
        LevelValidation,
        Review,
        ReviewerNote,
    )

    review = Review.objects.filter(assessment=assessment).first()
    membership = (
        CohortMembership.objects.filter(assessment=assessment)
        .select_related("cohort")
        .first()
    )

    def author(record: Any) -> str | None:
        return record.author.get_username() if record.author_id else None

    return {
        "review": (
            {
                "status": review.status,
                "assignee": (
                    review.assignee.get_username() if review.assignee else None
                ),
            }
            if review
            else None
        ),
        "cohort": membership.cohort.name if membership else None,
        "reviewer_notes": [
            {"author": author(n), "text": n.text, "written": n.created_at.isoformat()}
            for n in ReviewerNote.objects.filter(assessment=assessment)
            .select_related("author")
            .order_by("created_at")
        ],
        "validated_levels": [
            {
                "dimension": v.dimension,
                "level": v.level,
                "reason": v.reason,
                "by": author(v),
                "when": v.created_at.isoformat(),
            }
            for v in LevelValidation.objects.filter(assessment=assessment)
            .select_related("author")
            .order_by("created_at")
        ],
        "staff_actions": [
            {
                "action": e.action,
                "by": e.actor_username,
                "when": e.created_at.isoformat(),
            }
            for e in AuditEvent.objects.filter(assessment=assessment).order_by(
                "created_at"
            )
        ],
    }
