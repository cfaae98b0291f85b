"""The busiest pages make a fixed number of queries, however many answers."""

from typing import Any

import pytest
from django.test import Client

from tests.journey_support import start, store_tiny

pytestmark = pytest.mark.django_db

ANSWERS: list[tuple[str, dict[str, Any]]] = [
    ("data-store", {"answer": "versioned", "note": "A note"}),
    ("data-versioned", {"answer": "yes"}),
    ("data-tools", {"answer": ["schema", "ranges"]}),
    ("mon-any", {"answer": "alerts"}),
    ("mon-notes", {"text": "All good"}),
]


@pytest.fixture(params=[0, 1, len(ANSWERS)], ids=lambda n: f"{n} answers")
def respondent(request):
    store_tiny()
    respondent = start(Client())
    for question_id, fields in ANSWERS[: request.param]:
        respondent.autosave(question_id, **fields)
    # A process reads a questionnaire's definition once and keeps it parsed;
    # one page view first, so the counts below are those of every later view.
    respondent.client.get(respondent.url("dimension", "data"))
    return respondent


def test_the_answer_page_makes_two_queries(respondent, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = respondent.client.get(respondent.url("dimension", "data"))

    assert response.status_code == 200


def test_an_autosave_makes_four_queries_and_a_savepoint(
    respondent, django_assert_num_queries
):
    # Find the assessment, lock it while still a draft, read the answers,
    # upsert one; inside the test's transaction the atomic block adds a
    # savepoint and its release.
    with django_assert_num_queries(6):
        response = respondent.autosave("mon-any", answer="manual")

    assert response.status_code == 200


def test_the_results_page_makes_four_queries(respondent, django_assert_num_queries):
    respondent.client.post(respondent.url("submit"))

    # The assessment, its result and the previous one's, its answers, and
    # the levels advisers validated.
    with django_assert_num_queries(4):
        response = respondent.client.get(respondent.url("results"))

    assert response.status_code == 200
