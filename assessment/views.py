"""The respondent's pages: landing, start, answering, review and results.

Everything about one assessment lives under ``/a/<token>/``: the token
in the link is the only key (see ``access.py``), and every private
response is marked ``no-store`` so no shared cache or back button keeps
an organisation's answers.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic import cohorts
from clinic.access import cohort_for_invite
from clinic.validation import validated_levels
from config.requests import HtmxHttpRequest
from hub.content import render_markdown

from . import journey
from .access import assessment_for_token
from .answers import InvalidAnswerError
from .display import question_view, question_views, results_page
from .forms import StartForm, read_answer
from .journey import AnswerInput, AssessmentLockedError, NotSubmittedError
from .models import Assessment, AssessmentResult, QuestionnaireVersion
from .schema import Dimension, Questionnaire

logger = logging.getLogger(__name__)

SCORING_DOC = Path(settings.BASE_DIR) / "docs" / "scoring.md"

LOCKED_MESSAGE = (
    "This assessment has been submitted, so its answers are locked. "
    "To change an answer, start a revision from the results page."
)


def _published() -> list[QuestionnaireVersion]:
    """The newest version of each questionnaire, the quick check first."""
    versions = QuestionnaireVersion.objects.newest_of_each()
    return sorted(versions, key=lambda v: (v.kind != "quick", v.title))


def _dimension(questionnaire: Questionnaire, dimension_id: str) -> Dimension:
    try:
        return questionnaire.dimensions_by_id[dimension_id]
    except KeyError:
        raise Http404("No such dimension") from None


def _private_link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("assessment:resume", args=[token]))


def _locked(request: HttpRequest, assessment: Assessment, token: str) -> HttpResponse:
    return render(
        request,
        "assessment/locked.html",
        {"assessment": assessment, "token": token, "message": LOCKED_MESSAGE},
        status=409,
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessment/home.html",
        {"nav": "assessment", "questionnaires": _published()},
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "assessment/privacy.html", {"nav": "assessment"})


@require_GET
def scoring(request: HttpRequest) -> HttpResponse:
    try:
        source = SCORING_DOC.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Http404("The scoring method is not written up yet") from None
    # The file opens with its title as "# ..."; the page sets it as its
    # heading, since the hub's Markdown allows no first-level headings.
    first, _, rest = source.partition("\n")
    title = first.removeprefix("# ").strip() if first.startswith("# ") else ""
    html, toc, _links = render_markdown(rest if title else source)
    return render(
        request,
        "assessment/scoring.html",
        {
            "nav": "assessment",
            "title": title or "How your scores are computed",
            "html": html,
            "toc": toc,
        },
    )


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "assessment/deleted.html", {"nav": "assessment"})


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    versions = _published()
    if request.method == "POST":
        form = StartForm(request.POST, versions=versions)
        if form.is_valid():
            # An assessment started from a cohort's invite link is tagged
            # with the cohort, or not started at all.
            with transaction.atomic():
                assessment, token = journey.start_assessment(
                    organisation_name=form.cleaned_data["organisation_name"],
                    sector=form.cleaned_data["sector"],
                    size=form.cleaned_data["size"],
                    respondent_role=form.cleaned_data["respondent_role"],
                    version=form.chosen_version,
                )
                if form.cleaned_data["cohort"]:
                    cohorts.join(assessment, form.cleaned_data["cohort"])
            if form.cleaned_data["email"]:
                _email_link(request, assessment, token, form.cleaned_data["email"])
            return redirect("assessment:link", token)
        cohort = form.cleaned_data.get("cohort")
    else:
        chosen = request.GET.get("questionnaire")
        if chosen not in {v.slug for v in versions}:
            chosen = versions[0].slug if versions else None
        cohort = cohort_for_invite(request.GET.get("cohort", ""))
        form = StartForm(
            initial={
                "questionnaire": chosen,
                "cohort": cohort.code if cohort else "",
            },
            versions=versions,
        )
    return render(
        request,
        "assessment/start.html",
        {
            "nav": "assessment",
            "form": form,
            "versions": versions,
            "cohort": cohort,
        },
        status=400 if form.errors else 200,
    )


def _email_link(
    request: HttpRequest, assessment: Assessment, token: str, email: str
) -> None:
    # The address is used for this one message and never stored. The link
    # is built from SITE_URL, not from the request's Host header, so a
    # forged header cannot send someone a link to another site.
    link = settings.SITE_URL + reverse("assessment:resume", args=[token])
    title = assessment.questionnaire_version.title
    body = (
        f"Here is the private link to your {title} for "
        f"{assessment.organisation.name}:\n\n{link}\n\n"
        "Anyone with this link can read and change the answers, so keep it "
        "to yourself and the people you answer with. We cannot send it again: "
        "we keep only a fingerprint of it, not the link itself.\n"
    )
    try:
        send_mail(f"Your private link: {title}", body, None, [email])
    except OSError:
        logger.warning("could not send a private-link email", exc_info=True)
        messages.warning(
            request,
            "We could not send the email. Copy the link below instead.",
        )
    else:
        messages.success(request, "We sent the link to your email address.")


@never_cache
@require_GET
def link(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    return render(
        request,
        "assessment/link.html",
        {
            "assessment": assessment,
            "token": token,
            "private_link": _private_link(request, token),
            "has_answers": assessment.answers.exists(),
        },
    )


@never_cache
@require_GET
def resume(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if assessment.status == Assessment.Status.SUBMITTED:
        return redirect("assessment:results", token)
    questionnaire = assessment.questionnaire_version.questionnaire
    incomplete = journey.progress(
        questionnaire, journey.stored_inputs(assessment)
    ).first_incomplete()
    if incomplete is None:
        return redirect("assessment:review", token)
    return redirect("assessment:dimension", token, incomplete.id)


@never_cache
@require_http_methods(["GET", "POST"])
def dimension(request: HttpRequest, token: str, dimension_id: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    questionnaire = assessment.questionnaire_version.questionnaire
    current = _dimension(questionnaire, dimension_id)
    if assessment.status == Assessment.Status.SUBMITTED:
        if request.method == "POST":
            return _locked(request, assessment, token)
        return redirect("assessment:results", token)

    stored = journey.stored_inputs(assessment)
    if request.method == "POST":
        return _save_page(request, assessment, token, current, stored)
    return _answer_page(request, assessment, token, current, stored)


def _answer_page(
    request: HttpRequest,
    assessment: Assessment,
    token: str,
    current: Dimension,
    answers: dict[str, AnswerInput],
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    questionnaire = assessment.questionnaire_version.questionnaire
    progress = journey.progress(questionnaire, answers)
    views = question_views(questionnaire, current.id, answers, progress.visible, errors)
    dimension_ids = [d.id for d in questionnaire.dimensions]
    return render(
        request,
        "assessment/dimension.html",
        {
            "assessment": assessment,
            "token": token,
            "questionnaire": questionnaire,
            "dimension": current,
            "position": dimension_ids.index(current.id) + 1,
            "questions": views,
            "errors": [view for view in views if view.error],
            "progress": progress,
            "previous_dimension": journey.previous_dimension(questionnaire, current.id),
            "next_dimension": journey.next_dimension(questionnaire, current.id),
        },
        status=400 if errors else 200,
    )


def _save_page(
    request: HttpRequest,
    assessment: Assessment,
    token: str,
    current: Dimension,
    stored: dict[str, AnswerInput],
) -> HttpResponse:
    """Save a whole page, then move on.

    Nothing is stored unless every answer on the page is valid; the page
    comes back with the respondent's choices and an error summary. With
    JavaScript the page names the questions changed on it (``edited``),
    already autosaved, and only those are read: the rest of the page may
    be older than what another tab on the same link has saved since.
    """
    questionnaire = assessment.questionnaire_version.questionnaire
    visible_before = journey.progress(questionnaire, stored).visible
    edited = request.POST.get("edited")
    edited_ids = None if edited is None else set(edited.split())
    posted: dict[str, AnswerInput] = {}
    errors: dict[str, str] = {}
    for question in questionnaire.questions_in(current.id):
        if question.id not in visible_before:
            continue
        if edited_ids is not None and question.id not in edited_ids:
            continue
        try:
            posted[question.id] = read_answer(request.POST, question)
            journey.check_input(question, posted[question.id])
        except InvalidAnswerError as error:
            errors[question.id] = str(error).capitalize()
    if errors:
        return _answer_page(
            request, assessment, token, current, {**stored, **posted}, errors
        )

    changed = {qid: a for qid, a in posted.items() if stored.get(qid) != a}
    try:
        journey.save_answers(assessment, changed)
    except AssessmentLockedError:
        return _locked(request, assessment, token)

    after = journey.progress(questionnaire, {**stored, **changed})
    appeared = [
        question
        for question in after.for_dimension(current.id).unanswered
        if question.id not in visible_before
    ]
    page = reverse("assessment:dimension", args=[token, current.id])
    if appeared:
        messages.info(
            request,
            "Your answers opened "
            + ("a follow-up question" if len(appeared) == 1 else "follow-up questions")
            + " on this page.",
        )
        return redirect(f"{page}#question-{appeared[0].id}")

    messages.success(request, f"Your answers on {current.name} are saved.")
    action = request.POST.get("action", "next")
    if action == "stay":
        return redirect(page)
    if action == "later":
        return redirect("assessment:link", token)
    if action == "previous":
        before = journey.previous_dimension(questionnaire, current.id)
        return redirect("assessment:dimension", token, (before or current).id)
    following = journey.next_dimension(questionnaire, current.id)
    if action == "review" or following is None:
        return redirect("assessment:review", token)
    return redirect("assessment:dimension", token, following.id)


@never_cache
@require_POST
def answer(request: HtmxHttpRequest, token: str, question_id: str) -> HttpResponse:
    """Autosave one question's answer (htmx), returning its saved state.

    The response is the question's status line, plus out-of-band updates
    of the progress and of any question on the page that the new answer
    showed or hid. The inputs themselves are never swapped, so a choice
    made while a save is in flight is not overwritten by its response.
    """
    assessment = assessment_for_token(token)
    questionnaire = assessment.questionnaire_version.questionnaire
    question = questionnaire.questions_by_id.get(question_id)
    if question is None:
        raise Http404("No such question")
    context = {"token": token, "view": question_view(question, None, True)}
    if assessment.status == Assessment.Status.SUBMITTED:
        return _status(request, context, LOCKED_MESSAGE, 409)
    try:
        posted = journey.check_input(question, read_answer(request.POST, question))
    except InvalidAnswerError as error:
        return _status(request, context, f"Not saved: {error}.", 400)
    try:
        saved = journey.save_answers(assessment, {question.id: posted})
    except AssessmentLockedError:
        return _status(request, context, LOCKED_MESSAGE, 409)

    progress = journey.progress(questionnaire, saved.after)
    changed = saved.visibility_changes(questionnaire)
    updated = [
        question_view(q, saved.after.get(q.id), q.id in progress.visible)
        for q in questionnaire.questions_in(question.dimension)
        if q.id in changed
    ]
    appeared = sum(view.visible for view in updated)
    return render(
        request,
        "assessment/autosaved.html",
        {
            **context,
            "assessment": assessment,
            "questionnaire": questionnaire,
            "dimension": questionnaire.dimensions_by_id[question.dimension],
            "progress": progress,
            "updated": updated,
            "appeared": appeared,
        },
    )


def _status(
    request: HttpRequest, context: dict[str, object], message: str, status: int
) -> HttpResponse:
    return render(
        request,
        "assessment/autosaved.html",
        {**context, "error": message},
        status=status,
    )


@never_cache
@require_GET
def review(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if assessment.status == Assessment.Status.SUBMITTED:
        return redirect("assessment:results", token)
    questionnaire = assessment.questionnaire_version.questionnaire
    answers = journey.stored_inputs(assessment)
    progress = journey.progress(questionnaire, answers)
    return render(
        request,
        "assessment/review.html",
        {
            "assessment": assessment,
            "token": token,
            "questionnaire": questionnaire,
            "progress": progress,
            "dont_know": [
                question
                for question in questionnaire.questions
                if question.id in progress.visible
                and question.id in answers
                and answers[question.id].special == "dont_know"
            ],
        },
    )


@never_cache
@require_POST
def submit(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    journey.submit(assessment)
    return redirect("assessment:results", token)


@never_cache
@require_GET
def results(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if assessment.status != Assessment.Status.SUBMITTED:
        return redirect("assessment:review", token)
    questionnaire = assessment.questionnaire_version.questionnaire
    stored = {
        result.assessment_id: result
        for result in AssessmentResult.objects.filter(
            assessment_id__in=[assessment.pk, assessment.previous_id or 0]
        ).select_related("assessment")
    }
    result = stored[assessment.pk]
    previous = stored.get(assessment.previous_id or 0)
    page = results_page(
        questionnaire,
        result.scores,
        assessment.targets,
        assessment.answer_values(),
        previous.scores if previous else None,
        validated=validated_levels(assessment),
    )
    return render(
        request,
        "assessment/results.html",
        {
            "assessment": assessment,
            "token": token,
            "questionnaire": questionnaire,
            "result": result,
            "page": page,
            "previous": previous,
            "levels": questionnaire.levels,
            "request_key": secrets.token_urlsafe(24),
        },
    )


@never_cache
@require_POST
def targets(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    questionnaire = assessment.questionnaire_version.questionnaire
    chosen = {
        dimension.id: request.POST.get(f"target-{dimension.id}", "")
        for dimension in questionnaire.dimensions
    }
    try:
        journey.set_targets(assessment, journey.parse_targets(questionnaire, chosen))
    except ValueError as error:
        return HttpResponse(
            f"Targets not saved: {error}.", status=400, content_type="text/plain"
        )
    messages.success(request, "Your target levels are saved.")
    return redirect(reverse("assessment:results", args=[token]) + "#targets")


# The random key a follow-up form carries (see journey.follow_up_token).
REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")


@never_cache
@require_POST
def retake(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_up(request, token, journey.retake)


@never_cache
@require_POST
def revise(request: HttpRequest, token: str) -> HttpResponse:
    return _follow_up(request, token, journey.revise)


def _follow_up(
    request: HttpRequest,
    token: str,
    create: Callable[[Assessment, str | None], tuple[Assessment, str]],
) -> HttpResponse:
    assessment = assessment_for_token(token)
    key = request.POST.get("request_key", "")
    try:
        _draft, new_token = create(
            assessment, key if REQUEST_KEY.fullmatch(key) else None
        )
    except NotSubmittedError:
        return HttpResponse(
            "Only a submitted assessment can be retaken or revised.",
            status=409,
            content_type="text/plain",
        )
    messages.success(
        request,
        "A new assessment has been created from your answers. It has its own "
        "private link: keep this one too.",
    )
    return redirect("assessment:link", new_token)


@never_cache
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if request.method == "POST":
        journey.delete_assessment(assessment)
        return redirect("assessment:deleted")
    return render(
        request,
        "assessment/delete.html",
        {
            "assessment": assessment,
            "token": token,
            "others": assessment.organisation.assessments.exclude(
                pk=assessment.pk
            ).count(),
        },
    )
