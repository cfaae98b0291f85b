"""The clinic's tables in the Django admin.

Administrators manage staff accounts and the "Clinic staff" group with
Django's own user and group pages. Here they can look into reviews,
notes, validated levels and cohorts, and read the audit log, which
nobody can change or delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AuditEvent,
    Cohort,
    CohortMembership,
    LevelValidation,
    Review,
    ReviewerNote,
)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ["assessment", "status", "assignee", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["assessment"]


@admin.register(ReviewerNote)
class ReviewerNoteAdmin(admin.ModelAdmin[ReviewerNote]):
    list_display = ["assessment", "author", "created_at"]
    raw_id_fields = ["assessment"]


@admin.register(LevelValidation)
class LevelValidationAdmin(admin.ModelAdmin[LevelValidation]):
    list_display = ["assessment", "dimension", "level", "author", "created_at"]
    list_filter = ["dimension", "level"]
    raw_id_fields = ["assessment"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin[Cohort]):
    list_display = ["name", "date", "created_by", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["code"]


@admin.register(CohortMembership)
class CohortMembershipAdmin(admin.ModelAdmin[CohortMembership]):
    list_display = ["assessment", "cohort", "joined_at"]
    list_filter = ["cohort"]
    raw_id_fields = ["assessment"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = [
        "created_at",
        "actor_username",
        "action",
        "assessment_id",
        "cohort_id",
    ]
    list_filter = ["action"]
    search_fields = ["actor_username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
