"""The respondent's report page and PDF download, behind the private link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from config.requests import HtmxHttpRequest

from .access import assessment_for_token
from .models import Assessment, Report
from .report_queue import request_report

POLL_SECONDS = 2


def pdf_response(report: Report, assessment: Assessment) -> HttpResponse:
    """The stored PDF as a download, named after the organisation and date."""
    name = slugify(assessment.organisation.name)[:60] or "organisation"
    date = assessment.submitted_at.date().isoformat() if assessment.submitted_at else ""
    response = HttpResponse(bytes(report.pdf or b""), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="mlops-readiness-report-{name}-{date}.pdf"'
    )
    return response


@never_cache
@require_GET
def report(request: HtmxHttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if assessment.status != Assessment.Status.SUBMITTED:
        return redirect("assessment:review", token)
    current = request_report(assessment)
    context = {
        "assessment": assessment,
        "token": token,
        "report": current,
        "waiting": current.status in {Report.Status.PENDING, Report.Status.RENDERING},
        "poll_seconds": POLL_SECONDS,
    }
    template = (
        "assessment/report_page.html#status"
        if request.htmx
        else "assessment/report_page.html"
    )
    return render(request, template, context)


@never_cache
@require_GET
def report_pdf(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if assessment.status != Assessment.Status.SUBMITTED:
        return redirect("assessment:review", token)
    current = request_report(assessment)
    if current.status != Report.Status.READY:
        return redirect("assessment:report", token)
    return pdf_response(current, assessment)


@never_cache
@require_POST
def report_retry(request: HttpRequest, token: str) -> HttpResponse:
    assessment = assessment_for_token(token)
    if assessment.status == Assessment.Status.SUBMITTED:
        request_report(assessment, retry=True)
    return redirect("assessment:report", token)
