"""Scenario 4: the task worker is killed while it renders a report.

A respondent submits the full questionnaire, which queues its PDF
report. A ``manage.py db_worker`` starts, and the moment the report's
row says ``rendering`` the worker is killed with SIGKILL, as the kernel's
out-of-memory killer or a lost machine would. Then:

(a) the download URL never serves a PDF that is not ready: it answers
    302 to the report page before the render, while the dead worker
    still holds the claim, and after the report is queued again;
(b) once the render lease has run out (``assessment.report_queue.
    RENDER_LEASE``, three minutes), opening the report page queues the
    report again, a new worker renders it, and the PDF served is whole:
    it starts with ``%PDF``, ends with ``%%EOF`` and pypdf reads every
    page.

Waiting three minutes for the lease is optional (``--real-lease``). By
default the claim's ``started_at`` is moved back by the lease in the
database, which is exactly what the passing of time does to the row:
the server compares ``started_at`` with now minus the lease.

Throughout, every time the report's row is seen ``ready`` its PDF must
be whole, and every response from the download URL must be either the
redirect or a whole PDF.
"""

from __future__ import annotations

import io
import random
import signal
import time
from dataclasses import dataclass, field
from datetime import timedelta

from pypdf import PdfReader

from assessment.models import hash_token
from assessment.report_queue import RENDER_LEASE
from bench.resilience.browser import Browser, Response
from bench.resilience.outcome import Outcome, error_summary, latency_table
from bench.resilience.respondents import (
    Respondent,
    load_questionnaire,
    plan_answers,
)
from bench.resilience.scenarios import Options
from bench.resilience.stack import HOST, Database, Stack

ATTEMPTS = 3
"""Fresh submissions tried when a render finishes before it can be caught."""
RENDER_WAIT = 60.0


@dataclass
class PdfCheck:
    """Whether some PDF bytes are a whole document, and why not."""

    pages: int = 0
    problems: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, pdf: bytes | None) -> PdfCheck:
        check = cls()
        if not pdf:
            check.problems.append("empty")
            return check
        if not pdf.startswith(b"%PDF-"):
            check.problems.append("does not start with %PDF-")
        if not pdf.rstrip().endswith(b"%%EOF"):
            check.problems.append("does not end with %%EOF")
        try:
            reader = PdfReader(io.BytesIO(pdf), strict=True)
            for page in reader.pages:
                page.extract_text()
            check.pages = len(reader.pages)
        except Exception as error:
            check.problems.append(f"pypdf: {type(error).__name__}: {error}")
        if check.pages == 0 and not check.problems:
            check.problems.append("no pages")
        return check

    @property
    def whole(self) -> bool:
        return not self.problems


@dataclass
class ReportWatch:
    """Every sighting of the report's row and of the download URL."""

    database: Database
    assessment_id: int
    statuses: list[str] = field(default_factory=list)
    bad_ready_rows: list[str] = field(default_factory=list)
    bad_downloads: list[str] = field(default_factory=list)

    def row(self) -> tuple[str, int, bytes | None, int | None]:
        status, attempts, pdf, size = self.database.rows(
            """
            SELECT status, attempts, pdf, size FROM assessment_report
            WHERE assessment_id = %s ORDER BY id DESC LIMIT 1
            """,
            self.assessment_id,
        )[0]
        pdf_bytes = bytes(pdf) if pdf is not None else None
        if not self.statuses or self.statuses[-1] != status:
            self.statuses.append(status)
        if status == "ready":
            check = PdfCheck.of(pdf_bytes)
            if not check.whole or size != len(pdf_bytes or b""):
                self.bad_ready_rows.append(f"{check.problems}, size {size}")
        return status, attempts, pdf_bytes, size

    def download(self, respondent: Respondent) -> Response:
        response = respondent.browser.get(respondent.path("report.pdf"), "download")
        if response.status == 302:
            if response.location != respondent.path("report/"):
                self.bad_downloads.append(f"302 to {response.location}")
        elif response.status == 200:
            check = PdfCheck.of(response.body)
            if not check.whole:
                self.bad_downloads.append(f"200 with {check.problems}")
        else:
            self.bad_downloads.append(f"status {response.status}")
        return response


