"""Starting, stopping and restarting the PostgreSQL a scenario runs on.

The system's cluster on port 5432 is controlled with ``pg_ctlcluster``
(its version and name from ``pg_lsclusters``, or the newest folder in
``/etc/postgresql``). A private cluster is made with ``initdb`` in a
temporary directory, listens on a free loopback port, is controlled
with ``pg_ctl`` and is deleted afterwards; restarting it disturbs no
one else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from assessment.schema import version_key
from bench.resilience.scenarios import Options
from bench.resilience.stack import (
    APPLICATION_NAME,
    HOST,
    SYSTEM_POSTGRES,
    Postgres,
    StackError,
    connect,
    free_port,
)

WAIT = 60.0
"""Seconds any start, stop or restart may take."""


@contextlib.contextmanager
def server(options: Options) -> Iterator[Postgres]:
    """The server to restart: a private one, or the system's if asked."""
    if options.shared_postgres:
        yield SYSTEM_POSTGRES
        return
    directory = Path(tempfile.mkdtemp(prefix="resilience-postgres-"))
    data = directory / "data"
    private = Postgres(free_port(), data)
    try:
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            shutil.chown(directory, "postgres", "postgres")
        _as_postgres([_binary("initdb"), "-D", data, "-U", "postgres", "-A", "trust"])
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"port = {private.port}\n"
                f"listen_addresses = '{HOST}'\n"
                f"unix_socket_directories = '{directory}'\n"
            )
        control(private, "start")
        yield private
    finally:
        if (data / "postmaster.pid").exists():
            control(private, "stop")
        shutil.rmtree(directory, ignore_errors=True)


def describe(postgres: Postgres) -> str:
    if postgres.data_dir is None:
        version, cluster = system_cluster()
        return f"system cluster {version}/{cluster} on port {postgres.port}"
    return f"private cluster on port {postgres.port}"


def control(postgres: Postgres, action: str) -> subprocess.CompletedProcess[str]:
    """``start``, ``stop`` or ``restart`` the server and wait until done."""
    if postgres.data_dir is None:
        version, cluster = system_cluster()
        return _run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action]
        )
    log = postgres.data_dir.parent / "postgres.log"
    return _as_postgres(
        [_binary("pg_ctl"), "-D", postgres.data_dir, "-l", log, "-w", action]
    )


def settle(postgres: Postgres) -> bool:
    """Make sure the server answers, starting it if need be."""
    if wait_until_answering(postgres, WAIT) is not None:
        return True
    control(postgres, "start")
    return wait_until_answering(postgres, WAIT) is not None


def other_clients(postgres: Postgres, own_database: str) -> dict[str, int]:
    """Client connections other than ours, counted by database."""
    with connect("postgres", postgres) as connection:
        rows = connection.execute(
            """
            SELECT coalesce(datname, ''), count(*)
            FROM pg_stat_activity
            WHERE backend_type = 'client backend'
              AND pid <> pg_backend_pid()
              AND coalesce(datname, '') <> %s
              AND application_name <> %s
            GROUP BY 1
            """,
            (own_database, APPLICATION_NAME),
        ).fetchall()
    return dict(rows)


def answers(postgres: Postgres) -> bool:
    """Whether a new connection can run a query right now."""
    try:
        with psycopg.connect(
            f"{postgres.url}/postgres",
            connect_timeout=1,
            application_name=APPLICATION_NAME,
        ) as db:
            db.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def wait_until_answering(postgres: Postgres, timeout: float) -> float | None:
    """When the server answered a query (after ``pg_isready``), or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = subprocess.run(
            ["pg_isready", "-q", "-h", HOST, "-p", str(postgres.port)],
            timeout=10,
            check=False,
        )
        if ready.returncode == 0 and answers(postgres):
            return time.monotonic()
        time.sleep(0.1)
    return None


def system_cluster() -> tuple[str, str]:
    """Version and name of the system cluster listening on port 5432."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout
    for line in listing.splitlines():
        version, cluster, port, *_ = line.split()
        if port == "5432":
            return version, cluster
    versions = sorted(os.listdir("/etc/postgresql"), key=version_key)
    return versions[-1], "main"


def _binary(name: str) -> Path:
    version, _ = system_cluster()
    return Path(f"/usr/lib/postgresql/{version}/bin/{name}")


def _run(command: list[str | Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )


def _as_postgres(command: list[str | Path]) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL tool as the postgres user, as the tools insist."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = _run(command)
    if done.returncode and command[-1] != "stop":
        shown = " ".join(str(part) for part in command)
        raise StackError(f"{shown} failed: {done.stderr[-500:]}")
    return done
