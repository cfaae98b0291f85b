"""Scenario 1: many respondents answer the full questionnaire at once.

Each respondent is a thread with its own browser. All of them wait at a
barrier and then go through the whole journey: landing page, start
form, start, private-link page, resume, every dimension page with one
autosave per question, review, submit and results. Afterwards the
database must hold every answer exactly as sent, and every assessment
must be submitted with a result and a queued report.
"""

from __future__ import annotations

import random
import threading

from bench.resilience.browser import Browser
from bench.resilience.outcome import Outcome, error_summary, latency_table
from bench.resilience.respondents import (
    JourneyError,
    Plan,
    Respondent,
    load_questionnaire,
    missing_or_different,
    plan_answers,
    stored_answers,
    submission_states,
)
from bench.resilience.scenarios import Options
from bench.resilience.stack import HOST, Stack, read_server_log


def run(stack: Stack, outcome: Outcome, options: Options) -> None:
    respondents = options.respondents
    questionnaire = load_questionnaire(stack.questionnaires)
    plans = [
        plan_answers(questionnaire, random.Random(1000 + i)) for i in range(respondents)
    ]
    people = [
        Respondent(Browser(HOST, stack.port), questionnaire) for _ in range(respondents)
    ]
    failures: dict[int, str] = {}
    barrier = threading.Barrier(respondents)

    def journey(index: int) -> None:
        respondent = people[index]
        barrier.wait()
        try:
            respondent.full_journey(plans[index], f"Load test {index:02d} Ltd")
        except (JourneyError, ValueError) as error:
            failures[index] = str(error)
        finally:
            respondent.browser.close()

    threads = [
        threading.Thread(target=journey, args=(i,), daemon=True)
        for i in range(respondents)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    exchanges = [e for person in people for e in person.browser.exchanges]
    began = min(e.started for e in exchanges)
    ended = max(e.ended for e in exchanges)
    wall = ended - began
    questions = len(questionnaire.questions)
    outcome.figure("respondents", respondents)
    outcome.figure("questions per assessment", questions)
    outcome.figure("requests", len(exchanges))
    outcome.figure("wall time", f"{wall:.1f} s")
    outcome.figure("throughput", f"{len(exchanges) / wall:.1f} requests/s")
    outcome.figure(
        "journey time per respondent (median)",
        f"{sorted(_journey_times(people))[respondents // 2]:.1f} s",
    )
    outcome.figure("keep-alive reconnects", sum(p.browser.reconnects for p in people))
    errors = latency_table(outcome, exchanges)
    outcome.check(errors == 0, "no request failed", error_summary(exchanges))
    outcome.check(
        not failures,
        "every respondent finished the journey",
        "; ".join(f"#{i}: {m}" for i, m in sorted(failures.items())[:3]),
    )
    _check_database(stack, outcome, people, plans, questions)


def _journey_times(people: list[Respondent]) -> list[float]:
    return [
        max(e.ended for e in person.browser.exchanges)
        - min(e.started for e in person.browser.exchanges)
        for person in people
    ]


def _check_database(
    stack: Stack,
    outcome: Outcome,
    people: list[Respondent],
    plans: list[Plan],
    questions: int,
) -> None:
    tokens = [person.token for person in people if person.token]
    expected = {person.token: plan for person, plan in zip(people, plans, strict=True)}
    stored = stored_answers(stack.database, tokens)
    sent = sum(len(person.acknowledged) for person in people)
    total_stored = sum(len(rows) for rows in stored.values())
    matching, problems = missing_or_different(expected, stored)
    outcome.figure("answers sent and acknowledged", sent)
    outcome.figure("answers stored", total_stored)
    outcome.check(
        sent == len(people) * questions,
        f"all {len(people) * questions} answers were acknowledged",
        f"{sent}",
    )
    outcome.check(
        matching == total_stored == len(people) * questions,
        "every answer is stored exactly as sent, nothing more",
        "; ".join(problems[:3]),
    )
    per_assessment = sorted({len(rows) for rows in stored.values()})
    outcome.check(
        per_assessment == [questions],
        f"each assessment holds exactly {questions} answers",
        f"counts seen: {per_assessment}",
    )
    states = submission_states(stack.database, tokens)
    done = sum(state == "submitted+result" for state in states.values())
    outcome.check(
        done == len(people),
        "every assessment is submitted with a result",
        f"{done} of {len(people)}",
    )
    reports = stack.database.value(
        "SELECT count(DISTINCT assessment_id) FROM assessment_report"
    )
    tasks = stack.database.value(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult"
    )
    outcome.check(
        reports == tasks == len(people),
        "every submission queued one report task",
        f"{reports} reports, {tasks} tasks",
    )
    log = read_server_log(stack.server_log)
    outcome.check(
        log.server_errors == 0 and not log.errors,
        "the server logged no 5xx and no ERROR",
        f"{log.server_errors} 5xx; {log.errors[:2]}",
    )
