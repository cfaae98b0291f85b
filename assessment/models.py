from __future__ import annotations

import hashlib
import secrets
from functools import cached_property

from django.db import models
from django.utils import timezone

from .answers import AnswerValue
from .schema import Questionnaire, version_key
from .scoring import AssessmentScore


class QuestionnaireVersionQuerySet(models.QuerySet["QuestionnaireVersion"]):
    def newest(self, slug: str) -> QuestionnaireVersion | None:
        """The newest stored version of a questionnaire, by version number."""
        versions = list(self.filter(slug=slug).only("pk", "version"))
        if not versions:
            return None
        best = max(versions, key=lambda v: version_key(v.version))
        return self.get(pk=best.pk)

    def newest_of_each(self) -> list[QuestionnaireVersion]:
        newest: dict[str, QuestionnaireVersion] = {}
        for stored in self.order_by("slug"):
            current = newest.get(stored.slug)
            if current is None or version_key(stored.version) > version_key(
                current.version
            ):
                newest[stored.slug] = stored
        return list(newest.values())


class QuestionnaireVersion(models.Model):
    """One published version of a questionnaire, frozen as it was synced.

    Assessments point here rather than at the YAML file, so their scores
    and reports can be reproduced after the file changes or is deleted.
    """

    slug = models.SlugField(max_length=80)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, default="full")
    definition = models.JSONField(
        help_text="The validated questionnaire, as parsed from its file."
    )
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the definition's canonical JSON."
    )
    source_path = models.CharField(max_length=500, blank=True)
    synced_at = models.DateTimeField(default=timezone.now)

    objects = QuestionnaireVersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"], name="unique_questionnaire_version"
            )
        ]
        verbose_name = "questionnaire version"

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    @cached_property
    def questionnaire(self) -> Questionnaire:
        """The parsed definition.

        A stored version never changes, so its parsed form is shared by
        every request in the process, keyed by content hash: callers may
        defer the large ``definition`` column, which is then read only the
        first time a process meets this version.
        """
        parsed = _PARSED.get(self.content_hash)
        if parsed is None:
            parsed = Questionnaire.model_validate(self.definition)
            _PARSED[self.content_hash] = parsed
        return parsed


_PARSED: dict[str, Questionnaire] = {}


class Organisation(models.Model):
    class Sector(models.TextChoices):
        PUBLIC = "public", "Public sector"
        HEALTH = "health", "Health and care"
        FINANCE = "finance", "Finance and insurance"
        MANUFACTURING = "manufacturing", "Manufacturing and engineering"
        RETAIL = "retail", "Retail and consumer"
        ENERGY = "energy", "Energy and utilities"
        TRANSPORT = "transport", "Transport and logistics"
        TECHNOLOGY = "technology", "Technology and software"
        EDUCATION = "education", "Education and research"
        CHARITY = "charity", "Charity and non-profit"
        OTHER = "other", "Other"

    class Size(models.TextChoices):
        MICRO = "micro", "1 to 9 people"
        SMALL = "small", "10 to 49 people"
        MEDIUM = "medium", "50 to 249 people"
        LARGE = "large", "250 people or more"

    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    size = models.CharField(max_length=10, choices=Size.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


def new_token() -> tuple[str, str]:
    """A fresh private-link token (256 random bits) and the hash we keep."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Assessment(models.Model):
    """One organisation's run through one questionnaire version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    class Role(models.TextChoices):
        DATA_SCIENTIST = "data_scientist", "Data scientist"
        ML_ENGINEER = "ml_engineer", "Machine learning engineer"
        DATA_ENGINEER = "data_engineer", "Data or platform engineer"
        ENGINEERING_LEAD = "engineering_lead", "Engineering or team lead"
        PRODUCT_OWNER = "product_owner", "Product or business owner"
        EXECUTIVE = "executive", "Executive or senior leader"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    token_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text=(
            "SHA-256 of the private link's token; the token itself is never stored."
        ),
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followers",
        help_text="The assessment this one retakes or revises.",
    )
    targets = models.JSONField(
        default=dict, blank=True, help_text="Target level per dimension id."
    )
    respondent_role = models.CharField(
        "respondent's role",
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text="The role of the person answering, which colours how to read "
        "the answers.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.questionnaire_version}"

    def answer_values(self) -> dict[str, AnswerValue]:
        return {answer.question_id: answer.value for answer in self.answers.all()}


class Answer(models.Model):
    """One question's answer; one row each, so concurrent saves of
    different questions never overwrite each other."""

    class Special(models.TextChoices):
        NONE = "", "—"
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        DONT_KNOW = "dont_know", "Don't know"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers"
    )
    question_id = models.CharField(max_length=63)
    choices = models.JSONField(default=list, blank=True, help_text="Chosen option ids.")
    special = models.CharField(
        max_length=20, choices=Special.choices, blank=True, default=""
    )
    text = models.TextField(blank=True, help_text="Free-text answer.")
    note = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_id"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"

    @property
    def value(self) -> AnswerValue:
        return AnswerValue(
            choices=tuple(self.choices),
            special=self.special or None,
            text=self.text,
        )


class AssessmentResult(models.Model):
    """The score of a submitted assessment, kept as it was computed."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="result"
    )
    score = models.FloatField(null=True)
    level = models.PositiveSmallIntegerField(null=True)
    verdict = models.CharField(max_length=20)
    data = models.JSONField(help_text="The full scoring result.")
    content_hash = models.CharField(
        max_length=64, help_text="Hash of the questionnaire version scored."
    )
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Result of {self.assessment}"

    @property
    def scores(self) -> AssessmentScore:
        return AssessmentScore.model_validate(self.data)


class Report(models.Model):
    """A rendered PDF readiness report, one per set of inputs.

    The inputs hash covers everything the report shows, so a changed
    input (a template version bump, a validated level) gives a new row,
    while repeated requests for unchanged inputs share one: the unique
    constraint is what stops two requests from rendering the same report.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RENDERING = "rendering", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="reports"
    )
    inputs_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    pdf = models.BinaryField(
        null=True,
        editable=False,
        help_text=(
            "The PDF, kept in the database so that web containers stay "
            "stateless and backups include it."
        ),
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "inputs_hash"], name="one_report_per_input"
            )
        ]

    def __str__(self) -> str:
        return f"Report for {self.assessment} ({self.status})"
