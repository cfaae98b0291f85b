"""Production settings pass Django's deployment check and harden responses.

Settings are read once per process, so each case starts a fresh Python
with exactly the environment a deployment would give it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from django.conf import settings
names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "MAILERS",
    "DEFAULT_FROM_EMAIL", "LOG_FORMAT", "STORAGES",
]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def production_env(**overrides: str) -> dict[str, str]:
    """A deployment's environment: nothing but what it must set."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "kP3v-production-like-secret-key-with-enough-entropy-7Qz",
        "ALLOWED_HOSTS": "assessment.example.org",
    }
    return env | overrides


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_under(env: dict[str, str]) -> dict[str, Any]:
    result = run_python("-c", PRINT_SETTINGS, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deploy_check_with_warnings_as_failures():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(),
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_fails_when_a_protection_is_turned_off():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(SECURE_SSL_REDIRECT="false"),
    )

    assert result.returncode == 1
    assert "security.W008" in result.stderr


def test_production_cookies_headers_and_static_files_are_hardened():
    settings = settings_under(production_env())

    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_HTTPONLY"] is True
    assert settings["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert settings["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert settings["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert settings["LOG_FORMAT"] == "json"


def test_production_sends_email_through_the_smtp_server_from_the_environment(
    tmp_path,
):
    password_file = tmp_path / "smtp-password"
    password_file.write_text("s3cret\n")

    settings = settings_under(
        production_env(
            EMAIL_HOST="smtp.example.org",
            EMAIL_PORT="2525",
            EMAIL_HOST_USER="mailer",
            EMAIL_HOST_PASSWORD_FILE=str(password_file),
            EMAIL_USE_TLS="false",
            DEFAULT_FROM_EMAIL="Assessments <noreply@example.org>",
        )
    )

    assert settings["MAILERS"] == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "smtp.example.org",
                "port": 2525,
                "username": "mailer",
                "password": "s3cret",
                "use_tls": False,
                "timeout": 10,
            },
        }
    }
    assert settings["DEFAULT_FROM_EMAIL"] == "Assessments <noreply@example.org>"


def test_smtp_defaults_to_the_submission_port_with_starttls():
    options = settings_under(production_env())["MAILERS"]["default"]["OPTIONS"]

    assert options["port"] == 587
    assert options["use_tls"] is True


def test_development_prints_email_and_plain_log_lines():
    settings = settings_under(production_env(DEBUG="true"))

    assert settings["MAILERS"] == {
        "default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    }
    assert settings["LOG_FORMAT"] == "text"


def test_bad_mail_and_log_settings_stop_the_process_naming_the_variable():
    for name, value, message in [
        ("EMAIL_PORT", "smtp", "EMAIL_PORT='smtp' is not a whole number"),
        ("EMAIL_USE_TLS", "maybe", "EMAIL_USE_TLS='maybe' is not a boolean"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT='xml' is not json or text"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='LOUD' is not a log level"),
    ]:
        result = run_python("-c", PRINT_SETTINGS, env=production_env(**{name: value}))

        assert result.returncode == 1, name
        assert message in result.stderr
