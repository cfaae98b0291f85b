"""Pooled PostgreSQL connections are checked before a request gets one."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import ConnectionPool


def check_pooled_connection(connection: psycopg.Connection[Any]) -> None:
    """Raise if ``connection`` no longer works, after checking the idle ones.

    The pool calls this before lending a connection. One broken connection
    usually means PostgreSQL restarted, and then every idle connection is
    broken too. Left alone, the pool would try them one at a time, waiting
    twice as long after each failure (1, 2, 4, 8 seconds), so with five of
    them the request would run out of time and fail. Checking the idle
    connections together discards all the broken ones at once, and the
    request gets a new connection as soon as one is open.
    """
    try:
        ConnectionPool.check_connection(connection)
    except psycopg.Error:
        # psycopg tells a lent connection which pool it came from.
        pool = getattr(connection, "_pool", None)
        if isinstance(pool, ConnectionPool):
            pool.check()
        raise
