"""Run every benchmark and print a table of figures."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")


def main(selected: list[str]) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import (
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    import bench
    from bench.figures import Figure

    setup_test_environment()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    from bench.figures import reference_loop_ms

    print(f"database: {engine}; python {sys.version.split()[0]}")
    print(
        f"machine speed: reference loop {reference_loop_ms():.0f} ms (lower is faster)"
    )
    old_config = setup_databases(verbosity=0, interactive=False)
    failures = 0
    try:
        for module_info in pkgutil.iter_modules(bench.__path__):
            name = module_info.name
            if not name.startswith("bench_"):
                continue
            if selected and name.removeprefix("bench_") not in selected:
                continue
            module = importlib.import_module(f"bench.{name}")
            started = time.perf_counter()
            figures: list[Figure] = module.run()
            took = time.perf_counter() - started
            print(f"\n## {name.removeprefix('bench_')}  ({took:.1f} s)")
            for figure in figures:
                goal = (
                    ""
                    if figure.goal is None
                    else f"goal < {figure.goal:g} {figure.unit}"
                )
                print(
                    f"  {figure.name:<58} {figure.value:>10.2f} {figure.unit:<4}"
                    f"  {goal:<18} {figure.verdict:<9} {figure.detail}"
                )
                failures += figure.verdict == "OVER GOAL"
    finally:
        teardown_databases(old_config, verbosity=0)
    print(f"\nmachine speed: reference loop {reference_loop_ms():.0f} ms at the end")
    print(f"{failures} figure{'s' if failures != 1 else ''} over their goal")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
