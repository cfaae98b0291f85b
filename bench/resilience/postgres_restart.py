"""Scenario 3: PostgreSQL restarts while respondents are answering.

The server is never touched; it has to recover by itself. PostgreSQL is
restarted twice:

1. **While respondents answer.** A few respondents answer the full
   questionnaire in a loop, a new assessment after each, with a short
   pause between saves, and retry a failed request after a moment, as a
   person would. The scenario measures how long PostgreSQL was away and
   how long after its return requests still failed; every request must
   succeed again within ``RECOVERY_BOUND`` seconds and keep succeeding.
2. **While a respondent pauses.** The server's connection pools are
   first filled by a crowd of respondents, then all is quiet: one
   respondent reads the next question while PostgreSQL restarts, and
   carries on after it is back. Every request from then on must
   succeed: a pool that hands out connections broken by the restart
   fails the first requests after it, however much later they come.

Afterwards gunicorn must still have the same workers, and every save
acknowledged with a 2xx, before a restart or after it, must be stored
exactly as sent.

By default a throwaway cluster is made for the scenario and restarted,
which disturbs no one else. ``--shared-postgres`` restarts the system's
cluster on port 5432 instead, which ends every connection to it on this
machine. Whatever happens, PostgreSQL answers again before the scenario
returns.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from assessment.journey import AnswerInput
from assessment.schema import Questionnaire
from bench.resilience import postgres
from bench.resilience.browser import Browser, Exchange
from bench.resilience.outcome import (
    Outcome,
    error_summary,
    is_error,
    latency_table,
)
from bench.resilience.respondents import (
    JourneyError,
    Respondent,
    load_questionnaire,
    missing_or_different,
    plan_answers,
    stored_answers,
)
from bench.resilience.scenarios import Options
from bench.resilience.stack import HOST, Stack, healthz, read_server_log

RESPONDENTS = 4
PACE = 0.05
"""Seconds between one respondent's saves."""
RETRY_PAUSE = 0.25
WARM_UP = 4.0
"""Seconds of answering before the restart."""
OBSERVE = 20.0
"""Seconds of answering after PostgreSQL answers again."""
RECOVERY_BOUND = 15.0
"""Seconds after PostgreSQL's return by which every request must succeed."""
CROWD = 16
"""Respondents who fill the connection pools before the quiet restart."""
READING = 2.0
"""Seconds the pausing respondent spends after PostgreSQL is back."""

Save = tuple[str, str, AnswerInput, float]
"""An acknowledged save: token, question id, answer, when acknowledged."""


def run(stack: Stack, outcome: Outcome, options: Options) -> None:
    outcome.figure("PostgreSQL restarted", postgres.describe(stack.database.postgres))
    questionnaire = load_questionnaire(stack.questionnaires)
    workers = stack.server_workers()

    print("  -- restart while respondents answer", flush=True)
    saves, restarted_at = _busy_restart(stack, outcome, questionnaire)
    print("  -- restart while a respondent pauses", flush=True)
    saves += _quiet_restart(stack, outcome, questionnaire)

    print("  -- afterwards", flush=True)
    now = stack.server_workers()
    outcome.check(
        stack.server is not None and stack.server.poll() is None and now == workers,
        "gunicorn kept running with the same workers (no restart needed)",
        f"workers before {sorted(workers)}, after {sorted(now)}",
    )
    _check_saves(stack, outcome, saves, restarted_at)
    log = read_server_log(stack.server_log)
    outcome.figure("server 5xx responses (access log)", log.server_errors)
    outcome.figure("server ERROR log lines", len(log.errors))
    kinds = {
        f"{line.split(': ', 1)[0]}: {line.rsplit(': ', 1)[-1]}" for line in log.errors
    }
    for kind in sorted(kinds)[:4]:
        outcome.figure("  kind", kind[:120])


def _restart(stack: Stack, outcome: Outcome) -> tuple[float, float] | None:
    """Restart PostgreSQL; when the command began and when it answered.

    The system's cluster is left alone while anyone else is connected to
    it: a restart would end their connections too.
    """
    server = stack.database.postgres
    if server.data_dir is None:
        others = postgres.other_clients(server, stack.database.name)
        if not outcome.check(
            not others,
            "nothing else uses the system's PostgreSQL, so it may be restarted",
            f"clients of {others}; rerun without --shared-postgres" if others else "",
        ):
            return None
    began = time.monotonic()
    done = postgres.control(server, "restart")
    took = time.monotonic() - began
    back = postgres.wait_until_answering(server, postgres.WAIT)
    outcome.check(
        done.returncode == 0 and back is not None,
        "PostgreSQL restarted and answers again",
        done.stderr.strip()[-200:],
    )
    outcome.figure("restart command took", f"{took:.2f} s")
    return (began, back) if back is not None else None


