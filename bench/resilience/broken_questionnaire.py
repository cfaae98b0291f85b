"""Scenario 5: a broken questionnaire version is deployed.

The stack's server reads a copy of the questionnaire files
(``QUESTIONNAIRES_DIR``). While it runs, a new version
``mlops-maturity/1.1.yaml`` appears, broken in one of two ways: a YAML
syntax error, or a condition that names a question that does not exist.
For each:

- ``manage.py check`` and ``manage.py validate_questionnaires`` exit
  non-zero and print the error as ``file:line:column: message``, at the
  broken line;
- ``manage.py sync_questionnaires`` (the release step) exits non-zero
  and stores nothing, even with ``--skip-checks``;
- the running server keeps serving the landing page and the start form
  with the stored versions, and new assessments start on 1.0, also
  after gunicorn replaces its workers (SIGHUP), as a redeploy of the web
  containers would.

Finally the file is fixed: the checks pass, the sync stores 1.1, and new
assessments start on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assessment.models import hash_token
from bench.resilience.browser import Browser
from bench.resilience.outcome import Outcome, error_summary, latency_table
from bench.resilience.respondents import FULL, Respondent, load_questionnaire
from bench.resilience.scenarios import Options
from bench.resilience.stack import HOST, Stack, healthz

BROKEN_LINE = "question: pipe-training"
LOCATED = re.compile(r"(\S*mlops-maturity/1\.1\.yaml):(\d+):(\d+): (.+)")


@dataclass(frozen=True)
class Breakage:
    name: str
    broken: str
    """What replaces ``BROKEN_LINE``'s text on its line."""
    lines_after: int
    """How far after the broken line the error may be reported; a YAML
    parser notices an unclosed bracket on the next line."""


BREAKAGES = [
    Breakage("YAML syntax error", "question: [pipe-training", 2),
    Breakage("condition naming no question", "question: pipe-trainnig", 0),
]


def run(stack: Stack, outcome: Outcome, options: Options) -> None:
    source = stack.questionnaires / FULL / "1.0.yaml"
    target = stack.questionnaires / FULL / "1.1.yaml"
    good = source.read_text().replace('version: "1.0"', 'version: "1.1"', 1)
    line = _line_of(good, BROKEN_LINE)
    respondent = Respondent(
        Browser(HOST, stack.port), load_questionnaire(stack.questionnaires)
    )
    stored_before = _stored_versions(stack)
    outcome.figure("stored versions", ", ".join(stored_before))

    for breakage in BREAKAGES:
        print(f"  -- {breakage.name} at 1.1.yaml line {line}")
        target.write_text(good.replace(BROKEN_LINE, breakage.broken, 1))
        _commands_refuse(stack, outcome, line, breakage)
        outcome.check(
            _stored_versions(stack) == stored_before,
            "nothing new is stored",
            ", ".join(_stored_versions(stack)),
        )
        _still_serving(stack, outcome, respondent, "1.0")

    workers = stack.reload_server()
    outcome.figure("gunicorn replaced its workers", f"new pids {sorted(workers)}")
    _still_serving(stack, outcome, respondent, "1.0")

    target.write_text(good)
    checked = stack.manage("check")
    synced = stack.manage("sync_questionnaires")
    outcome.check(
        checked.returncode == 0 and synced.returncode == 0,
        "once the file is fixed, check passes and sync stores 1.1",
        synced.stdout.strip().replace("\n", "; "),
    )
    _still_serving(stack, outcome, respondent, "1.1")

    exchanges = respondent.browser.exchanges
    errors = latency_table(outcome, exchanges)
    outcome.check(errors == 0, "no request failed", error_summary(exchanges))
    respondent.browser.close()


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise ValueError(f"{needle!r} is not in the questionnaire")


def _located(output: str, line: int, breakage: Breakage) -> str | None:
    """The located error at the broken line, if the output has one."""
    for match in LOCATED.finditer(output):
        if line <= int(match.group(2)) <= line + breakage.lines_after:
            return match.group(0)
    return None


def _commands_refuse(
    stack: Stack, outcome: Outcome, line: int, breakage: Breakage
) -> None:
    for command in (
        ["check"],
        ["validate_questionnaires"],
        ["sync_questionnaires"],
        ["sync_questionnaires", "--skip-checks"],
    ):
        done = stack.manage(*command)
        located = _located(done.stdout + done.stderr, line, breakage)
        outcome.check(
            done.returncode != 0 and located is not None,
            f"manage.py {' '.join(command)} fails, naming the line",
            located or f"exit {done.returncode}: {done.stderr.strip()[-200:]}",
        )


def _stored_versions(stack: Stack) -> list[str]:
    rows = stack.database.rows(
        "SELECT slug, version FROM assessment_questionnaireversion ORDER BY 1, 2"
    )
    return [f"{slug} {version}" for slug, version in rows]


def _still_serving(
    stack: Stack,
    outcome: Outcome,
    respondent: Respondent,
    version: str,
) -> None:
    """The landing page lists both questionnaires; a new start gets ``version``."""
    landing = respondent.browser.get("/", "landing")
    offered = [
        slug
        for slug in (FULL, "quick-check")
        if f"?questionnaire={slug}" in landing.text
    ]
    respondent.start(f"Deploy test {version} Ltd")
    started = _started_version(stack, respondent.token)
    outcome.check(
        landing.status == 200
        and len(offered) == 2
        and started == version
        and healthz(stack.port) == 200,
        f"the server serves the landing page and starts new assessments on {version}",
        f"landing {landing.status} offers {offered}, started on {started}",
    )


def _started_version(stack: Stack, token: str) -> str | None:
    found: str | None = stack.database.value(
        """
        SELECT v.version FROM assessment_assessment a
        JOIN assessment_questionnaireversion v ON v.id = a.questionnaire_version_id
        WHERE a.token_hash = %s
        """,
        hash_token(token),
    )
    return found
