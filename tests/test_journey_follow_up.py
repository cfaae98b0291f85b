"""Retake and revise: a double click makes one draft and shows its link."""

import pytest
from django.test import Client

from assessment.models import Assessment
from tests.journey_support import LINK, start, store_tiny

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    store_tiny()
    respondent = start(Client())
    respondent.autosave("data-store", answer="shared")
    respondent.client.post(respondent.url("submit"))
    return respondent


def results_key(respondent) -> str:
    page = respondent.client.get(respondent.url("results")).content.decode()
    marker = 'name="request_key" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("action", ["retake", "revise"])
def test_a_double_click_makes_one_draft_and_both_answers_show_its_link(
    submitted, action
):
    key = results_key(submitted)

    first = submitted.client.post(submitted.url(action), {"request_key": key})
    second = submitted.client.post(submitted.url(action), {"request_key": key})

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert LINK.search(first["Location"])
    assert Assessment.objects.filter(previous=submitted.assessment).count() == 1


def test_each_showing_of_the_results_page_gives_a_fresh_key(submitted):
    first, second = results_key(submitted), results_key(submitted)

    submitted.client.post(submitted.url("retake"), {"request_key": first})
    submitted.client.post(submitted.url("retake"), {"request_key": second})

    assert first != second
    assert Assessment.objects.filter(previous=submitted.assessment).count() == 2


def test_a_malformed_key_still_makes_a_draft_with_a_random_link(submitted):
    response = submitted.client.post(submitted.url("retake"), {"request_key": "<x>"})

    assert response.status_code == 302
    assert Assessment.objects.filter(previous=submitted.assessment).count() == 1
