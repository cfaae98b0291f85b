"""The clinic workspace with ten thousand submissions.

Seeds demo data with the real scoring, then times the submissions
dashboard through Django's test client signed in as staff (routing,
middleware, permissions, the database and templates included), counts
its queries, and streams the CSV export of every row, measuring its
time and its peak memory at one thousand and at ten thousand rows: a
streamed export should need about the same memory for both.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import cast

from django.contrib.auth.models import Group, User
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.figures import Figure, median, percentile, timings_ms
from clinic.demo import seed
from clinic.models import CLINIC_STAFF_GROUP

FIRST = 1_000
TOTAL = 10_000
REQUESTS = 200
FILTERED = "?status=new&sector=technology&sort=organisation"
SEARCH = "?q=data&sort=-score"


def _staff_client() -> Client:
    user, _created = User.objects.get_or_create(username="bench.adviser")
    user.groups.add(Group.objects.get(name=CLINIC_STAFF_GROUP))
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, url: str) -> Callable[[], None]:
    def action() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return action


def _export(client: Client) -> tuple[int, int]:
    """Stream the CSV of every submission; its bytes and rows."""
    response = cast(
        StreamingHttpResponse, client.get(reverse("clinic:export_submissions_csv"))
    )
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return size, lines - 1


def _export_figures(client: Client, rows: int) -> list[Figure]:
    started = time.perf_counter()
    size, exported = _export(client)
    seconds = time.perf_counter() - started
    assert exported == rows, (exported, rows)

    tracemalloc.start()
    _export(client)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    detail = f"{exported:,} rows, {size / 1_000_000:.1f} MB"
    return [
        Figure(
            f"CSV export of all {rows:,} submissions",
            seconds,
            "s",
            5 if rows == TOTAL else None,
            detail,
        ),
        Figure(
            f"CSV export of all {rows:,}: peak Python memory",
            peak / 1_000_000,
            "MB",
            detail="tracemalloc, streamed and consumed chunk by chunk",
        ),
    ]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)()
    return len(captured.captured_queries)


def _page_figures(name: str, action: Callable[[], None], goal: float) -> list[Figure]:
    samples = timings_ms(action, repeat=REQUESTS, warmup=10)
    detail = f"{TOTAL:,} submissions, 50 rows per page"
    return [
        Figure(f"{name} (median of {REQUESTS})", median(samples), "ms", goal, detail),
        Figure(f"{name} (p95)", percentile(samples, 0.95), "ms", detail=detail),
    ]


def run() -> list[Figure]:
    started = time.perf_counter()
    first = seed(FIRST, cohorts=12, seed=1)
    if not first.questionnaire:
        return [Figure("clinic", 0, "ms", detail="questionnaire missing")]
    client = _staff_client()
    figures = _export_figures(client, FIRST)

    seed(TOTAL - FIRST, seed=2)
    seeded = time.perf_counter() - started
    dashboard = reverse("clinic:dashboard")
    figures = [
        Figure(
            f"seed_demo: {TOTAL:,} submissions in total",
            seeded,
            "s",
            detail="bulk inserts, real scoring, with reviews and cohorts",
        ),
        *_page_figures("dashboard page GET", _get(client, dashboard), 40),
        *_page_figures(
            "filtered and sorted page GET", _get(client, dashboard + FILTERED), 40
        ),
        *_page_figures("name search page GET", _get(client, dashboard + SEARCH), 40),
        Figure(
            "queries per dashboard page",
            _queries(client, dashboard),
            "",
            detail="the same with 5, 60 or 10,000 rows (asserted in tests)",
        ),
        Figure(
            "queries per filtered page",
            _queries(client, dashboard + FILTERED),
            "",
            detail=FILTERED,
        ),
        *figures,
        *_export_figures(client, TOTAL),
    ]
    return figures
