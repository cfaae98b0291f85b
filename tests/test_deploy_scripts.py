"""The image's build steps work: each runs here as the Dockerfile runs it.

No Docker engine is needed. Every step of the Dockerfile is a script in
deploy/; these tests run the same scripts on this machine, in temporary
directories, then start gunicorn from the virtualenv they built, with
production settings, and talk to it over HTTP.
"""

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parent.parent
PUBLISHED_VERSIONS = len(list((BASE_DIR / "questionnaires").glob("*/*.yaml")))
HOST = "assessment.example.org"
TOKEN = "q1Zr8Yk0Hn2-x_Vb4Lm7Tc9Wd3Fs6Gj5Pa0Ue8Io2Kh"

# The scripts the Dockerfile's RUN steps call, each exercised below.
BUILD_SCRIPTS = {
    "deploy/build-venv.sh",
    "deploy/install-system-packages.sh",
    "deploy/add-app-user.sh",
    "deploy/check-pdf-output.sh",
    "deploy/collect-static.sh",
}


def run(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    """Run a deploy/ script from the project directory, as the image does."""
    result = subprocess.run(
        [str(BASE_DIR / script), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def test_every_dockerfile_step_is_a_deploy_script_tested_here():
    dockerfile = (BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")

    # The first word after RUN and its --mount options is the command.
    steps = re.findall(r"^RUN (?:--\S+\s+)*(\S+)", dockerfile, flags=re.MULTILINE)

    assert sorted(steps) == sorted(BUILD_SCRIPTS)
    for script in steps:
        assert os.access(BASE_DIR / script, os.X_OK), f"{script} is not executable"


def test_the_image_runs_gunicorn_as_an_unprivileged_user_and_checks_health():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    assert "FROM python:3.13-slim-" in dockerfile
    assert "USER 10001:10001" in dockerfile
    assert 'CMD ["python", "deploy/healthcheck.py"]' in dockerfile
    assert 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py"]' in dockerfile


def test_compose_runs_the_release_before_the_web_app_and_the_task_worker():
    services = yaml.safe_load((BASE_DIR / "compose.yaml").read_text())["services"]

    assert services["db"]["image"] == "postgres:16"
    assert services["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert "healthcheck" in services["db"]
    assert services["release"]["command"] == ["deploy/release.sh"]
    assert services["release"]["restart"] == "no"
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "db": {"condition": "service_healthy"},
            "release": {"condition": "service_completed_successfully"},
        }
        assert services[name]["env_file"] == ".env"


def test_the_docker_context_leaves_out_secrets_databases_and_local_state():
    ignored = (BASE_DIR / ".dockerignore").read_text().split()

    for entry in [".env", ".git", ".venv", "db.sqlite3", "staticfiles", "tests"]:
        assert entry in ignored


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as in a build")


@pytest.mark.slow
@needs_root
def test_the_system_packages_install():
    run("deploy/install-system-packages.sh")


@needs_root
def test_the_app_user_is_unprivileged_and_may_write_only_to_data(tmp_path):
    (tmp_path / "etc").mkdir()
    for name in ["passwd", "group", "shadow", "gshadow", "login.defs"]:
        if Path("/etc", name).exists():
            shutil.copy(Path("/etc", name), tmp_path / "etc" / name)

    run("deploy/add-app-user.sh", str(tmp_path))

    passwd = (tmp_path / "etc" / "passwd").read_text().splitlines()
    assert "app:x:10001:10001::/app:/usr/sbin/nologin" in passwd
    assert "app:x:10001:" in (tmp_path / "etc" / "group").read_text()
    data = (tmp_path / "data").stat()
    assert (data.st_uid, data.st_gid, data.st_mode & 0o777) == (10001, 10001, 0o750)


@dataclass
class Build:
    venv: Path
    static_root: Path
    database: Path

    def env(self, **overrides: str) -> dict[str, str]:
        """Production settings, with the built virtualenv first on PATH."""
        return {
            "PATH": f"{self.venv / 'bin'}:{os.environ['PATH']}",
            "HOME": os.environ.get("HOME", "/root"),
            "DEBUG": "false",
            "SECRET_KEY": "kP3v-production-like-secret-key-with-enough-entropy-7Qz",
            "ALLOWED_HOSTS": HOST,
            "BEHIND_PROXY": "true",
            "STATIC_ROOT": str(self.static_root),
            "DATABASE_URL": f"sqlite:///{self.database}",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "2",
        } | overrides


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Build:
    """The virtualenv and static files the image would hold."""
    root = tmp_path_factory.mktemp("image")
    built = Build(root / "venv", root / "static", root / "db.sqlite3")

    run(
        "deploy/build-venv.sh",
        str(built.venv),
        env=os.environ | {"PYTHON": sys.executable},
    )
    run("deploy/collect-static.sh", env=built.env())
    return built


@pytest.mark.slow
def test_the_virtualenv_holds_the_locked_runtime_dependencies_only(build):
    frozen = subprocess.run(
        [str(build.venv / "bin" / "python"), "-m", "pip", "freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    locked = (BASE_DIR / "requirements.lock").read_text().split()

    assert set(frozen) <= set(locked)
    names = {line.split("==")[0].lower() for line in frozen}
    assert {"django", "gunicorn", "weasyprint", "psycopg", "whitenoise"} <= names
    assert not {"pytest", "mypy", "ruff", "playwright"} & names


@pytest.mark.slow
def test_weasyprint_draws_a_pdf_with_a_font(build):
    output = run("deploy/check-pdf-output.sh", env=build.env())

    assert "PDF output works" in output


@pytest.mark.slow
def test_static_files_are_collected_with_hashed_compressed_copies(build):
    manifest = json.loads((build.static_root / "staticfiles.json").read_text())

    hashed = manifest["paths"]["css/app.css"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", hashed)
    assert (build.static_root / hashed).exists()
    assert (build.static_root / f"{hashed}.gz").exists()
    assert (build.static_root / f"{hashed}.br").exists()


@pytest.mark.slow
def test_the_release_migrates_syncs_questionnaires_and_passes_the_deploy_check(
    build, tmp_path
):
    database = tmp_path / "release.sqlite3"

    output = run(
        "deploy/release.sh", env=build.env(DATABASE_URL=f"sqlite:///{database}")
    )

    assert "Applying assessment.0001_initial... OK" in output
    assert output.count("stored     ") == PUBLISHED_VERSIONS >= 1
    assert "System check identified no issues" in output


@dataclass
class Server:
    url: str
    log: Path

    def get(self, path: str, *, https: bool = True) -> tuple[int, dict[str, str], str]:
        """Status, headers and body, as seen behind a TLS-terminating proxy."""
        headers = {"Host": HOST}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        # The URL is always the local test server's.
        request = urllib.request.Request(self.url + path, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(NoRedirects)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def log_entries(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(build, tmp_path_factory) -> Iterator[Server]:
    """Gunicorn started as the image starts it, after a release."""
    run("deploy/release.sh", env=build.env())
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    port = free_port()

    with log.open("w") as stderr:
        process = subprocess.Popen(
            [
                str(build.venv / "bin" / "gunicorn"),
                "--config",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=BASE_DIR,
            env=build.env(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_for_port(port, process)
        yield Server(f"http://127.0.0.1:{port}", log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited at start-up"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not listen within 30 seconds")


@pytest.mark.slow
def test_the_health_check_passes_once_the_release_has_run(build, server):
    status, headers, body = server.get("/healthz", https=False)
    healthcheck = subprocess.run(
        [
            str(build.venv / "bin" / "python"),
            "deploy/healthcheck.py",
            f"{server.url}/healthz",
        ],
        cwd=BASE_DIR,
        env=build.env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert status == 200
    assert json.loads(body) == {
        "status": "ok",
        "database": "ok",
        "questionnaires": PUBLISHED_VERSIONS,
    }
    assert headers["Cache-Control"] == "no-store"
    assert healthcheck.returncode == 0, healthcheck.stderr


def test_the_health_check_fails_on_an_unhealthy_answer_and_names_an_allowed_host():
    seen_hosts: list[str] = []

    class Unhealthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen_hosts.append(self.headers["Host"])
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 0), Unhealthy) as unhealthy:
        thread = threading.Thread(target=unhealthy.handle_request)
        thread.start()
        healthcheck = subprocess.run(
            [
                sys.executable,
                "deploy/healthcheck.py",
                f"http://127.0.0.1:{unhealthy.server_port}/healthz",
            ],
            cwd=BASE_DIR,
            env={"ALLOWED_HOSTS": f".{HOST},www.{HOST}"},
            capture_output=True,
            text=True,
            check=False,
        )
        thread.join(timeout=10)

    assert healthcheck.returncode == 1
    assert "503" in healthcheck.stderr
    assert seen_hosts == [HOST]


@pytest.mark.slow
def test_the_health_check_fails_when_the_app_does_not_answer(build):
    healthcheck = subprocess.run(
        [
            str(build.venv / "bin" / "python"),
            "deploy/healthcheck.py",
            f"http://127.0.0.1:{free_port()}/healthz",
        ],
        cwd=BASE_DIR,
        env=build.env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert healthcheck.returncode == 1
    assert "health check failed" in healthcheck.stderr


@pytest.mark.slow
def test_pages_link_hashed_static_files_that_whitenoise_serves_for_a_year(server):
    status, _, page = server.get("/")
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)

    assert status == 200
    assert stylesheet
    status, headers, _ = server.get(stylesheet.group(1))
    assert status == 200
    assert "immutable" in headers["Cache-Control"]


@pytest.mark.slow
def test_plain_http_is_redirected_to_https(server):
    status, headers, _ = server.get("/hub/", https=False)

    assert status == 301
    assert headers["Location"] == f"https://{HOST}/hub/"


@pytest.mark.slow
def test_logs_are_json_lines_that_never_show_a_private_link(server):
    status, headers, _ = server.get(f"/a/{TOKEN}/no-such-page/?email=jo@example.org")
    assert status == 404
    assert headers["Cache-Control"] == "no-store"

    deadline = time.monotonic() + 5
    while "gunicorn.access" not in server.log.read_text():
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.1)
    time.sleep(0.2)

    messages = {(entry["logger"], entry["message"]) for entry in server.log_entries()}
    assert ("django.request", "Not Found: /a/<redacted>/no-such-page/") in messages
    assert any(
        logger == "gunicorn.access"
        and str(message).startswith("GET /a/<redacted>/no-such-page/ 404 ")
        for logger, message in messages
    )
    assert TOKEN not in server.log.read_text()
    assert "jo@example.org" not in server.log.read_text()
