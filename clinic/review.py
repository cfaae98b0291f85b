"""The review workflow: a submission's status, its assignee and private notes.

Plain functions that views call; each returns what changed so that the
view can write the audit log and say what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessment.models import Assessment

from .models import Review, ReviewerNote, ReviewStatus

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
NOTE_MAX_LENGTH = 4000


def reviewers() -> QuerySet[User]:
    """Active users who may review submissions, by username."""
    return User.objects.with_perm(
        "clinic.review_submission", backend=MODEL_BACKEND
    ).order_by("username")


def review_of(assessment: Assessment) -> Review:
    """The submission's review; an unsaved new one if nobody has touched it."""
    try:
        return Review.objects.select_related("assignee").get(assessment=assessment)
    except Review.DoesNotExist:
        return Review(assessment=assessment)


@dataclass(frozen=True)
class ReviewChange:
    old_status: str
    new_status: str
    old_assignee: str | None
    new_assignee: str | None
    """Usernames, None for nobody."""

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def assignee_changed(self) -> bool:
        return self.old_assignee != self.new_assignee

    @property
    def changed(self) -> bool:
        return self.status_changed or self.assignee_changed


def update_review(
    assessment: Assessment, status: ReviewStatus, assignee: User | None
) -> ReviewChange:
    """Set the submission's review status and assignee."""
    with transaction.atomic():
        review, _created = Review.objects.select_for_update().get_or_create(
            assessment=assessment
        )
        old_assignee = review.assignee.get_username() if review.assignee else None
        change = ReviewChange(
            old_status=review.status,
            new_status=status,
            old_assignee=old_assignee,
            new_assignee=assignee.get_username() if assignee else None,
        )
        if change.changed:
            review.status = status
            review.assignee = assignee
            review.updated_at = timezone.now()
            review.save()
    return change


def add_note(assessment: Assessment, author: User, text: str) -> ReviewerNote:
    return ReviewerNote.objects.create(
        assessment=assessment,
        author=author,
        text=text[:NOTE_MAX_LENGTH],
    )


def notes_of(assessment: Assessment) -> QuerySet[ReviewerNote]:
    """The submission's notes, newest first, with their authors."""
    return (
        ReviewerNote.objects.filter(assessment=assessment)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
