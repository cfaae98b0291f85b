"""The respondent's journey through the test client, from start to delete."""

import pytest
from django.core import mail
from django.test import Client

from assessment.models import Answer, Assessment, AssessmentResult, Organisation
from tests.journey_support import (
    FIXTURES,
    LINK,
    TINY,
    Respondent,
    start,
    store_questionnaires,
    store_tiny,
)

pytestmark = pytest.mark.django_db

TINY_NEXT = FIXTURES.parent / "journey" / "tiny" / "1.1.yaml"


@pytest.fixture
def tiny():
    return store_tiny()


@pytest.fixture
def respondent(tiny):
    return start(Client())


def answer_everything(respondent):
    respondent.autosave("data-store", answer="shared")
    respondent.autosave("data-versioned", answer="no")
    respondent.autosave("data-tools", answer=["schema", "ranges"])
    respondent.autosave("mon-any", answer="manual")


def test_the_landing_page_lists_the_published_questionnaires(tiny):
    response = Client().get("/")

    body = response.content.decode()
    assert "Tiny test questionnaire" in body
    assert "/start/?questionnaire=tiny" in body
    assert "How your data is used" in body


def test_starting_creates_a_draft_and_shows_the_private_link_once(tiny):
    client = Client()

    respondent = start(client, name="Acme Analytics")
    response = client.get(respondent.url("link"))

    assessment = respondent.assessment
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.organisation.name == "Acme Analytics"
    assert assessment.respondent_role == "ml_engineer"
    assert respondent.token not in assessment.token_hash
    assert f"/a/{respondent.token}/" in response.content.decode()
    assert "only key" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_start_form_lists_every_problem_and_stores_nothing(tiny):
    response = Client().post("/start/", {"organisation_name": "x" * 201})

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#id_sector"' in body
    assert "Agree to the privacy notice to start" in body
    assert Organisation.objects.count() == 0


def test_an_email_address_gets_the_link_and_is_not_stored(tiny):
    respondent = start(Client(), email="lead@example.org")

    [message] = mail.outbox
    assert message.to == ["lead@example.org"]
    assert f"/a/{respondent.token}/" in message.body
    stored = [
        str(value)
        for model in (Organisation, Assessment)
        for row in model.objects.values()
        for value in row.values()
    ]
    assert not any("lead@example.org" in value for value in stored)


def test_autosave_stores_one_answer_and_reports_it_saved(respondent):
    response = respondent.autosave("data-store", answer="shared", note="On S3")

    answer = Answer.objects.get(question_id="data-store")
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert answer.choices == ["shared"]
    assert answer.note == "On S3"


def test_autosave_shows_a_follow_up_question_and_updates_progress(respondent):
    response = respondent.autosave("data-store", answer="versioned")

    body = response.content.decode()
    assert 'id="question-data-tools" class="question" hx-swap-oob="true"' in body
    assert 'id="progress" class="dimension-nav" hx-swap-oob="true"' in body
    assert "1 of 4 questions answered" in body
    assert "A follow-up question appeared" in body


def test_a_hidden_follow_up_keeps_its_answer_but_stops_counting(respondent):
    respondent.autosave("data-store", answer="versioned")
    respondent.autosave("data-tools", answer=["schema"])

    response = respondent.autosave("data-store", answer="laptop")

    body = response.content.decode()
    assert 'id="question-data-tools" class="question" hidden hx-swap-oob="true"' in body
    assert "1 of 3 questions answered" in body
    assert Answer.objects.get(question_id="data-tools").choices == ["schema"]


