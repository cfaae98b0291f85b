"""Settings from the environment fail loudly on bad values."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import check_pooled_connection
from config.env import database_from_url, env_bool, env_int, env_list, env_str


def test_booleans_accept_the_usual_words(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("FLAG", "perhaps")

    with pytest.raises(ImproperlyConfigured, match="FLAG='perhaps' is not a boolean"):
        env_bool("FLAG", False)


def test_integers_are_checked(monkeypatch):
    monkeypatch.setenv("COUNT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="COUNT='twelve'"):
        env_int("COUNT", 1)
    monkeypatch.setenv("COUNT", "-3")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("COUNT", 1, minimum=0)


def test_lists_and_defaults(monkeypatch):
    monkeypatch.delenv("HOSTS", raising=False)
    assert env_list("HOSTS", ["a"]) == ["a"]
    monkeypatch.setenv("HOSTS", "x.example, y.example,")
    assert env_list("HOSTS", []) == ["x.example", "y.example"]


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("TOKEN_FILE", str(secret))

    assert env_str("TOKEN", "") == "s3cr3t"


def test_an_unreadable_secret_file_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))

    with pytest.raises(ImproperlyConfigured, match="TOKEN_FILE"):
        env_str("TOKEN", "")


def test_no_database_url_means_an_sqlite_file():
    config = database_from_url("", Path("/srv/app"))

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == Path("/srv/app/db.sqlite3")


def test_a_postgres_url_uses_psycopg_with_a_pool():
    config = database_from_url(
        "postgres://app:p%40ss@db.internal:6543/assess?pool_max_size=4", Path()
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("app", "p@ss")
    assert (config["HOST"], config["PORT"], config["NAME"]) == (
        "db.internal",
        "6543",
        "assess",
    )
    assert config["OPTIONS"]["pool"]["max_size"] == 4


def test_pooled_postgres_connections_are_checked_before_use():
    config = database_from_url("postgres://app@db.internal/assess", Path())

    assert config["OPTIONS"]["pool"]["check"] is check_pooled_connection


@pytest.mark.parametrize(
    "url",
    [
        "mysql://x/y",
        "postgres://host",
        "postgres://host:notaport/db",
        "postgres://h/db?pool_max_size=x",
    ],
)
def test_bad_database_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url, Path())
