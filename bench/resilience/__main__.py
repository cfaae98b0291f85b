"""Run the resilience scenarios: ``python -m bench.resilience [name ...]``.

Names: ``load``, ``tabs``, ``restart``, ``worker``, ``questionnaire``,
or the groups ``faults`` (every scenario but ``load``) and ``all`` (the
default). Exits 1 when any expectation fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from contextlib import nullcontext
from pathlib import Path
from types import FrameType

from bench.resilience.scenarios import GROUPS, SCENARIOS, Options, Scenario

# This process only reads questionnaire files and constants with Django's
# help; the servers it starts get production settings of their own.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DEBUG"] = "true"


def parse(argv: list[str]) -> tuple[list[Scenario], Options]:
    parser = argparse.ArgumentParser(prog="python -m bench.resilience")
    parser.add_argument(
        "names",
        nargs="*",
        # No default of ["all"]: argparse would check that list against the
        # choices as if it were one name. None given means all.
        choices=[*GROUPS, *(scenario.name for scenario in SCENARIOS)],
        metavar="scenario",
        help="load, tabs, restart, worker, questionnaire, faults or all",
    )
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument(
        "--real-lease",
        action="store_true",
        help="wait out the report render lease instead of backdating it",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--private-postgres",
        dest="shared_postgres",
        action="store_false",
        help="restart a throwaway PostgreSQL cluster (the default)",
    )
    where.add_argument(
        "--shared-postgres",
        dest="shared_postgres",
        action="store_true",
        help="restart the system's PostgreSQL on port 5432 instead; refused "
        "while other databases have clients",
    )
    # Both flags write one option; without this, the first one's implicit
    # default (True, for store_false) would pick the shared server.
    parser.set_defaults(shared_postgres=False)
    args = parser.parse_args(argv)
    names = args.names or ["all"]
    wanted = {name for group in names for name in GROUPS.get(group, [group])}
    chosen = [scenario for scenario in SCENARIOS if scenario.name in wanted]
    options = Options(
        respondents=args.respondents,
        real_lease=args.real_lease,
        shared_postgres=args.shared_postgres,
    )
    return chosen, options


def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Unwinds through every finally block, so processes and databases go.
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    import importlib

    import django

    scenarios, options = parse(argv)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    # Ctrl-C unwinds the same way, even where a shell started this in the
    # background with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    django.setup()

    from bench.resilience import postgres
    from bench.resilience.outcome import Outcome
    from bench.resilience.stack import (
        ROOT,
        SYSTEM_POSTGRES,
        StackError,
        collect_static,
        read_server_log,
        running_stack,
        time_limit,
    )

    results: list[tuple[Outcome, float]] = []
    with tempfile.TemporaryDirectory(prefix="resilience-") as temporary:
        workdir = Path(temporary)
        static_root = workdir / "static"
        collect_static(static_root, ROOT / "questionnaires")
        for scenario in scenarios:
            module = importlib.import_module(f"bench.resilience.{scenario.module}")
            outcome = Outcome(scenario.name)
            limit = scenario.time_limit(options)
            print(f"\n## {scenario.name}: {scenario.title} (limit {limit:g} s)")
            started = time.monotonic()
            server = (
                postgres.server(options)
                if scenario.restarts_postgres
                else nullcontext(SYSTEM_POSTGRES)
            )
            try:
                with (
                    server as database_server,
                    running_stack(
                        scenario.name,
                        static_root=static_root,
                        workdir=workdir,
                        postgres=database_server,
                    ) as stack,
                ):
                    print(f"  database {stack.database.name}, port {stack.port}")
                    try:
                        with time_limit(limit, scenario.name):
                            module.run(stack, outcome, options)
                    except Exception as error:
                        traceback.print_exc()
                        outcome.check(
                            False,
                            "the scenario ran to its end",
                            f"{type(error).__name__}: {error}",
                        )
                    finally:
                        # Outside the time limit: PostgreSQL must answer
                        # again before the database can be dropped.
                        if scenario.restarts_postgres:
                            outcome.check(
                                postgres.settle(stack.database.postgres),
                                "PostgreSQL answers again at the end",
                            )
                    if not outcome.passed:
                        errors = read_server_log(stack.server_log).errors
                        print("  server log, errors:")
                        for line in errors[:12]:
                            print(f"    {line}")
            except StackError as error:
                outcome.check(False, "the stack started", str(error))
            results.append((outcome, time.monotonic() - started))

    print("\n## summary")
    for outcome, took in results:
        verdict = "passed" if outcome.passed else "FAILED"
        print(f"  {outcome.scenario:<14} {verdict:<7} {took:6.1f} s")
        for failure in outcome.failures:
            print(f"    - {failure}")
    return 0 if all(outcome.passed for outcome, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
