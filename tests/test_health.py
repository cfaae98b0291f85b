"""/healthz tells a load balancer whether this instance can serve."""

import time
from typing import cast

import psycopg
import pytest
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper

from assessment.loader import load_paths
from assessment.versions import known_links, sync
from tests.questionnaire_files import TINY

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_version():
    outcome = sync(load_paths([TINY], known_links()))
    assert outcome.errors == []


def test_it_is_healthy_when_the_database_answers_and_a_version_is_stored(
    client, stored_version
):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "questionnaires": 1}


def test_it_is_unavailable_before_any_questionnaire_is_synced(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "questionnaires": 0,
    }


def test_it_is_unavailable_when_the_database_does_not_answer(
    client, stored_version, monkeypatch
):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "questionnaires": None,
    }


def test_it_is_never_cached(client, stored_version):
    response = client.get("/healthz")

    assert response.headers["Cache-Control"] == "no-store"


def test_it_answers_plain_http_where_every_other_page_redirects_to_https(
    client, stored_version, settings
):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/hub/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_it_answers_head_requests_and_refuses_posts(client, stored_version):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_it_answers_promptly_after_postgresql_ended_the_pooled_connections(client):
    sync(load_paths([TINY], known_links()))
    # Idle connections in the pool, as a busy server leaves behind. Tried
    # one at a time with growing pauses, five broken ones take longer than
    # the pool's timeout.
    connection.close()
    pool = cast(PostgresWrapper, connection).pool
    lent = [pool.getconn() for _ in range(5)]
    for pooled in lent:
        pool.putconn(pooled)

    terminate_backends_of(connection.settings_dict["NAME"])
    started = time.monotonic()
    response = client.get("/healthz")

    assert response.status_code == 200
    assert time.monotonic() - started < 5


def terminate_backends_of(database: str) -> None:
    """End every session of ``database``, as a restart of PostgreSQL would."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"],
        autocommit=True,
    ) as admin:
        ended = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    assert len(ended) >= 5
