"""What clinic staff add to submitted assessments, and the log of what they did.

Nothing here changes an assessment or its answers: reviews, notes,
validated levels and cohort tags sit beside them in tables of their own,
and go with the assessment when its respondent deletes it. The audit log
is the exception and outlives what it points at.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from assessment.models import Assessment
from assessment.schema import MAX_LEVEL

CLINIC_STAFF_GROUP = "Clinic staff"


class ReviewStatus(models.TextChoices):
    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    REVIEWED = "reviewed", "Reviewed"
    FOLLOW_UP = "follow_up", "Follow-up"


class Review(models.Model):
    """Where the clinic stands with one submitted assessment.

    A submission without a review row is new: the row appears the first
    time someone changes the status or assigns it.
    """

    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.CASCADE,
        related_name="review",
        verbose_name="submission",
    )
    status = models.CharField(
        "review status",
        max_length=12,
        choices=ReviewStatus.choices,
        default=ReviewStatus.NEW,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_reviews",
        help_text="The staff member who looks after this submission.",
    )
    updated_at = models.DateTimeField("last changed", default=timezone.now)

    class Meta:
        # The workspace's permissions are declared here, on the model at
        # the heart of the workflow; the "Clinic staff" group holds them all.
        permissions = [
            ("view_submissions", "Can see submissions and cohorts"),
            (
                "review_submission",
                "Can review submissions: status, assignment, notes, validated levels",
            ),
            ("export_submissions", "Can export submissions"),
            ("manage_cohorts", "Can create cohorts"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Review of submission {self.assessment_id}: {self.get_status_display()}"


class ReviewerNote(models.Model):
    """A private note by a staff member; respondents never see these."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="reviewer_notes",
        verbose_name="submission",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField("written", default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["assessment", "created_at"])]
        verbose_name = "reviewer note"

    def __str__(self) -> str:
        return f"Note on submission {self.assessment_id}"


class LevelValidation(models.Model):
    """A level for one dimension as an adviser judges it, with the reason.

    Every validation is kept; the latest for a dimension is the one that
    counts (see ``validation.validated_levels``).
    """

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="level_validations",
        verbose_name="submission",
    )
    dimension = models.CharField(
        max_length=63, help_text="The dimension's id in the questionnaire."
    )
    level = models.PositiveSmallIntegerField(
        "validated level", validators=[MaxValueValidator(MAX_LEVEL)]
    )
    reason = models.TextField(
        max_length=2000,
        help_text="Why the adviser's level differs or agrees; shown to the "
        "organisation on its results.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="validated by",
    )
    created_at = models.DateTimeField("validated", default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__lte=MAX_LEVEL), name="validated_level_range"
            )
        ]
        indexes = [models.Index(fields=["assessment", "dimension", "created_at"])]
        verbose_name = "validated level"

    def __str__(self) -> str:
        return f"{self.dimension}: level {self.level}"


def new_invite_code() -> str:
    """A random invite code: 192 bits, so codes cannot be guessed."""
    return secrets.token_urlsafe(24)


class Cohort(models.Model):
    """A clinic or workshop whose participants share one invite link."""

    name = models.CharField(max_length=200, help_text="For example “Leeds clinic”.")
    date = models.DateField(help_text="The day the clinic or workshop takes place.")
    description = models.TextField(
        blank=True, max_length=2000, help_text="Optional: who, where, what for."
    )
    code = models.CharField(
        "invite code",
        max_length=64,
        unique=True,
        default=new_invite_code,
        help_text="The random part of the invite link. It only tags new "
        "assessments and opens nothing.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-date"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d %b %Y})"


class CohortMembership(models.Model):
    """Tags an assessment started through a cohort's invite link."""

    assessment = models.OneToOneField(
        Assessment,
        on_delete=models.CASCADE,
        related_name="cohort_membership",
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "cohort membership"

    def __str__(self) -> str:
        return f"Assessment {self.assessment_id} in {self.cohort}"


class AuditAction(models.TextChoices):
    VIEWED_SUBMISSION = "viewed_submission", "Viewed a submission"
    CHANGED_STATUS = "changed_status", "Changed a review status"
    ASSIGNED = "assigned", "Assigned a submission"
    WROTE_NOTE = "wrote_note", "Wrote a reviewer note"
    VALIDATED_LEVEL = "validated_level", "Validated a level"
    DOWNLOADED_REPORT = "downloaded_report", "Downloaded a PDF report"
    EXPORTED = "exported", "Exported submissions"
    CREATED_COHORT = "created_cohort", "Created a cohort"


class AuditEvent(models.Model):
    """One staff action, kept apart from the application's logs.

    Details hold ids, statuses, levels and filters, never what a note
    says or anything about a person beyond staff usernames.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    actor_username = models.CharField(
        max_length=150, help_text="Kept when the account is deleted."
    )
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    # The log outlives what it points at: a respondent may delete an
    # assessment, and the event still says which one was touched.
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="submission",
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField("when", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.actor_username}: {self.get_action_display()}"
