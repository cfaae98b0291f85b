"""Data protection: purge stale drafts, anonymise on request, export all."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assessment.journey import AnswerInput, save_answers, start_assessment, submit
from assessment.models import Answer, Assessment, Organisation, Report
from assessment.privacy import export, purge_drafts
from clinic.models import LevelValidation, ReviewerNote
from tests.journey_support import store_tiny

pytestmark = pytest.mark.django_db


def new_assessment(name="Acme Analytics", *, submitted=False, days_old=0):
    version = store_tiny()
    assessment, _ = start_assessment(
        organisation_name=name,
        sector="technology",
        size="small",
        respondent_role="ml_engineer",
        version=version,
    )
    save_answers(
        assessment,
        {
            "data-store": AnswerInput(choices=("shared",), note="Ask Priya"),
            "mon-notes": AnswerInput(text="Our on-call is Sam"),
        },
    )
    if submitted:
        submit(assessment)
    if days_old:
        Assessment.objects.filter(pk=assessment.pk).update(
            updated_at=timezone.now() - timedelta(days=days_old)
        )
    return assessment


def test_purge_deletes_stale_drafts_and_their_empty_organisations():
    stale = new_assessment("Stale Ltd", days_old=40)
    fresh = new_assessment("Fresh Ltd", days_old=2)
    old_but_submitted = new_assessment("Done Ltd", submitted=True, days_old=400)

    purged = purge_drafts(timedelta(days=30))

    assert (purged.assessments, purged.organisations) == (1, 1)
    assert not Assessment.objects.filter(pk=stale.pk).exists()
    assert not Answer.objects.filter(assessment_id=stale.pk).exists()
    assert not Organisation.objects.filter(name="Stale Ltd").exists()
    assert (
        Assessment.objects.filter(pk__in=[fresh.pk, old_but_submitted.pk]).count() == 2
    )


def test_purge_keeps_an_organisation_that_still_has_another_assessment():
    kept = new_assessment(submitted=True)
    stale = new_assessment(days_old=40)
    Assessment.objects.filter(pk=stale.pk).update(organisation=kept.organisation)

    purged = purge_drafts(timedelta(days=30))

    assert (purged.assessments, purged.organisations) == (1, 0)
    assert Organisation.objects.filter(pk=kept.organisation_id).exists()


def test_a_dry_run_counts_and_deletes_nothing(capsys):
    new_assessment(days_old=40)

    call_command("purge_drafts", "--days", "30", "--dry-run")

    assert "would delete 1 draft(s) and 1 organisation(s)" in capsys.readouterr().out
    assert Assessment.objects.count() == 1


def test_anonymising_removes_what_identifies_and_keeps_the_scores():
    assessment = new_assessment(submitted=True)
    Report.objects.create(assessment=assessment, inputs_hash="x" * 64, pdf=b"%PDF")
    staff = get_user_model().objects.create_user("adviser")
    ReviewerNote.objects.create(assessment=assessment, author=staff, text="CTO is Jo")
    LevelValidation.objects.create(
        assessment=assessment,
        dimension="data",
        level=1,
        reason="Jo said so",
        author=staff,
    )

    call_command("anonymise_organisation", "--assessment", str(assessment.pk))

    organisation = Organisation.objects.get(pk=assessment.organisation_id)
    assert organisation.name == f"Anonymised organisation {organisation.pk}"
    rows = Answer.objects.filter(assessment=assessment)
    assert {(r.note, r.text, r.evidence) for r in rows} == {("", "", "")}
    assert rows.get(question_id="data-store").choices == ["shared"]
    assert Assessment.objects.get(pk=assessment.pk).result.score is not None
    assert not Report.objects.exists()
    assert "Jo" not in ReviewerNote.objects.get().text
    assert "Jo" not in LevelValidation.objects.get().reason


def test_the_export_holds_everything_about_one_organisation_only(tmp_path):
    assessment = new_assessment(submitted=True)
    new_assessment("Someone Else")
    staff = get_user_model().objects.create_user("adviser")
    ReviewerNote.objects.create(assessment=assessment, author=staff, text="Call back")

    path = tmp_path / "export.json"
    call_command(
        "export_organisation",
        "--organisation",
        str(assessment.organisation_id),
        "--output",
        str(path),
    )

    data = json.loads(path.read_text())
    assert data["organisation"]["name"] == "Acme Analytics"
    [exported] = data["assessments"]
    assert {a["question"] for a in exported["answers"]} == {"data-store", "mon-notes"}
    assert exported["result"]["level"] is not None
    assert exported["clinic"]["reviewer_notes"][0]["text"] == "Call back"
    assert "Someone Else" not in path.read_text()
    assert export(assessment.organisation) == data


def test_unknown_ids_are_refused_clearly():
    with pytest.raises(CommandError, match="no such organisation"):
        call_command("export_organisation", "--organisation", "999")
    with pytest.raises(CommandError, match="no such organisation"):
        call_command("anonymise_organisation", "--assessment", "999")
