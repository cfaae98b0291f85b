"""The scenarios, their time limits and the options they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    respondents: int = 50
    """Concurrent respondents in the load scenario."""
    real_lease: bool = False
    """Wait out the report render lease instead of backdating the claim."""
    shared_postgres: bool = False
    """Restart the system's PostgreSQL instead of a throwaway cluster."""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    module: str
    """The module under ``bench.resilience`` with ``run(stack, outcome, options)``."""
    time_limit: Callable[[Options], float]
    restarts_postgres: bool = False
    """Runs on ``postgres.server(options)`` and must leave it answering."""


SCENARIOS = [
    Scenario(
        "load",
        "Load: respondents answer the full questionnaire at once",
        "load",
        lambda options: 180,
    ),
    Scenario(
        "tabs",
        "Two tabs save answers to one assessment concurrently",
        "two_tabs",
        lambda options: 90,
    ),
    Scenario(
        "restart",
        "PostgreSQL restarts while respondents answer",
        "postgres_restart",
        lambda options: 150,
        restarts_postgres=True,
    ),
    Scenario(
        "worker",
        "The task worker is killed while rendering a report",
        "worker_kill",
        # Waiting for the real lease adds its three minutes.
        lambda options: 120 + (200 if options.real_lease else 0),
    ),
    Scenario(
        "questionnaire",
        "A broken questionnaire file is deployed",
        "broken_questionnaire",
        lambda options: 120,
    ),
]
GROUPS = {
    "all": [scenario.name for scenario in SCENARIOS],
    "faults": [scenario.name for scenario in SCENARIOS if scenario.name != "load"],
}
