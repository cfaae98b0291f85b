"""The clinic workspace: submissions, their review, cohorts, exports, audit.

Every page here is for signed-in staff with the page's permission (see
``access.py``), except ``join``, the public end of a cohort's invite
link. Views find the object, call the domain and render; actions that
change something, and every export, are written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from assessment.display import results_page
from assessment.journey import answer_values, stored_inputs
from assessment.models import (
    Assessment,
    AssessmentResult,
    Organisation,
    QuestionnaireVersion,
    Report,
)
from assessment.report_queue import request_report
from assessment.report_views import POLL_SECONDS, pdf_response
from assessment.schema import version_key
from config.requests import HtmxHttpRequest

from . import audit, cohorts, exports
from .access import (
    EXPORT_SUBMISSIONS,
    MANAGE_COHORTS,
    REVIEW_SUBMISSION,
    VIEW_SUBMISSIONS,
    cohort_for_invite,
    cohort_for_staff,
    staff_view,
    submission_for_staff,
    superuser_view,
)
from .compare import Side, compare, earlier_submission
from .display import SubmissionRow, answer_counts, dimension_answers
from .filters import (
    SubmissionFilters,
    page_links,
    sort_links,
    submitted_assessments,
)
from .forms import CohortForm, NoteForm, ReviewForm, ValidationForm
from .models import AuditAction, AuditEvent, Cohort, ReviewStatus
from .review import add_note, notes_of, review_of, reviewers, update_review
from .validation import (
    InvalidValidationError,
    history,
    record_validation,
    validated_levels,
)

PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 100


def _staff_member(request: HttpRequest) -> User:
    # The access decorators let only signed-in users through; this tells
    # the type checker so, and refuses anything else outright.
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _partial(request: HtmxHttpRequest) -> bool:
    """Whether to answer with a page's htmx region rather than the page.

    Going back in history asks for the whole page again.
    """
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
def join(request: HttpRequest, code: str) -> HttpResponse:
    """A cohort's invite link: on to the start form, with the cohort."""
    cohort = cohort_for_invite(code)
    if cohort is None:
        raise Http404("No such invite")
    query = urlencode({"cohort": cohort.code})
    return redirect(f"{reverse('assessment:start')}?{query}")


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    filters = SubmissionFilters.from_query(request.GET)
    rows = filters.apply(submitted_assessments())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    versions = {v.pk: v for v in QuestionnaireVersion.objects.defer("definition")}
    cohorts = {c.pk: c for c in Cohort.objects.order_by("-date", "-pk")}
    context = {
        "nav": "submissions",
        "filters": filters,
        "page": page,
        "rows": [SubmissionRow.of(a, versions, cohorts) for a in page],
        "columns": sort_links(filters),
        "pages": page_links(filters, page),
        "questionnaires": _questionnaire_choices(versions.values()),
        "cohorts": cohorts.values(),
        "statuses": ReviewStatus.choices,
        "sectors": Organisation.Sector.choices,
        "sizes": Organisation.Size.choices,
    }
    template = "clinic/dashboard.html"
    if _partial(request):
        template += "#submissions"
    return render(request, template, context)


def _questionnaire_choices(
    versions: Iterable[QuestionnaireVersion],
) -> dict[str, Any]:
    """Questionnaires (slug, title) and every version number, for the filters."""
    titles = {version.slug: version.title for version in versions}
    numbers = {version.version for version in versions}
    return {
        "titles": sorted(titles.items(), key=lambda item: item[1]),
        "versions": sorted(numbers, key=version_key, reverse=True),
    }


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = submission_for_staff(pk)
    audit.viewed_submission(request.user, assessment)
    return _submission_page(request, assessment)


