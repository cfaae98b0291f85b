"""Staff get any submission's PDF report, with the levels they validated."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Report
from clinic.models import AuditAction, AuditEvent
from clinic.validation import record_validation
from tests.clinic_support import signed_in, staff_member, submission
from tests.journey_support import store_tiny

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_staff_download_a_report_that_shows_the_validated_level(settings, committed):
    settings.TASKS = IMMEDIATE
    adviser = staff_member("ana", first_name="Ana")
    assessment = submission(store_tiny(), "Alpha Ltd")
    record_validation(
        assessment,
        assessment.questionnaire_version.questionnaire,
        dimension="data",
        level=2,
        reason="Versioned snapshots seen at the clinic",
        author=adviser,
    )
    client = signed_in(adviser)

    with committed():
        client.get(reverse("clinic:report", args=[assessment.pk]))
    page = client.get(reverse("clinic:report", args=[assessment.pk]))
    download = client.get(reverse("clinic:report_pdf", args=[assessment.pk]))

    assert "The report is ready." in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    text = pdf_text(download.content)
    assert "Alpha Ltd" in text
    assert "Validated by an adviser: level 2 ·" in text
    assert "(Ana," in text
    assert "Versioned snapshots seen at the clinic" in text
    assert AuditEvent.objects.filter(
        action=AuditAction.DOWNLOADED_REPORT, assessment=assessment
    ).exists()


def test_a_new_validation_makes_a_new_report_for_the_respondent_too(
    settings, committed
):
    settings.TASKS = IMMEDIATE
    adviser = staff_member()
    assessment = submission(store_tiny(), "Alpha Ltd")
    client = signed_in(adviser)
    with committed():
        client.get(reverse("clinic:report", args=[assessment.pk]))
    [before] = Report.objects.filter(assessment=assessment)

    record_validation(
        assessment,
        assessment.questionnaire_version.questionnaire,
        dimension="monitoring",
        level=1,
        reason="Alerts exist but nobody owns them",
        author=adviser,
    )
    with committed():
        client.get(reverse("clinic:report", args=[assessment.pk]))

    reports = list(Report.objects.filter(assessment=assessment).order_by("pk"))
    assert len(reports) == 2
    assert reports[0].pk == before.pk
    assert reports[1].status == Report.Status.READY
    assert "Alerts exist but nobody owns them" in pdf_text(bytes(reports[1].pdf or b""))


def test_while_pending_the_staff_page_polls_and_the_download_waits():
    assessment = submission(store_tiny(), "Alpha Ltd")
    client = signed_in(staff_member())
    url = reverse("clinic:report", args=[assessment.pk])

    body = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    download = client.get(reverse("clinic:report_pdf", args=[assessment.pk]))

    assert "Preparing the report" in body
    assert 'hx-trigger="every 2s"' in body
    assert 'http-equiv="refresh"' in body
    assert partial.lstrip().startswith('<div id="report-status"')
    assert download.status_code == 302
    assert download["Location"] == url
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOADED_REPORT).exists()


def test_a_failed_report_can_be_retried_by_staff(settings, committed, monkeypatch):
    settings.TASKS = IMMEDIATE
    assessment = submission(store_tiny(), "Alpha Ltd")
    client = signed_in(staff_member())
    url = reverse("clinic:report", args=[assessment.pk])

    def broken(_content):
        raise RuntimeError("layout failed")

    monkeypatch.setattr("assessment.tasks.render_pdf", broken)
    with committed():
        client.get(url)
    failed = client.get(url).content.decode()
    monkeypatch.undo()
    with committed():
        retried = client.post(reverse("clinic:report_retry", args=[assessment.pk]))

    assert "could not be made" in failed
    assert "RuntimeError" in failed
    assert "layout failed" not in failed
    assert retried.status_code == 302
    assert Report.objects.get(assessment=assessment).status == Report.Status.READY


def test_drafts_have_no_staff_report():
    client = signed_in(staff_member())
    assert client.get(reverse("clinic:report", args=[99999])).status_code == 404
    anonymous = Client().get(reverse("clinic:report_pdf", args=[99999]))
    assert anonymous.status_code == 302
