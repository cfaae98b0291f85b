"""Only the holder of an assessment's private link can read or change it.

Personas: respondent A and respondent B, each with their own link, and an
outsider with none.
"""

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Answer, Assessment, AssessmentResult
from tests.journey_support import start, store_tiny

pytestmark = pytest.mark.django_db

PRIVATE_GETS = [
    ("resume", ()),
    ("link", ()),
    ("dimension", ("data",)),
    ("review", ()),
    ("results", ()),
    ("delete", ()),
]
PRIVATE_POSTS = [
    ("dimension", ("data",), {"answer-data-store": "versioned"}),
    ("answer", ("data-store",), {"answer-data-store": "versioned"}),
    ("submit", (), {}),
    ("targets", (), {"target-data": "2"}),
    ("retake", (), {}),
    ("revise", (), {}),
    ("delete", (), {}),
]


@pytest.fixture
def respondents():
    store_tiny()
    a = start(Client(), name="Alpha Ltd")
    b = start(Client(), name="Beta plc")
    a.autosave("data-store", answer="laptop", note="Alpha secret note")
    b.autosave("data-store", answer="shared", note="Beta secret note")
    return a, b


def snapshot():
    return (
        sorted(
            Answer.objects.values_list(
                "assessment__organisation__name", "question_id", "choices", "note"
            )
        ),
        sorted(Assessment.objects.values_list("pk", "status", "targets")),
        AssessmentResult.objects.count(),
    )


def test_a_link_opens_only_its_own_assessment(respondents):
    a, _b = respondents

    pages = [a.client.get(a.url(name, *args)) for name, args in PRIVATE_GETS]

    seen = " ".join(page.content.decode() for page in pages)
    assert "Alpha" in seen
    assert "Beta" not in seen
    assert "Beta secret note" not in seen


def test_b_never_sees_a_s_answers(respondents):
    _a, b = respondents

    page = b.client.get(b.url("dimension", "data")).content.decode()

    assert "Beta secret note" in page
    assert "Alpha secret note" not in page
    assert 'value="shared" checked' in page


def test_a_s_session_gives_no_access_to_b_without_b_s_link(respondents):
    a, b = respondents
    wrong = b.token[:-2] + ("xx" if not b.token.endswith("xx") else "yy")
    before = snapshot()

    for name, args in PRIVATE_GETS:
        url = reverse(f"assessment:{name}", args=[wrong, *args])
        assert a.client.get(url).status_code == 404, name
    for name, args, data in PRIVATE_POSTS:
        url = reverse(f"assessment:{name}", args=[wrong, *args])
        assert a.client.post(url, data).status_code == 404, name

    assert snapshot() == before


def test_changes_through_a_s_link_never_touch_b(respondents):
    a, b = respondents
    b_before = list(
        Answer.objects.filter(assessment=b.assessment).values_list(
            "question_id", "choices", "note"
        )
    )

    for name, args, data in PRIVATE_POSTS:
        a.client.post(a.url(name, *args), data)

    b_after = list(
        Answer.objects.filter(assessment=b.assessment).values_list(
            "question_id", "choices", "note"
        )
    )
    assert b_after == b_before
    assert b.assessment.status == Assessment.Status.DRAFT
    assert b.assessment.targets == {}


def test_an_outsider_without_a_link_finds_nothing(respondents):
    a, _b = respondents
    outsider = Client()
    before = snapshot()

    def without_token(url):
        return [url.replace(a.token, ""), url.replace(f"{a.token}/", "")]

    for name, args in PRIVATE_GETS:
        for url in without_token(a.url(name, *args)):
            assert outsider.get(url).status_code == 404, url
    for name, args, data in PRIVATE_POSTS:
        url = a.url(name, *args).replace(a.token, "")
        assert outsider.post(url, data).status_code == 404, url

    assert snapshot() == before


def test_private_pages_are_never_cached(respondents):
    a, _b = respondents

    for name, args in PRIVATE_GETS:
        response = a.client.get(a.url(name, *args))
        assert "no-store" in response["Cache-Control"], name
    autosave = a.autosave("data-store", answer="shared")
    assert "no-store" in autosave["Cache-Control"]