def _submission_page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    validation_form: ValidationForm | None = None,
    status: int = 200,
    **review_forms: Any,
) -> HttpResponse:
    questionnaire = assessment.questionnaire_version.questionnaire
    inputs = stored_inputs(assessment)
    previous = _previous_result(assessment)
    validated = validated_levels(assessment)
    page = results_page(
        questionnaire,
        assessment.result.scores,
        assessment.targets,
        answer_values(inputs),
        previous.scores if previous else None,
        validated=validated,
    )
    membership = getattr(assessment, "cohort_membership", None)
    answers = dimension_answers(questionnaire, inputs)
    context = {
        "nav": "submissions",
        "assessment": assessment,
        "questionnaire": questionnaire,
        "page": page,
        "previous": previous,
        "answers": answers,
        "counts": answer_counts(page.scores, answers),
        "validated_count": len(validated),
        "validations": history(assessment, questionnaire),
        "validation_form": validation_form
        or ValidationForm(questionnaire=questionnaire),
        "earlier": earlier_submission(assessment),
        "cohort": membership.cohort if membership else None,
        **_review_context(assessment, **review_forms),
    }
    return render(request, "clinic/submission.html", context, status=status)


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def report(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The submission's PDF report: its state while it is prepared."""
    assessment = submission_for_staff(pk)
    current = request_report(assessment)
    context = {
        "nav": "submissions",
        "assessment": assessment,
        "report": current,
        "waiting": current.status in {Report.Status.PENDING, Report.Status.RENDERING},
        "poll_seconds": POLL_SECONDS,
        "validated_count": len(validated_levels(assessment)),
    }
    template = "clinic/report.html"
    if _partial(request):
        template += "#status"
    return render(request, template, context)


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF itself, once rendered; until then, the report's page."""
    assessment = submission_for_staff(pk)
    current = request_report(assessment)
    if current.status != Report.Status.READY:
        return redirect("clinic:report", assessment.pk)
    audit.downloaded_report(request.user, assessment)
    return pdf_response(current, assessment)


@staff_view(VIEW_SUBMISSIONS)
@require_POST
def report_retry(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = submission_for_staff(pk)
    request_report(assessment, retry=True)
    return redirect("clinic:report", assessment.pk)


def _previous_result(assessment: Assessment) -> AssessmentResult | None:
    """The result of the assessment this one retakes or revises, if any."""
    if assessment.previous_id is None:
        return None
    return (
        AssessmentResult.objects.filter(assessment_id=assessment.previous_id)
        .select_related("assessment")
        .first()
    )


def _review_context(
    assessment: Assessment,
    review_form: ReviewForm | None = None,
    note_form: NoteForm | None = None,
) -> dict[str, Any]:
    review = review_of(assessment)
    return {
        "assessment": assessment,
        "review": review,
        "review_form": review_form
        or ReviewForm(
            initial={"status": review.status, "assignee": review.assignee_id},
            reviewers=reviewers(),
        ),
        "notes": notes_of(assessment),
        "note_form": note_form or NoteForm(),
    }


def _review_answer(
    request: HtmxHttpRequest,
    assessment: Assessment,
    saved: str = "",
    **forms: Any,
) -> HttpResponse:
    """After a review action: the review panel for htmx, else the page."""
    refused = any(form.errors for form in forms.values())
    if _partial(request):
        return render(
            request,
            "clinic/submission.html#review",
            {**_review_context(assessment, **forms), "saved": saved},
            status=400 if refused else 200,
        )
    if refused:
        return _submission_page(request, assessment, status=400, **forms)
    messages.success(request, saved)
    return redirect(reverse("clinic:submission", args=[assessment.pk]) + "#review")


@staff_view(REVIEW_SUBMISSION)
@require_POST
def review(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assessment = submission_for_staff(pk)
    form = ReviewForm(request.POST, reviewers=reviewers())
    if not form.is_valid():
        return _review_answer(request, assessment, review_form=form)

    change = update_review(
        assessment,
        ReviewStatus(form.cleaned_data["status"]),
        form.cleaned_data["assignee"],
    )
    audit.reviewed(request.user, assessment, change)
    if not change.changed:
        return _review_answer(request, assessment, "Nothing changed.")
    return _review_answer(request, assessment, "The review is updated.")


@staff_view(REVIEW_SUBMISSION)
@require_POST
def note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assessment = submission_for_staff(pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _review_answer(request, assessment, note_form=form)

    written = add_note(assessment, _staff_member(request), form.cleaned_data["text"])
    audit.wrote_note(request.user, assessment, written.pk)
    return _review_answer(request, assessment, "Your note is added.")


@staff_view(REVIEW_SUBMISSION)
@require_POST
def validate(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = submission_for_staff(pk)
    questionnaire = assessment.questionnaire_version.questionnaire
    form = ValidationForm(request.POST, questionnaire=questionnaire)
    if form.is_valid():
        try:
            validation = record_validation(
                assessment,
                questionnaire,
                dimension=form.cleaned_data["dimension"],
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                author=_staff_member(request),
            )
        except InvalidValidationError as error:
            form.add_error(None, str(error).capitalize())
    if form.errors:
        return _submission_page(request, assessment, validation_form=form, status=400)

    audit.validated_level(
        request.user, assessment, validation.dimension, validation.level
    )
    dimension = questionnaire.dimensions_by_id[validation.dimension]
    messages.success(
        request,
        f"{dimension.name} is validated at level {validation.level}.",
    )
    url = reverse("clinic:submission", args=[assessment.pk])
    return redirect(f"{url}#validated-levels")


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def compare_submissions(request: HttpRequest) -> HttpResponse:
    picked = request.GET.getlist("pick")
    if picked:
        return _compare_picked(request, picked)
    first, second = request.GET.get("a", ""), request.GET.get("b", "")
    if not (first.isdigit() and second.isdigit()):
        return render(
            request,
            "clinic/compare.html",
            {"nav": "submissions", "comparison": None, "a": first, "b": second},
        )
    a = submission_for_staff(int(first))
    b = submission_for_staff(int(second))
    return render(
        request,
        "clinic/compare.html",
        {"nav": "submissions", "comparison": compare(_side(a), _side(b))},
    )


def _compare_picked(request: HttpRequest, picked: list[str]) -> HttpResponse:
    """Two submissions ticked on the dashboard: the earlier one is A."""
    ids = {int(pk) for pk in picked if pk.isdigit() and len(pk) < 19}
    found = list(
        Assessment.objects.filter(pk__in=ids, status=Assessment.Status.SUBMITTED)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    if len(picked) != 2 or len(found) != 2:
        return render(
            request,
            "clinic/compare.html",
            {
                "nav": "submissions",
                "comparison": None,
                "error": "Tick exactly two submissions in the table to compare them.",
            },
            status=400,
        )
    first, second = found
    return redirect(f"{reverse('clinic:compare')}?a={first}&b={second}")


def _side(assessment: Assessment) -> Side:
    return Side(
        assessment=assessment,
        questionnaire=assessment.questionnaire_version.questionnaire,
        scores=assessment.result.scores,
        answers=assessment.answer_values(),
    )


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    return _cohort_list(request, CohortForm())


def _cohort_list(
    request: HttpRequest, form: CohortForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "clinic/cohorts.html",
        {"nav": "cohorts", "summaries": cohorts.summaries(), "form": form},
        status=status,
    )


@staff_view(MANAGE_COHORTS)
@require_POST
def create_cohort(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST)
    if not form.is_valid():
        return _cohort_list(request, form, status=400)

    cohort = cohorts.create_cohort(
        name=form.cleaned_data["name"],
        date=form.cleaned_data["date"],
        description=form.cleaned_data["description"],
        created_by=_staff_member(request),
    )
    audit.created_cohort(request.user, cohort)
    messages.success(
        request, "The cohort is created. Share its invite link with participants."
    )
    return redirect("clinic:cohort", cohort.pk)


@staff_view(VIEW_SUBMISSIONS)
@require_GET
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    found = cohort_for_staff(pk)
    [summary] = cohorts.summaries(Cohort.objects.filter(pk=found.pk))
    return render(
        request,
        "clinic/cohort.html",
        {
            "nav": "cohorts",
            "cohort": found,
            "summary": summary,
            "invite_link": cohorts.invite_link(found),
            "heatmaps": cohorts.cohort_heatmaps(found),
        },
    )


def _export(
    request: HttpRequest,
    name: str,
    produce: Callable[[QuerySet[Assessment]], Iterator[str]],
    content_type: str,
) -> HttpResponseBase:
    filters = SubmissionFilters.from_query(request.GET)
    rows = filters.apply(submitted_assessments())
    audit.exported(request.user, name, filters.describe())
    response = StreamingHttpResponse(produce(rows), content_type=content_type)
    stem, extension = name.rsplit(".", 1)
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="{stem}-{stamp}.{extension}"'
    )
    return response


@staff_view(EXPORT_SUBMISSIONS)
@require_GET
def export_submissions_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(
        request, "submissions.csv", exports.submissions_csv, "text/csv; charset=utf-8"
    )


@staff_view(EXPORT_SUBMISSIONS)
@require_GET
def export_answers_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(
        request, "answers.csv", exports.answers_csv, "text/csv; charset=utf-8"
    )


@staff_view(EXPORT_SUBMISSIONS)
@require_GET
def export_submissions_json(request: HttpRequest) -> HttpResponseBase:
    return _export(
        request, "submissions.json", exports.submissions_json, "application/json"
    )


@superuser_view
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    events = AuditEvent.objects.order_by("-created_at", "-pk")
    if action in AuditAction.values:
        events = events.filter(action=action)
    else:
        action = ""
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/audit.html",
        {
            "nav": "audit",
            "page": page,
            "action": action,
            "actions": AuditAction.choices,
        },
    )