def _busy_restart(
    stack: Stack, outcome: Outcome, questionnaire: Questionnaire
) -> tuple[list[Save], float]:
    stop = threading.Event()
    probe = DatabaseProbe(stack, stop)
    health = HealthProbe(stack.port, stop)
    answering = [
        Answering(stack.port, questionnaire, random.Random(300 + i), stop)
        for i in range(RESPONDENTS)
    ]
    jobs: list[Callable[[], None]] = [probe.run, health.run]
    jobs += [job.run for job in answering]
    threads = [threading.Thread(target=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    restart = None
    try:
        time.sleep(WARM_UP)
        restart = _restart(stack, outcome)
        if restart is not None:
            time.sleep(OBSERVE)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    saves = [save for job in answering for save in job.saves]
    if restart is None:
        return saves, time.monotonic()
    began, back = restart
    exchanges = [e for job in answering for e in job.browser.exchanges]
    _report_timeline(outcome, probe, health, exchanges, began, back)
    _check_recovery(outcome, exchanges, back)
    return saves, began


def _quiet_restart(
    stack: Stack, outcome: Outcome, questionnaire: Questionnaire
) -> list[Save]:
    crowd = [Respondent(Browser(HOST, stack.port), questionnaire) for _ in range(CROWD)]

    def arrive(respondent: Respondent) -> None:
        respondent.start("Crowd Ltd")
        respondent.show_dimension(questionnaire.dimensions[0].id)
        respondent.browser.close()

    threads = [threading.Thread(target=arrive, args=(r,)) for r in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pooled = stack.database.value(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
        stack.database.name,
    )
    outcome.figure("server connections open before the restart", pooled)

    rng = random.Random(500)
    respondent = Respondent(Browser(HOST, stack.port), questionnaire)
    plan = plan_answers(questionnaire, rng)
    respondent.start("Pausing Ltd")
    first, *others = questionnaire.dimensions
    respondent.show_dimension(first.id)
    for question in questionnaire.questions_in(first.id):
        respondent.autosave(question.id, plan[question.id])
    respondent.browser.close()
    saves = [
        (respondent.token, question_id, answer, time.monotonic())
        for question_id, answer in respondent.acknowledged.items()
    ]

    restart = _restart(stack, outcome)
    if restart is None:
        return saves
    time.sleep(READING)

    # More than two seconds apart, each request opens a new connection
    # (gunicorn's keep-alive is 2 s), so both workers' pools are used.
    after = len(respondent.browser.exchanges)
    for dimension in others[:3]:
        respondent.open_dimension(dimension.id)
        respondent.browser.close()
        for question in questionnaire.questions_in(dimension.id):
            respondent.autosave(question.id, plan[question.id])
            if question.id in respondent.acknowledged:
                saves.append(
                    (
                        respondent.token,
                        question.id,
                        plan[question.id],
                        time.monotonic(),
                    )
                )
            respondent.browser.close()
    exchanges = respondent.browser.exchanges[after:]
    failed = [e for e in exchanges if is_error(e)]
    outcome.figure(
        "first request after the quiet restart",
        f"{exchanges[0].elapsed_ms:.0f} ms; slowest of the next "
        f"{len(exchanges)}: {max(e.elapsed_ms for e in exchanges):.0f} ms",
    )
    outcome.check(
        not failed,
        f"after PostgreSQL is back, the respondent's next {len(exchanges)} "
        "requests all succeed",
        f"{len(failed)} failed: {error_summary(failed)}",
    )
    return saves


@dataclass
class DatabaseProbe:
    """Asks PostgreSQL directly, every 50 ms, whether it answers."""

    stack: Stack
    stop: threading.Event
    samples: list[tuple[float, bool]] = field(default_factory=list)

    def run(self) -> None:
        while not self.stop.is_set():
            answered = postgres.answers(self.stack.database.postgres)
            self.samples.append((time.monotonic(), answered))
            time.sleep(0.05)

    def outage(self) -> tuple[float, float] | None:
        """The first failed probe and the next one that succeeded."""
        down = next((t for t, ok in self.samples if not ok), None)
        if down is None:
            return None
        up = next((t for t, ok in self.samples if ok and t > down), None)
        return (down, up) if up is not None else None


@dataclass
class HealthProbe:
    """Polls /healthz every 250 ms, as a load balancer would."""

    port: int
    stop: threading.Event
    samples: list[tuple[float, int]] = field(default_factory=list)

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), healthz(self.port, timeout=15)))
            time.sleep(0.25)


