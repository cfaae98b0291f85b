"""Who may use the clinic workspace, and how its objects are found.

Every staff page needs a signed-in user (others are sent to sign in)
who holds the page's permission (others get 403). The helpers below
then find the one object a page is about, and answer 404 for anything
the workspace does not show: a draft is not a submission yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.cache import never_cache

from assessment.models import Assessment

from .models import Cohort

type View = Callable[..., HttpResponseBase]

VIEW_SUBMISSIONS = "clinic.view_submissions"
REVIEW_SUBMISSION = "clinic.review_submission"
EXPORT_SUBMISSIONS = "clinic.export_submissions"
MANAGE_COHORTS = "clinic.manage_cohorts"

# Invite codes are secrets.token_urlsafe(24): 32 characters.
INVITE_CODE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def staff_view(permission: str) -> Callable[[View], View]:
    """Require a signed-in user with ``permission``; never cache the page."""

    def decorate(view: View) -> View:
        guarded = permission_required(permission, raise_exception=True)(
            never_cache(view)
        )
        return login_required(guarded)

    return decorate


def superuser_view(view: View) -> View:
    """Require a signed-in superuser."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(never_cache(guarded))


def submission_for_staff(pk: int) -> Assessment:
    """The submitted assessment ``pk`` with what its page shows, or 404."""
    try:
        return (
            Assessment.objects.select_related(
                "organisation",
                "questionnaire_version",
                "result",
                "previous",
            )
            .defer("questionnaire_version__definition")
            .get(pk=pk, status=Assessment.Status.SUBMITTED)
        )
    except Assessment.DoesNotExist:
        raise Http404("No such submission") from None


def cohort_for_staff(pk: int) -> Cohort:
    try:
        return Cohort.objects.get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort") from None


def cohort_for_invite(code: str) -> Cohort | None:
    """The cohort an invite code belongs to; None for anything else."""
    if not INVITE_CODE.fullmatch(code):
        return None
    return Cohort.objects.filter(code=code).first()
