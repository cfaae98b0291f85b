"""A scratch database and a gunicorn server with production settings.

Each scenario gets its own ``Stack``: a PostgreSQL database named
``resilience_<scenario>_<random>``, migrated and holding the
questionnaires, a copy of the questionnaire files it may break, and a
gunicorn started from ``deploy/gunicorn.conf.py`` on a free loopback
port. ``Stack.close`` stops every process the stack started, by its own
process group, and drops the database, whatever happened before.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any, LiteralString

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HOST = "127.0.0.1"
APPLICATION_NAME = "resilience-bench"
"""How this program's own connections name themselves to PostgreSQL."""

# Only these reach the processes from the caller's environment: a
# developer's DEBUG, DATABASE_URL or SECRET_KEY_FILE must not leak in.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ")

ACCESS_LINE = re.compile(r"^([A-Z]+) (\S+) (\d{3}) ")


class StackError(Exception):
    """The stack could not be set up; the message says which step failed."""


class TimeLimitError(Exception):
    """A scenario ran past its time limit."""


@contextlib.contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise ``TimeLimitError`` in the main thread after ``seconds``.

    Lock waits and sleeps are interrupted too, so a scenario whose
    threads hang still ends, and its stack is cleaned up by the caller.
    """

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitError(f"{what} took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL server on loopback, reached as user postgres (trust)."""

    port: int = 5432
    data_dir: Path | None = None
    """A private cluster's data directory; None for the system's cluster."""

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}"


SYSTEM_POSTGRES = Postgres()


def connect(
    database: str = "postgres", postgres: Postgres = SYSTEM_POSTGRES
) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(
        f"{postgres.url}/{database}",
        autocommit=True,
        connect_timeout=5,
        application_name=APPLICATION_NAME,
    )


