"""Browser tests: Playwright driving Debian's Chromium against a live server."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from assessment.versions import load_questionnaires, sync
from tests.journey_support import store_tiny

# Playwright's sync API runs an event loop in this thread, which makes
# Django refuse database access unless told that it is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
FULL = "mlops-maturity"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make system-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def questionnaire(transactional_db) -> str:
    """The slug to start: the full questionnaire when present, else tiny."""
    if any((Path(settings.QUESTIONNAIRES_DIR) / FULL).glob("*.yaml")):
        outcome = sync(load_questionnaires())
        assert outcome.errors == [], [str(e) for e in outcome.errors]
        return FULL
    store_tiny()
    return "tiny"


class ConsoleWatch:
    """Collects what a page reports that should never happen."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Page) -> Page:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        return page

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        # A refused form answers 400 on purpose, which Chromium reports.
        if "the server responded with a status of 400" in text:
            return
        if message.type == "error" or "Content Security Policy" in text:
            self.problems.append(text)


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()