def run(stack: Stack, outcome: Outcome, options: Options) -> None:
    questionnaire = load_questionnaire(stack.questionnaires)
    outcome.figure("render lease", f"{RENDER_LEASE.total_seconds():g} s")
    for attempt in range(1, ATTEMPTS + 1):
        respondent = Respondent(Browser(HOST, stack.port), questionnaire)
        respondent.full_journey(
            plan_answers(questionnaire, random.Random(attempt)),
            f"Worker kill {attempt} Ltd",
        )
        watch = ReportWatch(stack.database, _assessment_id(stack, respondent.token))
        if _kill_while_rendering(stack, outcome, respondent, watch):
            break
        outcome.figure("render finished before it could be caught", f"try {attempt}")
    else:
        outcome.check(False, f"caught a render in progress in {ATTEMPTS} tries")
        return

    _after_the_kill(stack, outcome, respondent, watch)
    _lease_runs_out(stack, outcome, respondent, watch, options)
    _second_worker(stack, outcome, respondent, watch)

    outcome.figure("report states seen", " -> ".join(watch.statuses))
    outcome.check(
        not watch.bad_ready_rows,
        "the report's row was never ready with an empty or partial PDF",
        "; ".join(watch.bad_ready_rows[:3]),
    )
    outcome.check(
        not watch.bad_downloads,
        "the download URL only ever answered the redirect or a whole PDF",
        "; ".join(watch.bad_downloads[:3]),
    )
    _all_ready_reports_whole(stack, outcome)
    exchanges = respondent.browser.exchanges
    errors = latency_table(outcome, exchanges)
    outcome.check(errors == 0, "no request failed", error_summary(exchanges))
    respondent.browser.close()


def _assessment_id(stack: Stack, token: str) -> int:
    found: int = stack.database.value(
        "SELECT id FROM assessment_assessment WHERE token_hash = %s",
        hash_token(token),
    )
    return found


def _kill_while_rendering(
    stack: Stack, outcome: Outcome, respondent: Respondent, watch: ReportWatch
) -> bool:
    status, *_ = watch.row()
    pending = watch.download(respondent)
    outcome.check(
        status == "pending" and pending.status == 302,
        "after submission the report is queued and the download redirects",
        f"row {status}, download {pending.status}",
    )

    worker = stack.start_task_worker()
    started = time.monotonic()
    # A tight loop on one connection: the render takes about a second.
    with stack.database.connect() as connection:
        while time.monotonic() - started < RENDER_WAIT:
            row = connection.execute(
                "SELECT status FROM assessment_report WHERE assessment_id = %s",
                (watch.assessment_id,),
            ).fetchone()
            status = row[0] if row else "missing"
            if status != "pending":
                break
            time.sleep(0.005)
    if status == "rendering":
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        outcome.figure(
            "worker killed (SIGKILL) while rendering",
            f"{time.monotonic() - started:.2f} s after it started",
        )
        watch.row()
        return True
    stack.stop(worker)
    watch.row()
    return False


def _after_the_kill(
    stack: Stack, outcome: Outcome, respondent: Respondent, watch: ReportWatch
) -> None:
    tasks = _task_states(stack)
    outcome.figure("task rows after the kill", tasks)
    download = watch.download(respondent)
    page = respondent.browser.get(respondent.path("report/"), "report page")
    status, attempts, pdf, _ = watch.row()
    outcome.check(
        download.status == 302 and page.status == 200,
        "while the dead worker holds the claim, the download redirects "
        "to the report page",
        f"download {download.status}, page {page.status}",
    )
    outcome.check(
        status == "rendering" and attempts == 1 and pdf is None,
        "before the lease runs out the report stays claimed, without a PDF",
        f"{status}, attempts {attempts}",
    )
    outcome.check(
        _task_states(stack) == tasks,
        "before the lease runs out, asking again queues nothing new",
        f"{_task_states(stack)}",
    )