@dataclass
class Answering:
    """One respondent answering assessment after assessment until stopped."""

    port: int
    questionnaire: Questionnaire
    rng: random.Random
    stop: threading.Event
    browser: Browser = field(init=False)
    saves: list[Save] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.browser = Browser(HOST, self.port, timeout=30)

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            respondent = Respondent(self.browser, self.questionnaire)
            name = f"Restart test {number}"
            if self._until_done(partial(respondent.start, name)):
                self._answer(respondent)
        self.browser.close()

    def _until_done(self, step: Callable[[], None]) -> bool:
        while not self.stop.is_set():
            try:
                step()
            except JourneyError:
                time.sleep(RETRY_PAUSE)
            else:
                return True
        return False

    def _answer(self, respondent: Respondent) -> None:
        plan = plan_answers(self.questionnaire, self.rng)
        for dimension in self.questionnaire.dimensions:
            if not self._until_done(partial(respondent.show_dimension, dimension.id)):
                return
            for question in self.questionnaire.questions_in(dimension.id):
                while not self.stop.is_set():
                    respondent.autosave(question.id, plan[question.id])
                    if question.id in respondent.acknowledged:
                        self.saves.append(
                            (
                                respondent.token,
                                question.id,
                                plan[question.id],
                                time.monotonic(),
                            )
                        )
                        break
                    time.sleep(RETRY_PAUSE)
                time.sleep(PACE)


def _report_timeline(
    outcome: Outcome,
    probe: DatabaseProbe,
    health: HealthProbe,
    exchanges: list[Exchange],
    began: float,
    back: float,
) -> None:
    outage = probe.outage()
    if outage is not None:
        down, up = outage
        outcome.figure(
            "PostgreSQL outage (direct probe)",
            f"{up - down:.2f} s, from +{down - began:.2f} s",
        )
    outcome.figure("PostgreSQL answering again", f"+{back - began:.2f} s")
    unhealthy = [t for t, status in health.samples if status != 200]
    outcome.figure(
        "/healthz polls not 200",
        f"{len(unhealthy)} of {len(health.samples)}"
        + (
            f", from +{unhealthy[0] - began:.2f} s to +{unhealthy[-1] - began:.2f} s"
            if unhealthy
            else ""
        ),
    )
    failures = sorted((e for e in exchanges if is_error(e)), key=lambda e: e.started)
    outcome.figure(
        "failed requests",
        f"{len(failures)}, from +{failures[0].started - began:.2f} s "
        f"to +{failures[-1].ended - began:.2f} s"
        if failures
        else "0",
    )
    if failures:
        outcome.figure("  by kind", error_summary(failures))
    around = [e for e in exchanges if e.started <= back and e.ended >= began]
    if around:
        slowest = max(around, key=lambda e: e.elapsed_ms)
        outcome.figure(
            "requests in flight during the restart",
            f"{len(around)}, slowest {slowest.elapsed_ms:.0f} ms ({slowest.kind})",
        )

    def during_outage(exchange: Exchange) -> bool:
        return began <= exchange.ended and exchange.started <= back + RECOVERY_BOUND

    latency_table(outcome, exchanges, expected=during_outage)


def _check_recovery(outcome: Outcome, exchanges: list[Exchange], back: float) -> None:
    failures = [e for e in exchanges if is_error(e)]
    last_failure = max((e.ended for e in failures), default=back)
    recovery = max(0.0, last_failure - back)
    outcome.figure("time to recovery after PostgreSQL was back", f"{recovery:.2f} s")
    outcome.check(
        recovery <= RECOVERY_BOUND,
        f"every request succeeds again within {RECOVERY_BOUND:g} s of PostgreSQL",
        f"last failure {recovery:.2f} s after",
    )
    after = [e for e in exchanges if e.started > last_failure]
    span = max((e.ended for e in after), default=last_failure) - last_failure
    outcome.check(
        len(after) >= 50 and span >= OBSERVE / 2,
        "after recovery the respondents kept working without an error",
        f"{len(after)} requests over {span:.1f} s",
    )


def _check_saves(
    stack: Stack, outcome: Outcome, saves: list[Save], restarted_at: float
) -> None:
    expected: dict[str, dict[str, AnswerInput]] = {}
    before: dict[str, dict[str, AnswerInput]] = {}
    for token, question_id, answer, acknowledged in saves:
        expected.setdefault(token, {})[question_id] = answer
        if acknowledged < restarted_at:
            before.setdefault(token, {})[question_id] = answer
    stored = stored_answers(stack.database, expected)
    matching_before, problems_before = missing_or_different(before, stored)
    matching, problems = missing_or_different(expected, stored)
    acknowledged_before = sum(map(len, before.values()))
    outcome.figure(
        "saves acknowledged before the first restart / in all",
        f"{acknowledged_before} / {len(saves)} in {len(expected)} assessments",
    )
    outcome.check(
        acknowledged_before > 0 and matching_before == acknowledged_before,
        "every save acknowledged before the restart is stored",
        "; ".join(problems_before[:3]),
    )
    outcome.check(
        matching == len(saves),
        "every save acknowledged at any time is stored exactly",
        f"{matching} of {len(saves)}; " + "; ".join(problems[:3]),
    )
