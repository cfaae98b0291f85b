"""The whole journey in a real browser, with and without JavaScript.

Every page on the way is checked with axe-core, taken from the
axe-playwright-python package, and no page may report a Content Security
Policy violation or a script error.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from assessment.models import Answer, Assessment, AssessmentResult

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}
LINK = re.compile(r"/a/[A-Za-z0-9_-]{43}/$")

axe = Axe()


def check_accessibility(page: Page) -> None:
    violations = [
        violation
        for violation in axe.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    for violation in violations:
        print(page.url, violation["id"], violation["help"])
        for node in violation["nodes"]:
            print("   ", node["target"], node["failureSummary"])
    assert violations == [], page.url


def fill_start_form(page: Page, questionnaire: str) -> None:
    page.fill("#id_organisation_name", "Acme Analytics")
    page.select_option("#id_sector", "technology")
    page.select_option("#id_size", "medium")
    page.select_option("#id_respondent_role", "engineering_lead")
    page.check(f"input[name=questionnaire][value={questionnaire}]")
    page.check("#id_consent")
    page.click("button:has-text('Start')")


def start_answering(page: Page, live_server, questionnaire: str) -> None:
    """Start an assessment from the start form and open its first page."""
    page.goto(f"{live_server.url}/start/?questionnaire={questionnaire}")
    fill_start_form(page, questionnaire)
    page.click("text=Start answering")


def answer_with_saves_routed(page: Page, handler) -> tuple[str, str]:
    """Answer the page's first unanswered question, its saves going
    through ``handler``; the question's id and the chosen input's id."""
    question_id = unanswered_questions(page)[0]
    page.route(f"**/q/{question_id}/", handler)
    return question_id, choose(page, question_id)


def private_link(page: Page) -> str:
    link = page.input_value("#private-link")
    assert LINK.search(link), link
    return link


def unanswered_questions(page: Page) -> list[str]:
    """Ids of the shown choice questions on the page with nothing chosen."""
    ids = page.eval_on_selector_all(
        ".question:not([hidden])",
        "regions => regions.filter(r => r.querySelector('input')"
        " && !r.querySelector('input:checked')).map(r => r.id.slice(9))",
    )
    return [str(question_id) for question_id in ids]


def choose(page: Page, question_id: str) -> str:
    """Pick the last real option of the question; return the input's id."""
    choice = page.locator(f"#question-{question_id} .choice:not(.choice--special)")
    input_id = choice.last.locator("input").get_attribute("id")
    assert input_id
    page.click(f"label[for='{input_id}']")
    return input_id


def is_dimension_page(page: Page) -> bool:
    return "/d/" in page.url


def answer_with_javascript(page: Page, dimensions: int | None = None) -> int:
    """Answer dimension after dimension; stop at review or after ``dimensions``."""
    answered = 0
    while is_dimension_page(page) and dimensions != answered:
        check_accessibility(page)
        while pending := unanswered_questions(page):
            for question_id in pending:
                input_id = choose(page, question_id)
                expect(page.locator(f"#status-{question_id}")).to_contain_text("Saved")
                # The save swaps only the status line: focus stays put.
                assert page.evaluate("document.activeElement.id") == input_id
        page.click(".form-actions button[value=next]")
        page.wait_for_load_state()
        answered += 1
    return answered


def answer_without_javascript(page: Page, dimensions: int | None = None) -> int:
    answered = 0
    while is_dimension_page(page) and dimensions != answered:
        before = page.url.split("#")[0]
        for question_id in unanswered_questions(page):
            choose(page, question_id)
        page.click(".form-actions button[value=next]")
        page.wait_for_load_state()
        # A page whose answers open follow-up questions comes back to them.
        if page.url.split("#")[0] != before:
            answered += 1
    return answered


