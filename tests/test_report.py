"""The PDF readiness report: content, links, pages, and rendering once."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessment import report as report_module
from assessment import report_queue
from assessment.journey import AnswerInput, save_answers, start_assessment, submit
from assessment.models import Report
from assessment.report import StaticOnlyFetcher, render_pdf, report_content
from assessment.report_queue import request_report
from assessment.schema import QuestionType
from assessment.versions import load_questionnaires, sync
from tests.journey_support import start, store_tiny

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SITE = "https://assess.example.org"


def submitted_full_assessment(name: str = "Northwind <Analytics> & Co"):
    outcome = sync(load_questionnaires())
    [version] = [v for v in outcome.created if v.slug == "mlops-maturity"]
    q = version.questionnaire
    assessment, _ = start_assessment(
        organisation_name=name,
        sector="retail",
        size="medium",
        respondent_role="ml_engineer",
        version=version,
    )
    answers = {}
    for index, question in enumerate(q.questions):
        if question.type is QuestionType.FREE_TEXT:
            answers[question.id] = AnswerInput(
                text="Data access <approval> takes months"
            )
        elif question.type is QuestionType.MULTIPLE_CHOICE:
            answers[question.id] = AnswerInput(choices=(question.options[0].id,))
        else:
            option = question.options[index % len(question.options)]
            answers[question.id] = AnswerInput(
                choices=(option.id,),
                note="Owner: the <b>data</b> team" if index == 3 else "",
                evidence="See the runbook" if index == 4 else "",
            )
    save_answers(assessment, answers)
    result = submit(assessment)
    return assessment, result


def test_the_full_report_carries_everything_with_working_links(tmp_path, settings):
    settings.SITE_URL = SITE
    assessment, result = submitted_full_assessment()
    content = report_content(assessment, result, site_url=SITE)

    pdf = render_pdf(content)

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Northwind <Analytics> & Co" in flat
    assert f"Level {result.level}" in flat
    for dimension in content.questionnaire.dimensions:
        assert dimension.name in flat, dimension.name
    assert "Roadmap" in flat
    assert "Next 30 days" in flat
    assert "Appendix: every answer" in flat
    assert "Data access <approval> takes months" in flat
    assert "Owner: the <b>data</b> team" in flat
    assert "See the runbook" in flat
    assert result.content_hash in flat

    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    assert len(links) >= 20
    client = Client()
    for link in set(links):
        assert link.startswith(SITE + "/"), link
        path = link.removeprefix(SITE)
        assert client.get(path).status_code == 200, path

    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Executive summary" in outline
    assert "Roadmap" in outline
    metadata = reader.metadata
    assert metadata is not None
    assert metadata.title == "MLOps readiness report – Northwind <Analytics> & Co"
    assert str(reader.root_object["/Lang"]) == "en"

    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True
    )
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(reader.pages) >= 10


def test_the_fetcher_serves_our_static_files_and_refuses_everything_else():
    fetcher = StaticOnlyFetcher()
    stylesheet = Path(str(finders.find("css/report.css")))

    response = fetcher.fetch(stylesheet.as_uri())

    assert response.headers["Content-Type"] == "text/css"
    for url in [
        "https://example.org/tracker.png",
        "http://127.0.0.1:8000/static/css/app.css",
        "file:///etc/passwd",
        (stylesheet.parent / ".." / ".." / ".." / "config" / "settings.py").as_uri(),
        "data:text/plain,hello",
    ]:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the work a view defers until its transaction commits, as it
    would run outside the test's own transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def tiny_submission(client: Client, committed):
    store_tiny()
    respondent = start(client)
    respondent.autosave("data-store", answer="shared")
    respondent.autosave("mon-any", answer="manual")
    with committed():
        client.post(respondent.url("submit"))
    return respondent


def test_a_submission_renders_its_report_once_in_the_background(settings, committed):
    settings.TASKS = IMMEDIATE
    client = Client()
    respondent = tiny_submission(client, committed)

    [report] = Report.objects.all()
    assert report.status == Report.Status.READY
    assert bytes(report.pdf or b"").startswith(b"%PDF")
    assert report.attempts == 1

    with committed():
        again = request_report(respondent.assessment)
    assert again.pk == report.pk
    assert Report.objects.get().attempts == 1


def test_the_download_is_a_named_pdf(settings, committed):
    settings.TASKS = IMMEDIATE
    client = Client()
    respondent = tiny_submission(client, committed)

    response = client.get(respondent.url("report_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "mlops-readiness-report-acme-analytics-" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_while_pending_the_page_polls_and_the_download_waits(committed):
    client = Client()
    respondent = tiny_submission(client, committed)  # tasks are only recorded here

    page = client.get(respondent.url("report"))
    body = page.content.decode()
    assert "Preparing your report" in body
    assert 'hx-trigger="every 2s"' in body
    assert 'http-equiv="refresh"' in body

    partial = client.get(respondent.url("report"), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="report-status"')

    download = client.get(respondent.url("report_pdf"))
    assert download.status_code == 302
    assert download["Location"] == respondent.url("report")


def test_a_failed_render_is_shown_honestly_and_can_be_retried(
    settings, monkeypatch, committed
):
    settings.TASKS = IMMEDIATE
    client = Client()

    def broken(content):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr("assessment.tasks.render_pdf", broken)
    respondent = tiny_submission(client, committed)
    report = Report.objects.get()
    assert report.status == Report.Status.FAILED
    assert report.error == "RuntimeError"
    assert (
        "could not prepare your report"
        in client.get(respondent.url("report")).content.decode()
    )

    monkeypatch.setattr("assessment.tasks.render_pdf", render_pdf)
    with committed():
        client.post(respondent.url("report_retry"))

    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert report.attempts == 2


def test_an_abandoned_render_is_picked_up_again(settings, committed):
    client = Client()
    respondent = tiny_submission(client, committed)
    report = Report.objects.get()
    # A worker claimed it, then died.
    attempt = report_queue.claim(report.pk)
    long_ago = timezone.now() - report_queue.RENDER_LEASE * 2
    Report.objects.filter(pk=report.pk).update(started_at=long_ago)
    settings.TASKS = IMMEDIATE

    with committed():
        request_report(respondent.assessment)

    report.refresh_from_db()
    assert report.status == Report.Status.READY
    assert report.attempts == 2
    # The dead worker's late result can no longer overwrite the new one.
    assert attempt == 1
    assert not report_queue.finish(report.pk, attempt, b"%PDF-corrupt", 1)
    assert bytes(Report.objects.get().pdf or b"") != b"%PDF-corrupt"


def test_new_inputs_make_a_new_report(monkeypatch, committed):
    client = Client()
    respondent = tiny_submission(client, committed)
    first = Report.objects.get()

    monkeypatch.setattr(
        report_module, "TEMPLATE_VERSION", report_module.TEMPLATE_VERSION + 1
    )
    second = request_report(respondent.assessment)

    assert second.pk != first.pk
    assert Report.objects.count() == 2


def test_a_draft_has_no_report_and_strangers_get_nothing():
    client = Client()
    store_tiny()
    respondent = start(client)

    assert client.get(respondent.url("report")).status_code == 302
    assert client.get(respondent.url("report_pdf")).status_code == 302
    stranger = "x" * 43
    assert (
        client.get(reverse("assessment:report_pdf", args=[stranger])).status_code == 404
    )
    assert (
        client.post(reverse("assessment:report_retry", args=[stranger])).status_code
        == 404
    )
