"""The report page in a real browser: it polls until the PDF is ready."""

import pytest
from playwright.sync_api import Browser, expect

from assessment.journey import AnswerInput, save_answers, start_assessment, submit
from assessment.models import Report
from assessment.report_queue import request_report
from assessment.tasks import render_report
from tests.browser.test_journey_browser import check_accessibility
from tests.journey_support import store_tiny

pytestmark = pytest.mark.browser


def test_the_report_page_updates_itself_and_downloads_the_pdf(
    browser: Browser, live_server, transactional_db, console, tmp_path
):
    version = store_tiny()
    assessment, token = start_assessment(
        organisation_name="Acme Analytics",
        sector="technology",
        size="small",
        respondent_role="ml_engineer",
        version=version,
    )
    save_answers(assessment, {"data-store": AnswerInput(choices=("shared",))})
    submit(assessment)
    report = request_report(assessment)
    context = browser.new_context(accept_downloads=True)
    page = console.watch(context.new_page())

    page.goto(f"{live_server.url}/a/{token}/report/")
    expect(page.get_by_text("Preparing your report")).to_be_visible()
    check_accessibility(page)

    # A worker picks the job up while the page is open.
    render_report.call(report.pk)

    expect(page.get_by_text("Your report is ready.")).to_be_visible(timeout=10_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF report").click()
    saved = tmp_path / "report.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert Report.objects.get(pk=report.pk).status == Report.Status.READY
    check_accessibility(page)
    # The page would go on polling the live server after the test ends.
    context.close()
    assert console.problems == []