def test_the_whole_journey_with_javascript(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context()
    page = console.watch(context.new_page())

    page.goto(live_server.url)
    check_accessibility(page)
    page.goto(f"{live_server.url}/start/?questionnaire={questionnaire}")
    check_accessibility(page)
    page.click("button:has-text('Start')")
    expect(page.locator(".error-summary")).to_be_focused()
    check_accessibility(page)
    fill_start_form(page, questionnaire)
    link = private_link(page)
    check_accessibility(page)
    expect(page.locator("[data-copy]")).to_be_visible()

    page.click("text=Start answering")
    first_half = answer_with_javascript(page, dimensions=2)
    context.close()

    fresh = browser.new_context()
    page = console.watch(fresh.new_page())
    page.goto(link)
    assert is_dimension_page(page)
    assert page.locator("[aria-current=page]").count() == 1
    rest = answer_with_javascript(page)
    assert first_half + rest >= 2
    assert page.url.endswith("/review/")
    check_accessibility(page)
    expect(page.locator("h1")).to_have_text("Review and submit")

    page.click("button:has-text('Submit and see results')")
    expect(page.locator(".headline")).to_contain_text("Overall maturity")
    assert page.locator("svg.chart--bars title").count() == 1
    check_accessibility(page)
    assert AssessmentResult.objects.count() == 1
    assert Assessment.objects.get().status == Assessment.Status.SUBMITTED

    page.click("text=Delete this assessment")
    check_accessibility(page)
    page.click("button:has-text('Delete permanently')")
    expect(page.locator("h1")).to_have_text("The assessment is deleted")
    check_accessibility(page)
    fresh.close()
    assert console.problems == []


def test_the_whole_journey_without_javascript(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context(java_script_enabled=False)
    page = console.watch(context.new_page())

    page.goto(f"{live_server.url}/start/?questionnaire={questionnaire}")
    fill_start_form(page, questionnaire)
    link = private_link(page)
    page.click("text=Start answering")
    first_half = answer_without_javascript(page, dimensions=1)
    expect(page.locator(".message--success")).to_contain_text("are saved")
    context.close()

    fresh = browser.new_context(java_script_enabled=False)
    page = console.watch(fresh.new_page())
    page.goto(link)
    rest = answer_without_javascript(page)
    assert first_half + rest >= 2
    assert page.url.endswith("/review/")
    expect(page.locator("text=Every question is answered.")).to_be_visible()

    page.click("button:has-text('Submit and see results')")
    expect(page.locator(".headline")).to_contain_text("Production readiness")
    assert page.locator("table.data-table tbody tr").count() >= 2
    fresh.close()
    assert console.problems == []


def test_two_tabs_saving_one_page_keep_each_others_answers(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context()
    first = console.watch(context.new_page())
    start_answering(first, live_server, questionnaire)
    second = console.watch(context.new_page())
    second.goto(first.url)

    mine, theirs = unanswered_questions(first)[:2]
    chosen = {}
    for page, question_id in ((first, mine), (second, theirs)):
        input_id = choose(page, question_id)
        chosen[question_id] = [page.get_attribute(f"#{input_id}", "value")]
        expect(page.locator(f"#status-{question_id}")).to_contain_text("Saved")
    for page in (second, first):
        with page.expect_navigation():
            page.click(".form-actions button[value=next]")

    stored = {
        answer.question_id: answer.choices
        for answer in Answer.objects.filter(question_id__in=chosen)
    }
    assert stored == chosen
    context.close()
    assert console.problems == []


def test_a_save_the_server_fails_is_sent_again_and_stored(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context()
    page = console.watch(context.new_page())
    start_answering(page, live_server, questionnaire)
    # The first save meets a server error, as while PostgreSQL restarts.
    failures: list[str] = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, body="Service unavailable")
        else:
            route.continue_()

    question_id, input_id = answer_with_saves_routed(page, fail_once)

    expect(page.locator(f"#status-{question_id}")).to_contain_text("Saved")
    answer = Answer.objects.get(question_id=question_id)
    assert answer.choices == [page.get_attribute(f"#{input_id}", "value")]
    assert len(failures) == 1
    context.close()
    # Chromium and htmx both report the planned 503; nothing else may show.
    assert [p for p in console.problems if "503" not in p] == []


def test_a_save_that_keeps_failing_says_it_was_not_saved(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context()
    page = console.watch(context.new_page())
    start_answering(page, live_server, questionnaire)
    attempts: list[str] = []

    def always_fail(route):
        attempts.append(route.request.url)
        route.fulfill(status=503, body="Service unavailable")

    question_id, _ = answer_with_saves_routed(page, always_fail)

    expect(page.locator(f"#status-{question_id}")).to_contain_text(
        "Not saved", timeout=10_000
    )
    assert len(attempts) == 3
    assert not Answer.objects.filter(question_id=question_id).exists()
    context.close()


def test_a_refused_page_focuses_its_error_summary(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context()
    page = console.watch(context.new_page())
    start_answering(page, live_server, questionnaire)

    question = page.locator(".question:not([hidden])").first
    question_id = (question.get_attribute("id") or "").removeprefix("question-")
    page.click(f"#question-{question_id} summary")
    note = page.locator(f"#note-{question_id}")
    note.evaluate("field => field.removeAttribute('maxlength')")
    note.evaluate("field => { field.value = 'x'.repeat(2001); }")
    page.click(".form-actions button[value=next]")

    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("nothing on this page")
    check_accessibility(page)
    context.close()
    assert console.problems == []


def test_enter_on_an_answer_saves_and_continues(
    browser: Browser, live_server, questionnaire, console
):
    context = browser.new_context(java_script_enabled=False)
    page = console.watch(context.new_page())
    start_answering(page, live_server, questionnaire)
    first_page = page.url

    page.locator(".question .choice input").first.focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert is_dimension_page(page)
    assert page.url != first_page
    expect(page.locator(".message--success")).to_contain_text("are saved")
    context.close()
    assert console.problems == []