@dataclass(frozen=True)
class Database:
    """A scratch database, queried over fresh connections.

    A fresh connection per query keeps the checks independent of the
    server's pool and survives a PostgreSQL restart.
    """

    name: str
    postgres: Postgres = SYSTEM_POSTGRES

    @property
    def url(self) -> str:
        return f"{self.postgres.url}/{self.name}"

    def connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        return connect(self.name, self.postgres)

    def create(self) -> None:
        with connect("postgres", self.postgres) as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            )

    def drop(self) -> None:
        # FORCE ends any connection left behind by a process killed on purpose.
        with connect("postgres", self.postgres) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)
                )
            )

    def rows(self, query: LiteralString, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            return connection.execute(query, params).fetchall()

    def value(self, query: LiteralString, *params: Any) -> Any:
        rows = self.rows(query, *params)
        return rows[0][0] if rows else None

    def execute(self, query: LiteralString, *params: Any) -> int:
        with self.connect() as connection:
            return connection.execute(query, params).rowcount


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def production_env(
    *,
    database_url: str,
    static_root: Path,
    questionnaires: Path,
    port: int,
    workers: int = 2,
    threads: int = 8,
) -> dict[str, str]:
    """The environment of a production container, pointed at loopback."""
    env = {name: os.environ[name] for name in INHERITED if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://{HOST}:{port}",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        DATABASE_URL=database_url,
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        TASKS_BACKEND="database",
        STATIC_ROOT=str(static_root),
        QUESTIONNAIRES_DIR=str(questionnaires),
        GUNICORN_WORKERS=str(workers),
        GUNICORN_THREADS=str(threads),
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def collect_static(static_root: Path, questionnaires: Path) -> None:
    """Collect the static files once per run; the manifest storage needs them."""
    env = production_env(
        database_url=f"{SYSTEM_POSTGRES.url}/postgres",
        static_root=static_root,
        questionnaires=questionnaires,
        port=0,
    )
    done = subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode:
        raise StackError(f"collectstatic failed:\n{done.stderr[-2000:]}")


def healthz(port: int, timeout: float = 2) -> int:
    """The status /healthz answers, or 0 when nothing answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers={"Host": HOST})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def child_pids(parent: int) -> set[int]:
    """Processes whose parent is ``parent``, read from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.add(int(entry.name))
    return children


@dataclass(frozen=True)
class ServerLog:
    """What the server's log says about a run."""

    statuses: dict[int, int]
    errors: list[str]

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


def read_server_log(path: Path) -> ServerLog:
    statuses: dict[int, int] = {}
    errors = []
    for line in path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        message = str(record.get("message", ""))
        if record.get("logger") == "gunicorn.access":
            match = ACCESS_LINE.match(message)
            if match:
                status = int(match.group(3))
                statuses[status] = statuses.get(status, 0) + 1
        elif record.get("level") in {"ERROR", "CRITICAL"}:
            # The exception's last line says what went wrong.
            cause = str(record.get("exception", "")).strip().rsplit("\n", 1)[-1]
            errors.append(f"{record.get('logger')}: {message}: {cause}"[:300])
    return ServerLog(statuses, errors)


class Stack:
    """One scenario's database, files and processes."""

    def __init__(
        self,
        name: str,
        *,
        static_root: Path,
        workdir: Path,
        postgres: Postgres = SYSTEM_POSTGRES,
        workers: int = 2,
        threads: int = 8,
    ) -> None:
        self.name = name
        self.database = Database(f"resilience_{name}_{secrets.token_hex(4)}", postgres)
        self.workdir = workdir / name
        self.questionnaires = self.workdir / "questionnaires"
        self.port = free_port()
        self.env = production_env(
            database_url=self.database.url,
            static_root=static_root,
            questionnaires=self.questionnaires,
            port=self.port,
            workers=workers,
            threads=threads,
        )
        self.server: subprocess.Popen[bytes] | None = None
        self.started: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []
        self._database_created = False

    @property
    def server_log(self) -> Path:
        return self.workdir / "gunicorn.log"

    def manage(
        self, *args: str, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a management command with the server's settings."""
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def prepare(self) -> None:
        """The database, migrated, with the questionnaires stored."""
        self.workdir.mkdir(parents=True)
        shutil.copytree(ROOT / "questionnaires", self.questionnaires)
        self.database.create()
        self._database_created = True
        for command in (["migrate", "--noinput"], ["sync_questionnaires"]):
            done = self.manage(*command)
            if done.returncode:
                raise StackError(
                    f"manage.py {' '.join(command)} failed:\n{done.stderr[-2000:]}"
                )

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen[bytes]:
        log = (self.workdir / log_name).open("ab")
        self._logs.append(log)
        # A session of its own, so that stopping it reaches its children
        # (gunicorn's workers) and nothing else.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def start_server(self, timeout: float = 60) -> None:
        self.server = self._spawn(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"{HOST}:{self.port}",
            ],
            "gunicorn.log",
        )
        deadline = time.monotonic() + timeout
        while healthz(self.port) != 200:
            if self.server.poll() is not None or time.monotonic() > deadline:
                tail = self.server_log.read_text(errors="replace")[-3000:]
                raise StackError(f"gunicorn did not become healthy:\n{tail}")
            time.sleep(0.2)

    def server_workers(self) -> set[int]:
        assert self.server is not None
        return child_pids(self.server.pid)

    def reload_server(self, timeout: float = 60) -> set[int]:
        """Replace gunicorn's workers (SIGHUP), as a redeploy would; new pids."""
        assert self.server is not None
        before = self.server_workers()
        self.server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.server_workers()
            if now and not now & before and healthz(self.port) == 200:
                return now
            time.sleep(0.2)
        raise StackError("gunicorn did not replace its workers after SIGHUP")

    def start_task_worker(self) -> subprocess.Popen[bytes]:
        return self._spawn(
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--no-startup-delay",
                "--interval",
                "0.1",
            ],
            "db_worker.log",
        )

    def stop(self, process: subprocess.Popen[bytes], *, grace: float = 15) -> None:
        """Stop a process this stack started, and its children."""
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            # Whatever is left of the group, such as a worker stuck in a request.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def close(self) -> None:
        for process in reversed(self.started):
            self.stop(process)
        for log in self._logs:
            log.close()
        if self._database_created:
            self.database.drop()


@contextlib.contextmanager
def running_stack(
    name: str,
    *,
    static_root: Path,
    workdir: Path,
    postgres: Postgres = SYSTEM_POSTGRES,
    workers: int = 2,
    threads: int = 8,
    server: bool = True,
) -> Iterator[Stack]:
    stack = Stack(
        name,
        static_root=static_root,
        workdir=workdir,
        postgres=postgres,
        workers=workers,
        threads=threads,
    )
    try:
        stack.prepare()
        if server:
            stack.start_server()
        yield stack
    finally:
        stack.close()
