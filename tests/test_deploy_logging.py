"""Logs are JSON lines in production and never show private links or e-mails."""

import io
import json
import logging
import logging.config
import runpy
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from gunicorn.config import Config

from config.logging import JSONFormatter, RedactPersonalData, logging_config, redact

BASE_DIR = Path(__file__).resolve().parent.parent
TOKEN = "q1Zr8Yk0Hn2-x_Vb4Lm7Tc9Wd3Fs6Gj5Pa0Ue8Io2Kh"


def test_a_private_link_path_is_masked_wherever_it_appears():
    assert redact(f"GET /a/{TOKEN}/results/") == "GET /a/<redacted>/results/"
    assert redact(f"https://x.example/a/{TOKEN}") == "https://x.example/a/<redacted>"
    assert redact(f"/a/{TOKEN}/d/data/ and /a/{TOKEN}/") == (
        "/a/<redacted>/d/data/ and /a/<redacted>/"
    )


def test_e_mail_addresses_are_masked():
    assert redact("sent to jo.smith+ml@agency.example.gov.uk today") == (
        "sent to <email> today"
    )


def test_ordinary_paths_and_words_are_left_alone():
    for text in [
        "/hub/articles/monitoring-and-drift/",
        "/a/short/",
        "/admin/assessment/",
        "/static/css/app.adaee8193a51.css",
        "score 3.5 @ level 2",
    ]:
        assert redact(text) == text


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    made = logging.LogRecord(
        "assessment.views", logging.WARNING, __file__, 1, message, args, None
    )
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_the_json_formatter_writes_one_object_per_line_with_the_extra_fields():
    line = JSONFormatter().format(
        record("stored %s\nsecond line", "tiny 1.0", questionnaire="tiny", count=3)
    )

    assert "\n" not in line
    entry = json.loads(line)
    assert entry.pop("time").endswith("+00:00")
    assert entry == {
        "level": "WARNING",
        "logger": "assessment.views",
        "message": "stored tiny 1.0\nsecond line",
        "questionnaire": "tiny",
        "count": 3,
    }


def test_objects_passed_as_extra_fields_are_left_out():
    # Django attaches the request to django.request records; its text form
    # would repeat the path the message had to mask.
    entry = json.loads(JSONFormatter().format(record("Not Found", request=object())))

    assert "request" not in entry


def test_the_filter_masks_the_message_its_arguments_and_extra_fields():
    masked = record(
        "Not Found: %s (from %s)", f"/a/{TOKEN}/", "jo@example.org", path=f"/a/{TOKEN}/"
    )

    assert RedactPersonalData().filter(masked) is True
    assert masked.getMessage() == "Not Found: /a/<redacted>/ (from <email>)"
    assert vars(masked)["path"] == "/a/<redacted>/"


def test_the_filter_masks_tracebacks():
    try:
        raise ValueError(f"no assessment at /a/{TOKEN}/ for jo@example.org")
    except ValueError:
        failed = logging.LogRecord(
            "assessment", logging.ERROR, __file__, 1, "failed", None, sys.exc_info()
        )

    RedactPersonalData().filter(failed)
    entry = json.loads(JSONFormatter().format(failed))

    assert (
        "ValueError: no assessment at /a/<redacted>/ for <email>" in entry["exception"]
    )
    assert TOKEN not in json.dumps(entry)


@pytest.fixture
def json_log():
    """The project's logging in JSON, written to a buffer for the test."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    config = logging_config("json", "INFO")
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)

    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]

    logging.config.dictConfig(settings.LOGGING)
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def test_djangos_request_log_shows_a_private_link_only_masked(client, json_log):
    response = client.get(f"/a/{TOKEN}/no-such-page/")

    assert response.status_code == 404
    entries = json_log()
    assert {
        "logger": "django.request",
        "level": "WARNING",
        "message": "Not Found: /a/<redacted>/no-such-page/",
        "status_code": 404,
    }.items() <= entries[-1].items()
    assert TOKEN not in json.dumps(entries)


def test_application_logs_go_through_the_same_masking(json_log):
    logging.getLogger("assessment.journey").info("link sent to %s", "jo@example.org")

    [entry] = json_log()
    assert entry["message"] == "link sent to <email>"


@pytest.fixture
def gunicorn_logger():
    """The logger class deploy/gunicorn.conf.py gives gunicorn."""
    conf = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", conf["access_log_format"])
    logger = conf["logger_class"](cfg)

    yield logger

    for log in (logger.error_log, logger.access_log):
        for handler in log.handlers[:]:
            log.removeHandler(handler)


class FakeResponse:
    status = "404 Not Found"
    sent = 179
    headers: list[tuple[str, str]] = []


def test_gunicorns_access_log_masks_the_token_and_drops_the_query_string(
    gunicorn_logger,
):
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/a/{TOKEN}/results/?email=jo@example.org",
        "PATH_INFO": f"/a/{TOKEN}/results/",
        "QUERY_STRING": "email=jo@example.org",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://assessment.example.org/a/{TOKEN}/review/",
    }
    headers = [("REFERER", environ["HTTP_REFERER"])]

    atoms = gunicorn_logger.atoms(
        FakeResponse(), headers, environ, timedelta(milliseconds=12)
    )

    line = gunicorn_logger.cfg.access_log_format % atoms
    assert line == "GET /a/<redacted>/results/ 404 179 12ms"
    assert atoms["r"] == "GET /a/<redacted>/results/ HTTP/1.1"
    assert atoms["f"] == "https://assessment.example.org/a/<redacted>/review/"
    assert atoms["{referer}i"] == atoms["f"]
    assert TOKEN not in repr(atoms)
    assert "jo@example.org" not in repr(atoms)