def _lease_runs_out(
    stack: Stack,
    outcome: Outcome,
    respondent: Respondent,
    watch: ReportWatch,
    options: Options,
) -> None:
    if options.real_lease:
        outcome.figure("waiting for the real lease", f"{RENDER_LEASE}")
        started_at = stack.database.value(
            "SELECT started_at FROM assessment_report WHERE assessment_id = %s",
            watch.assessment_id,
        )
        now = stack.database.value("SELECT now()")
        time.sleep(max(0.0, (started_at + RENDER_LEASE - now).total_seconds() + 1))
    else:
        # What three minutes do to the row: its claim becomes that old.
        stack.database.execute(
            """
            UPDATE assessment_report SET started_at = started_at - %s
            WHERE assessment_id = %s AND status = 'rendering'
            """,
            RENDER_LEASE + timedelta(seconds=1),
            watch.assessment_id,
        )
    tasks_before = _task_states(stack)
    page = respondent.browser.get(respondent.path("report/"), "report page")
    status, attempts, pdf, _ = watch.row()
    outcome.check(
        page.status == 200 and status == "pending" and pdf is None,
        "after the lease, opening the report page queues the report again",
        f"page {page.status}, row {status}, attempts {attempts}",
    )
    outcome.figure(
        "task rows before / after queueing again",
        f"{tasks_before} / {_task_states(stack)}",
    )
    download = watch.download(respondent)
    outcome.check(
        download.status == 302,
        "while queued again the download still redirects",
        f"{download.status}",
    )


def _second_worker(
    stack: Stack, outcome: Outcome, respondent: Respondent, watch: ReportWatch
) -> None:
    worker = stack.start_task_worker()
    started = time.monotonic()
    served: Response | None = None
    polls = 0
    try:
        while time.monotonic() - started < RENDER_WAIT:
            polls += 1
            response = watch.download(respondent)
            watch.row()
            if response.status == 200:
                served = response
                break
            time.sleep(0.1)
    finally:
        stack.stop(worker)
    took = time.monotonic() - started
    if not outcome.check(served is not None, "a new worker rendered the report"):
        return
    assert served is not None
    check = PdfCheck.of(served.body)
    status, attempts, pdf, size = watch.row()
    outcome.figure(
        "second render served after",
        f"{took:.2f} s ({polls} download polls, all redirects until then)",
    )
    outcome.figure(
        "PDF served",
        f"{len(served.body):,} bytes, {check.pages} pages, "
        f"{served.headers.get('content-type')}",
    )
    outcome.check(
        check.whole,
        "the PDF starts with %PDF, ends with %%EOF and pypdf reads every page",
        "; ".join(check.problems),
    )
    outcome.check(
        status == "ready"
        and attempts == 2
        and pdf == served.body
        and size == len(served.body),
        "the row is ready on its second attempt and holds exactly what was served",
        f"{status}, attempts {attempts}, size {size}",
    )
    outcome.figure("task rows at the end", _task_states(stack))


def _task_states(stack: Stack) -> dict[str, int]:
    rows = stack.database.rows(
        """
        SELECT status, count(*) FROM django_tasks_database_dbtaskresult
        GROUP BY status ORDER BY status
        """
    )
    return dict(rows)


def _all_ready_reports_whole(stack: Stack, outcome: Outcome) -> None:
    rows = stack.database.rows(
        "SELECT id, pdf, size FROM assessment_report WHERE status = 'ready'"
    )
    broken = []
    for report_id, pdf, size in rows:
        check = PdfCheck.of(bytes(pdf) if pdf is not None else None)
        if not check.whole or size != len(pdf or b""):
            broken.append(f"report {report_id}: {check.problems}, size {size}")
    outcome.check(
        not broken,
        f"every ready report in the database ({len(rows)}) holds a whole PDF",
        "; ".join(broken[:3]),
    )
