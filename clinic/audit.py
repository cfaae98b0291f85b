"""The audit log of staff actions, written explicitly by the views.

One function per action, so that a reader of a view sees what it logs,
and a reader of this file sees everything that is logged. Details hold
ids, statuses, levels and filters: never a note's text, an answer or
anything about a person beyond staff usernames.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from assessment.models import Assessment

from .models import AuditAction, AuditEvent, Cohort
from .review import ReviewChange

type Actor = User | AnonymousUser


def _record(
    actor: Actor,
    action: AuditAction,
    *,
    assessment: Assessment | None = None,
    cohort: Cohort | None = None,
    **details: Any,
) -> AuditEvent:
    user = actor if isinstance(actor, User) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_username=user.get_username() if user else "",
        action=action,
        assessment=assessment,
        cohort=cohort,
        details=details,
    )


def viewed_submission(actor: Actor, assessment: Assessment) -> None:
    _record(actor, AuditAction.VIEWED_SUBMISSION, assessment=assessment)


def reviewed(actor: Actor, assessment: Assessment, change: ReviewChange) -> None:
    """Log a status change and a new assignee as two events."""
    if change.status_changed:
        _record(
            actor,
            AuditAction.CHANGED_STATUS,
            assessment=assessment,
            old=change.old_status,
            new=change.new_status,
        )
    if change.assignee_changed:
        _record(
            actor,
            AuditAction.ASSIGNED,
            assessment=assessment,
            old=change.old_assignee,
            new=change.new_assignee,
        )


def wrote_note(actor: Actor, assessment: Assessment, note_id: int) -> None:
    _record(actor, AuditAction.WROTE_NOTE, assessment=assessment, note=note_id)


def validated_level(
    actor: Actor, assessment: Assessment, dimension: str, level: int
) -> None:
    _record(
        actor,
        AuditAction.VALIDATED_LEVEL,
        assessment=assessment,
        dimension=dimension,
        level=level,
    )


def downloaded_report(actor: Actor, assessment: Assessment) -> None:
    _record(actor, AuditAction.DOWNLOADED_REPORT, assessment=assessment)


def exported(actor: Actor, export: str, filters: dict[str, str]) -> None:
    _record(actor, AuditAction.EXPORTED, export=export, filters=filters)


def created_cohort(actor: Actor, cohort: Cohort) -> None:
    _record(actor, AuditAction.CREATED_COHORT, cohort=cohort)
