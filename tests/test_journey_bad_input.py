"""Bad input gets a clear 4xx, and nothing of it is stored."""

import pytest
from django.test import Client

from assessment.models import Answer, Assessment
from tests.journey_support import Respondent, start, store_tiny

pytestmark = pytest.mark.django_db


@pytest.fixture
def respondent():
    store_tiny()
    return start(Client())


def nothing_stored():
    return Answer.objects.count() == 0


def test_an_unknown_question_is_not_found(respondent):
    response = respondent.autosave("no-such-question", answer="yes")

    assert response.status_code == 404
    assert nothing_stored()


def test_an_unknown_option_is_refused_with_its_name(respondent):
    response = respondent.autosave("data-store", answer="in-the-cloud")

    assert response.status_code == 400
    assert "unknown option(s): in-the-cloud" in response.content.decode()
    assert nothing_stored()


def test_two_options_for_a_single_choice_question_are_refused(respondent):
    response = respondent.autosave("data-store", answer=["laptop", "shared"])

    assert response.status_code == 400
    assert "takes a single answer" in response.content.decode()
    assert nothing_stored()


def test_options_and_a_special_answer_together_are_refused(respondent):
    response = respondent.autosave("data-tools", answer=["schema", "dont_know"])

    assert response.status_code == 400
    assert nothing_stored()


def test_not_applicable_is_refused_where_the_question_does_not_allow_it(
    respondent,
):
    response = respondent.autosave("data-store", answer="not_applicable")

    assert response.status_code == 400
    assert "cannot be marked not applicable" in response.content.decode()
    assert nothing_stored()


def test_options_for_a_free_text_question_are_refused(respondent):
    response = respondent.autosave("mon-notes", answer="none")

    assert response.status_code == 400
    assert nothing_stored()


@pytest.mark.parametrize("field", ["note", "text"])
def test_text_over_2000_characters_is_refused(respondent, field):
    question = "mon-notes" if field == "text" else "data-store"

    response = respondent.autosave(question, **{field: "x" * 2001})

    assert response.status_code == 400
    assert "shorten it to 2,000 or fewer" in response.content.decode()
    assert nothing_stored()


def test_2000_characters_with_line_breaks_fit(respondent):
    note = "\r\n".join(["x" * 99] * 20)

    response = respondent.autosave("data-store", answer="laptop", note=note)

    assert response.status_code == 200
    assert len(Answer.objects.get().note) == 1999


def test_evidence_for_a_question_that_asks_for_none_is_refused(respondent):
    response = respondent.autosave("data-store", answer="laptop", evidence="A wiki")

    assert response.status_code == 400
    assert nothing_stored()


def test_a_whole_page_with_one_bad_answer_stores_nothing(respondent):
    response = respondent.client.post(
        respondent.url("dimension", "data"),
        {"answer-data-store": "laptop", "answer-data-versioned": "maybe"},
    )

    assert response.status_code == 400
    assert nothing_stored()


def test_answers_sent_to_a_submitted_assessment_are_refused(respondent):
    respondent.client.post(respondent.url("submit"))

    autosave = respondent.autosave("data-store", answer="laptop")
    page = respondent.client.post(
        respondent.url("dimension", "data"), {"answer-data-store": "laptop"}
    )

    assert autosave.status_code == 409
    assert page.status_code == 409
    assert "answers are locked" in page.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize(
    "token",
    [
        "A" * 43,
        "not-a-token",
        "x" * 500,
        "%00" * 20,
        "../" * 20,
    ],
)
def test_a_tampered_malformed_or_unknown_token_is_not_found(respondent, token):
    stranger = Respondent(Client(), token)

    assert stranger.client.get(f"/a/{token}/").status_code == 404
    assert (
        stranger.client.post(
            f"/a/{token}/q/data-store/", {"answer-data-store": "laptop"}
        ).status_code
        == 404
    )
    assert nothing_stored()


def test_a_token_with_one_character_changed_is_not_found(respondent):
    token = respondent.token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = Client().post(
        f"/a/{tampered}/q/data-store/", {"answer-data-store": "laptop"}
    )

    assert response.status_code == 404
    assert nothing_stored()


def test_a_post_without_a_csrf_token_is_forbidden(respondent):
    strict = Client(enforce_csrf_checks=True)

    autosave = strict.post(
        respondent.url("answer", "data-store"), {"answer-data-store": "laptop"}
    )
    page = strict.post(
        respondent.url("dimension", "data"), {"answer-data-store": "laptop"}
    )
    submit = strict.post(respondent.url("submit"))
    delete = strict.post(respondent.url("delete"))

    assert [r.status_code for r in (autosave, page, submit, delete)] == [403] * 4
    assert nothing_stored()
    assert Assessment.objects.get().status == Assessment.Status.DRAFT


def test_a_get_to_a_post_only_address_is_refused(respondent):
    for name in ("answer", "submit", "targets", "retake", "revise"):
        args = ("data-store",) if name == "answer" else ()
        assert respondent.client.get(respondent.url(name, *args)).status_code == 405