def test_a_whole_page_posted_without_javascript_is_saved_and_moves_on(respondent):
    response = respondent.client.post(
        respondent.url("dimension", "data"),
        {
            "answer-data-store": "laptop",
            "answer-data-versioned": "not_applicable",
            "note-data-versioned": "We do not keep data",
            "action": "next",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == respondent.url("dimension", "monitoring")
    saved = {a.question_id: a for a in Answer.objects.all()}
    assert saved["data-store"].choices == ["laptop"]
    assert saved["data-versioned"].special == "not_applicable"
    assert saved["data-versioned"].note == "We do not keep data"


def test_a_page_saved_in_a_second_tab_keeps_what_the_first_tab_answered(
    respondent,
):
    # Both tabs opened the page blank; the first then answered data-store.
    respondent.autosave("data-store", answer="laptop")

    response = respondent.client.post(
        respondent.url("dimension", "data"),
        {
            "answer-data-versioned": "yes",
            "edited": "data-versioned",
            "action": "next",
        },
    )

    assert response.status_code == 302
    saved = {a.question_id: a.choices for a in Answer.objects.all()}
    assert saved == {"data-store": ["laptop"], "data-versioned": ["yes"]}


def test_a_page_saved_in_a_second_tab_does_not_put_back_an_older_answer(
    respondent,
):
    respondent.autosave("data-store", answer="laptop")
    respondent.autosave("data-versioned", answer="no")
    # The second tab still shows "laptop"; the first changes it.
    respondent.autosave("data-store", answer="shared")

    respondent.client.post(
        respondent.url("dimension", "data"),
        {
            "answer-data-store": "laptop",
            "answer-data-versioned": "yes",
            "edited": "data-versioned",
            "action": "next",
        },
    )

    saved = {a.question_id: a.choices for a in Answer.objects.all()}
    assert saved == {"data-store": ["shared"], "data-versioned": ["yes"]}


def test_a_page_that_opens_a_follow_up_question_comes_back_to_it(respondent):
    response = respondent.client.post(
        respondent.url("dimension", "data"),
        {"answer-data-store": "shared", "action": "next"},
    )

    assert response["Location"] == (
        respondent.url("dimension", "data") + "#question-data-tools"
    )
    page = respondent.client.get(respondent.url("dimension", "data"))
    assert "opened a follow-up question" in page.content.decode()


def test_a_refused_page_shows_an_error_summary_and_keeps_the_choices(respondent):
    response = respondent.client.post(
        respondent.url("dimension", "data"),
        {
            "answer-data-store": "versioned",
            "answer-data-versioned": "yes",
            "note-data-versioned": "x" * 2001,
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem: nothing on this page was saved" in body
    assert 'href="#answer-data-versioned-yes"' in body
    assert 'value="versioned" checked' in body
    assert Answer.objects.count() == 0


def test_the_link_resumes_at_the_first_dimension_with_unanswered_questions(
    respondent,
):
    respondent.autosave("data-store", answer="laptop")
    respondent.autosave("data-versioned", answer="yes")

    response = Client().get(respondent.url("resume"))

    assert response["Location"] == respondent.url("dimension", "monitoring")


def test_a_new_device_sees_the_saved_answers(respondent):
    respondent.autosave("data-store", answer="shared", note="Bucket in eu-west")

    response = Client().get(respondent.url("dimension", "data"))

    body = response.content.decode()
    assert 'value="shared" checked' in body
    assert "Bucket in eu-west" in body


def test_review_lists_unanswered_questions_with_links_to_them(respondent):
    respondent.autosave("data-store", answer="laptop")

    response = respondent.client.get(respondent.url("review"))

    body = response.content.decode()
    assert "2 unanswered questions" in body
    assert respondent.url("dimension", "data") + "#question-data-versioned" in body
    assert respondent.url("dimension", "monitoring") + "#question-mon-any" in body
    assert "#question-data-store" not in body


def test_submitting_twice_makes_one_submission_and_locks_the_answers(respondent):
    answer_everything(respondent)

    first = respondent.client.post(respondent.url("submit"))
    second = respondent.client.post(respondent.url("submit"))
    late = respondent.autosave("data-store", answer="versioned")

    assert first["Location"] == second["Location"] == respondent.url("results")
    assert AssessmentResult.objects.count() == 1
    assert respondent.assessment.status == Assessment.Status.SUBMITTED
    assert late.status_code == 409
    assert "locked" in late.content.decode()
    assert Answer.objects.get(question_id="data-store").choices == ["shared"]


def test_a_submitted_assessment_resumes_at_its_results(respondent):
    respondent.client.post(respondent.url("submit"))

    assert respondent.client.get(respondent.url("resume"))["Location"] == (
        respondent.url("results")
    )
    assert respondent.client.get(respondent.url("dimension", "data"))[
        "Location"
    ] == respondent.url("results")


def test_results_show_levels_verdict_blockers_charts_and_next_steps(respondent):
    respondent.autosave("data-store", answer="laptop")
    respondent.autosave("data-versioned", answer="no")
    respondent.autosave("mon-any", answer="none")
    respondent.client.post(respondent.url("submit"))

    response = respondent.client.get(respondent.url("results"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Not yet ready for production" in body
    assert "Monitoring is at level 0 (Ad hoc); production needs at least level 1" in (
        body
    )
    assert "“Where is training data kept?” – the answer is below the minimum" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--bars"' in body
    assert "<title" in body
    assert "<table" in body
    assert "Put training data in one shared store" in body
    assert "Watch the model" in body
    assert "Where you are:</strong> Files on laptops." in body
    assert "Next, level 1 (Repeatable):</strong> A shared store." in body
    assert "/how-scores-are-computed/" in body


def test_targets_are_stored_and_show_the_gap(respondent):
    answer_everything(respondent)
    respondent.client.post(respondent.url("submit"))

    response = respondent.client.post(
        respondent.url("targets"), {"target-data": "2", "target-monitoring": ""}
    )
    page = respondent.client.get(respondent.url("results"))

    assert response.status_code == 302
    assert respondent.assessment.targets == {"data": 2}
    assert "Target: level 2 (Automated), 1 level to go." in page.content.decode()


def test_an_unknown_target_level_is_refused(respondent):
    response = respondent.client.post(respondent.url("targets"), {"target-data": "9"})

    assert response.status_code == 400
    assert respondent.assessment.targets == {}


def test_a_retake_on_the_same_version_starts_with_every_answer(respondent):
    answer_everything(respondent)
    respondent.client.post(respondent.url("submit"))

    response = respondent.client.post(respondent.url("retake"))

    retaken = Assessment.objects.exclude(pk=respondent.assessment.pk).get()
    assert response.status_code == 302
    assert retaken.status == Assessment.Status.DRAFT
    assert retaken.previous == respondent.assessment
    assert retaken.answers.count() == 4
    assert retaken.organisation == respondent.assessment.organisation


def test_a_retake_moves_to_the_newest_version_carrying_declared_answers(respondent):
    answer_everything(respondent)
    respondent.client.post(respondent.url("submit"))
    store_questionnaires(TINY, TINY_NEXT)

    response = respondent.client.post(respondent.url("retake"))
    new_link = response["Location"]
    retaken = Assessment.objects.exclude(pk=respondent.assessment.pk).get()

    assert retaken.questionnaire_version.version == "1.1"
    assert sorted(retaken.answers.values_list("question_id", flat=True)) == [
        "data-store",
        "data-tools",
        "mon-any",
    ]
    page = respondent.client.get(new_link)
    assert "keep this one too" in page.content.decode()


def test_results_of_a_retake_show_the_change_since_the_previous_one(respondent):
    respondent.autosave("data-store", answer="laptop")
    respondent.client.post(respondent.url("submit"))
    link = respondent.client.post(respondent.url("retake"))["Location"]
    found = LINK.search(link)
    assert found
    retaken = Respondent(Client(), found.group(1))
    retaken.autosave("data-store", answer="versioned")
    retaken.client.post(retaken.url("submit"))

    body = retaken.client.get(retaken.url("results")).content.decode()

    assert '<th scope="col">Change</th>' in body
    assert "up 33.3" in body


def test_revising_a_submission_creates_a_new_draft_with_a_new_link(respondent):
    answer_everything(respondent)
    respondent.client.post(respondent.url("submit"))

    response = respondent.client.post(respondent.url("revise"))

    revision = Assessment.objects.exclude(pk=respondent.assessment.pk).get()
    assert respondent.token not in response["Location"]
    assert revision.previous == respondent.assessment
    assert revision.questionnaire_version == respondent.assessment.questionnaire_version
    assert revision.answers.count() == 4
    assert respondent.assessment.status == Assessment.Status.SUBMITTED


def test_a_draft_cannot_be_revised_or_retaken(respondent):
    assert respondent.client.post(respondent.url("revise")).status_code == 409
    assert respondent.client.post(respondent.url("retake")).status_code == 409
    assert Assessment.objects.count() == 1


def test_deleting_removes_the_assessment_its_answers_and_organisation(respondent):
    answer_everything(respondent)
    confirm = respondent.client.get(respondent.url("delete"))

    response = respondent.client.post(respondent.url("delete"))

    assert "Delete permanently" in confirm.content.decode()
    assert response["Location"] == "/deleted/"
    assert Assessment.objects.count() == 0
    assert Answer.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert respondent.client.get(respondent.url("resume")).status_code == 404


def test_deleting_a_retake_keeps_the_earlier_assessment(respondent):
    respondent.client.post(respondent.url("submit"))
    link = respondent.client.post(respondent.url("retake"))["Location"]

    respondent.client.post(link.replace("/link/", "/delete/"))

    assert list(Assessment.objects.all()) == [respondent.assessment]
    assert Organisation.objects.count() == 1


def test_the_privacy_notice_and_scoring_method_are_public_pages(tiny):
    client = Client()

    privacy = client.get("/privacy/")
    scoring = client.get("/how-scores-are-computed/")

    assert "How long we keep it" in privacy.content.decode()
    assert scoring.status_code == 200
    assert "<h1>How your scores are computed</h1>" in scoring.content.decode()
