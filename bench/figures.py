from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    goal: float | None = None
    """An upper bound the figure should stay under."""
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.goal is None:
            return ""
        return "ok" if self.value <= self.goal else "OVER GOAL"


def timings_ms(
    action: Callable[[], object], repeat: int, warmup: int = 3
) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))
    return ordered[index]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def reference_loop_ms() -> float:
    """How long this machine takes, right now, for a fixed piece of pure
    Python (the median of five runs). Shared machines run at different
    speeds from one minute to the next; printed before and after the
    benchmarks, it tells how far their figures can be compared."""

    def loop() -> int:
        total = 0
        for number in range(1_000_000):
            total += number
        return total

    return median(timings_ms(loop, repeat=5, warmup=1))
