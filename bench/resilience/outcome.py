"""What a scenario measured and expected, printed as it goes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bench.figures import median, percentile
from bench.resilience.browser import Exchange


@dataclass
class Outcome:
    scenario: str
    failures: list[str] = field(default_factory=list)

    def figure(self, name: str, value: object) -> None:
        print(f"  {name:<46} {value}", flush=True)

    def check(self, holds: bool, expectation: str, detail: str = "") -> bool:
        """Print the expectation with its verdict; a failure fails the run."""
        mark = "ok  " if holds else "FAIL"
        suffix = f"  ({detail})" if detail else ""
        print(f"  [{mark}] {expectation}{suffix}", flush=True)
        if not holds:
            self.failures.append(f"{expectation}{suffix}")
        return holds

    @property
    def passed(self) -> bool:
        return not self.failures


def is_error(exchange: Exchange) -> bool:
    """No response, or a status other than 2xx and 3xx."""
    return not 200 <= exchange.status < 400


def latency_table(
    outcome: Outcome,
    exchanges: Iterable[Exchange],
    expected: Callable[[Exchange], bool] = lambda exchange: False,
) -> int:
    """Print count, errors and latencies per kind of request; the errors.

    ``expected`` marks error responses the scenario provokes on purpose;
    they are listed but not counted as errors.
    """
    by_kind: dict[str, list[Exchange]] = {}
    for exchange in exchanges:
        by_kind.setdefault(exchange.kind, []).append(exchange)
    print(
        f"  {'request':<16} {'count':>6} {'errors':>6} {'expected':>8}"
        f" {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}",
        flush=True,
    )
    unexpected = 0
    everything = [exchange for group in by_kind.values() for exchange in group]
    if not everything:
        return 0
    for kind, group in [*by_kind.items(), ("all requests", everything)]:
        samples = [exchange.elapsed_ms for exchange in group]
        errors = [e for e in group if is_error(e) and not expected(e)]
        planned = [e for e in group if is_error(e) and expected(e)]
        if kind != "all requests":
            unexpected += len(errors)
        print(
            f"  {kind:<16} {len(group):>6} {len(errors):>6} {len(planned):>8}"
            f" {median(samples):>8.1f} {percentile(samples, 0.95):>8.1f}"
            f" {max(samples):>8.1f}",
            flush=True,
        )
    return unexpected


def error_summary(exchanges: Iterable[Exchange]) -> str:
    """The kinds of failed exchanges, counted, e.g. ``autosave 500 x3``."""
    counts: dict[str, int] = {}
    for exchange in exchanges:
        if is_error(exchange):
            reason = exchange.error.split(":", 1)[0] or str(exchange.status)
            key = f"{exchange.kind} {reason}"
            counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key} x{count}" for key, count in sorted(counts.items()))
