"""Two real Chromium tabs on one dimension page, both saving the page.

The HTTP part of the two-tab scenario posts what the journey's script
would post; this part runs the script itself. Two tabs of one browser
open the same dimension page before either answers anything. Each then
answers its own share of the page's single-choice questions (each click
autosaves), and both press "Save and continue", which posts the whole
page as that tab shows it. Every answer given in either tab must be
stored: a tab's page post must not put back what it showed of the other
tab's questions, neither blanks (a first visit) nor older answers (a
page answered before).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field

from playwright.sync_api import Page, sync_playwright

from assessment.journey import AnswerInput
from assessment.schema import Question, Questionnaire, QuestionType
from bench.resilience.browser import Browser
from bench.resilience.outcome import Outcome
from bench.resilience.respondents import Respondent, stored_answers, stored_row
from bench.resilience.stack import HOST, Stack

TIMEOUT_MS = 15_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class Tab:
    page: Page
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message: object) -> None:
        text = getattr(message, "text", "")
        if getattr(message, "type", "") == "error" or "Content Security" in text:
            self.problems.append(text)

    def choose(self, question_id: str, option: str) -> bool:
        """Click the option's label; whether the autosave said saved."""
        selector = f'#question-{question_id} input[value="{option}"]'
        input_id = self.page.get_attribute(selector, "id")
        with self.page.expect_response(
            lambda response: f"/q/{question_id}/" in response.url
        ) as saved:
            self.page.click(f"label[for='{input_id}']")
        response = saved.value
        return response.status == 200 and "status--saved" in response.text()

    def save_and_continue(self) -> None:
        with self.page.expect_navigation():
            self.page.click(".form-actions button[value=next]")


def run(stack: Stack, outcome: Outcome, questionnaire: Questionnaire) -> None:
    chromium = shutil.which("chromium")
    if not outcome.check(chromium is not None, "Chromium is installed"):
        return
    respondent = Respondent(Browser(HOST, stack.port), questionnaire)
    respondent.start("Chromium Tabs Ltd")
    first, second = questionnaire.dimensions[:2]
    rng = random.Random(11)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(base_url=f"http://{HOST}:{stack.port}")
            tabs = (Tab(context.new_page()), Tab(context.new_page()))
            _round(stack, outcome, respondent, tabs, questionnaire, first.id, rng, {})
            earlier = {
                question.id: AnswerInput(choices=(question.options[0].id,))
                for question in _contested(questionnaire, second.id)
            }
            respondent.show_dimension(second.id)
            for question_id, answer in earlier.items():
                respondent.expect(
                    respondent.autosave(question_id, answer), 200, "autosave"
                )
            _round(
                stack, outcome, respondent, tabs, questionnaire, second.id, rng, earlier
            )
            problems = [problem for tab in tabs for problem in tab.problems]
            outcome.check(
                not problems,
                "no script error or Content Security Policy report in the tabs",
                "; ".join(problems[:3]),
            )
        finally:
            browser.close()
    respondent.browser.close()


def _contested(questionnaire: Questionnaire, dimension_id: str) -> list[Question]:
    return [
        question
        for question in questionnaire.questions_in(dimension_id)
        if question.type is QuestionType.SINGLE_CHOICE and len(question.options) >= 2
    ]


def _round(
    stack: Stack,
    outcome: Outcome,
    respondent: Respondent,
    tabs: tuple[Tab, Tab],
    questionnaire: Questionnaire,
    dimension_id: str,
    rng: random.Random,
    earlier: dict[str, AnswerInput],
) -> None:
    """Both tabs open the page, answer their share, and save the page."""
    for tab in tabs:
        tab.page.goto(respondent.path(f"d/{dimension_id}/"))
    shown = [
        question
        for question in _contested(questionnaire, dimension_id)
        if tabs[0].page.is_visible(f"#question-{question.id}")
    ]
    given: dict[str, AnswerInput] = {}
    refused = []
    for index, question in enumerate(shown):
        before = earlier.get(question.id)
        options = [
            option.id
            for option in question.options
            if before is None or (option.id,) != before.choices
        ]
        answer = AnswerInput(choices=(rng.choice(options),))
        if tabs[index % 2].choose(question.id, answer.choices[0]):
            given[question.id] = answer
        else:
            refused.append(question.id)
    tabs[1].save_and_continue()
    tabs[0].save_and_continue()

    stored = stored_answers(stack.database, [respondent.token])[respondent.token]
    lost = [
        f"{question_id}: gave {answer.choices}, stored {stored.get(question_id)}"
        for question_id, answer in given.items()
        if stored.get(question_id) != stored_row(answer)
    ]
    what = "a page answered before" if earlier else "a first visit"
    outcome.figure(
        f"questions answered in two tabs, {what}",
        f"{len(given)} on '{dimension_id}', then both saved the page",
    )
    outcome.check(
        not refused and not lost and len(given) >= 2,
        f"{what}: every answer given in either tab is stored after both "
        "pressed Save and continue",
        "; ".join([*(f"{q} not saved" for q in refused), *lost][:3]),
    )
