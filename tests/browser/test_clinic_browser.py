"""An adviser's day in the clinic workspace, in a real browser.

Sign in, filter the submissions (htmx swaps the table and the address
follows), open one, review it, write a note, validate a level, create a
cohort, and see its heatmap fill once a participant who followed the
invite link submits. The dashboard, a submission and a cohort page are
checked with axe-core, and no page may report a script error or a
Content Security Policy violation.
"""

import random
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from assessment import journey
from assessment.journey import AnswerInput
from clinic.demo import answers_for, profile, seed
from clinic.models import (
    CohortMembership,
    LevelValidation,
    Review,
    ReviewerNote,
    ReviewStatus,
)
from tests.browser.test_journey_browser import check_accessibility, fill_start_form
from tests.clinic_support import PASSWORD, staff_member

pytestmark = pytest.mark.browser

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def submissions(questionnaire):
    report = seed(24, cohorts=0, seed=5)
    if not report.questionnaire:
        pytest.skip("the clinic's demo data needs the full questionnaire")
    staff_member("ana", first_name="Ana")
    return report


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/clinic/")
    assert "/clinic/login/" in page.url
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    expect(page.locator("h1")).to_have_text("Submissions")


def submit_through_invite(browser: Browser, link: str, questionnaire: str) -> None:
    """A participant starts from the invite link; their answers follow."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(link)
    expect(page.locator(".notice")).to_contain_text("You are joining")
    fill_start_form(page, questionnaire)
    expect(page.locator("#private-link")).to_be_visible()
    context.close()

    assessment = CohortMembership.objects.get().assessment
    version = assessment.questionnaire_version.questionnaire
    rng = random.Random(4)
    drawn = answers_for(version, profile(version, rng), rng)
    journey.save_answers(
        assessment,
        {
            question_id: AnswerInput(value.choices, value.special, value.text)
            for question_id, (value, _note, _evidence) in drawn.items()
        },
    )
    journey.submit(assessment)


def test_an_adviser_reviews_validates_and_runs_a_cohort(
    browser: Browser, live_server, settings, questionnaire, submissions, console
):
    # Invite links are built from SITE_URL; here that is the live server.
    settings.SITE_URL = live_server.url
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = console.watch(context.new_page())
    base = live_server.url

    sign_in(page, base)
    check_accessibility(page)

    # Filtering swaps the table in place: the page itself stays loaded.
    page.evaluate("window.stillTheSamePage = true")
    before = page.locator(".submissions__count").inner_text()
    page.select_option("#f-status", "new")
    expect(page).to_have_url(re.compile(r"/clinic/\?status=new$"))
    expect(page.locator(".submissions__count")).not_to_have_text(before)
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator("#filter-status")).to_contain_text("match these filters")

    page.click("th a.sort-link:has-text('Organisation')")
    expect(page).to_have_url(re.compile(r"status=new&sort=organisation"))
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Organisation")
    assert page.evaluate("window.stillTheSamePage") is True
    page.select_option("#f-status", "")
    expect(page).to_have_url(re.compile(r"/clinic/\?sort=organisation$"))

    # Two rows ticked compare side by side, the earlier one as A.
    boxes = page.locator("#submissions tbody input[name=pick]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("button:has-text('Compare the two ticked')")
    expect(page).to_have_url(re.compile(r"/clinic/compare/\?a=\d+&b=\d+$"))
    expect(page.locator(".compare-sides")).to_be_visible()
    check_accessibility(page)
    page.go_back()
    expect(page.locator("h1")).to_have_text("Submissions")

    page.locator("#submissions tbody th a").first.click()
    expect(page.locator("h2#review-title")).to_be_visible()
    check_accessibility(page)
    submission_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    page.select_option("#id_status", "in_review")
    page.select_option("#id_assignee", label="Ana")
    page.click("#review button:has-text('Save')")
    expect(page.locator(".review-panel__saved")).to_have_text("The review is updated.")
    review = Review.objects.get(assessment_id=submission_id)
    assert review.status == ReviewStatus.IN_REVIEW
    assert review.assignee is not None

    page.fill("#id_text", "Call booked; start with monitoring.")
    page.click("button:has-text('Add the note')")
    expect(page.locator(".notes")).to_contain_text("start with monitoring")
    assert ReviewerNote.objects.filter(assessment_id=submission_id).count() == 1

    page.select_option("#id_dimension", "monitoring")
    page.select_option("#id_level", "1")
    page.fill("#id_reason", "Dashboards exist but nobody watches them.")
    page.click("button:has-text('Record the validated level')")
    expect(page.locator(".message--success")).to_contain_text("validated at level 1")
    latest = LevelValidation.objects.filter(assessment_id=submission_id)
    assert latest.latest("created_at").dimension == "monitoring"

    # The report, rendered here as the request ends; the page polls for it.
    settings.TASKS = IMMEDIATE
    page.click("a:has-text('Get the PDF report')")
    expect(page.locator("h1")).to_have_text("PDF readiness report")
    expect(page.locator("#report-status")).to_contain_text(
        "The report is ready.", timeout=20_000
    )
    check_accessibility(page)
    with page.expect_download() as download:
        page.click("a:has-text('Download the PDF report')")
    reader = PdfReader(download.value.path())
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Dashboards exist but nobody watches them." in text
    page.click("a:has-text('Back to the submission')")

    page.click(".staff-nav >> text=Cohorts")
    page.fill("#id_name", "Leeds MLOps clinic")
    page.fill("#id_date", "2026-05-04")
    page.click("button:has-text('Create the cohort')")
    expect(page.locator("h1")).to_have_text("Leeds MLOps clinic")
    expect(page.locator(".notice")).to_contain_text("Nobody in this cohort")
    link = page.input_value("#invite-link")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("[data-copy=invite-link]")
    expect(page.locator("[data-copied-for=invite-link]")).to_have_text(
        "Invite link copied."
    )
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert re.fullmatch(rf"{base}/join/[A-Za-z0-9_-]{{32}}/", link)

    submit_through_invite(browser, link, questionnaire)
    page.reload()
    expect(page.locator("table.heatmap tbody tr")).to_have_count(1)
    levels = page.locator("table.heatmap tbody td.heat").all_inner_texts()
    assert len(levels) == 10
    assert all(text.strip()[0] in "01234–" for text in levels)
    expect(page.locator("table.distribution")).to_be_visible()
    check_accessibility(page)

    context.close()
    assert console.problems == []
