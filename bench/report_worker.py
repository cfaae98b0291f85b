"""A fresh process that renders a report as a task worker would.

Importing this module sets Django up, so that the report's content,
which holds model instances, can be unpickled in the new process.
"""

from __future__ import annotations

import os
import pickle
import time
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from assessment.report import render_pdf  # noqa: E402  (needs Django set up)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    Read from the kernel's high-water mark for this process's own address
    space: ``getrusage``'s ``ru_maxrss`` survives ``execve`` on Linux, so in a
    spawned worker it would start at the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("/proc/self/status has no VmHWM line")


def render(pickled: bytes, renders: int, queue: Queue[Any]) -> None:
    """Render once cold, then ``renders`` times warm; report the figures."""
    content = pickle.loads(pickled)  # noqa: S301  (from our own parent process)
    before = peak_rss_mb()

    def once() -> tuple[float, bytes]:
        started = time.perf_counter()
        pdf = render_pdf(content)
        return (time.perf_counter() - started) * 1000, pdf

    cold_ms, _ = once()  # pays for WeasyPrint's import and font loading
    samples = []
    pdf = b""
    for _ in range(renders):
        elapsed, pdf = once()
        samples.append(elapsed)
    queue.put((before, cold_ms, samples, pdf, peak_rss_mb()))
