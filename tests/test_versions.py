"""Syncing questionnaire files into frozen, stored versions."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from assessment.models import Assessment, Organisation, QuestionnaireVersion, new_token
from assessment.versions import load_questionnaires, sync
from tests.questionnaire_files import tiny_text, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path, settings):
    settings.QUESTIONNAIRES_DIR = tmp_path
    return tmp_path


def test_sync_stores_each_valid_version_once(folder):
    write(folder, tiny_text())

    first = sync(load_questionnaires())
    second = sync(load_questionnaires())

    assert [v.version for v in first.created] == ["1.0"]
    assert [v.version for v in second.unchanged] == ["1.0"]
    stored = QuestionnaireVersion.objects.get()
    assert stored.questionnaire.title == "Tiny test questionnaire"
    assert len(stored.content_hash) == 64


def test_changing_a_published_version_is_refused_and_the_stored_one_kept(folder):
    path = write(folder, tiny_text())
    sync(load_questionnaires())
    path.write_text(tiny_text().replace("Where is training data kept?", "Where?"))

    outcome = sync(load_questionnaires())

    [error] = outcome.errors
    assert "bump the version" in str(error)
    stored = QuestionnaireVersion.objects.get()
    assert stored.questionnaire.questions[0].text == "Where is training data kept?"


def test_a_bad_file_stores_nothing_and_the_good_ones_still_sync(folder):
    write(folder, tiny_text())
    write(
        folder,
        tiny_text().replace("level: 0, min_score: 0", "level: 0, min_score: 5"),
        "tiny",
        "1.1",
    )

    outcome = sync(load_questionnaires())

    assert [v.version for v in outcome.created] == ["1.0"]
    assert len(outcome.errors) >= 1
    assert QuestionnaireVersion.objects.count() == 1


def test_an_assessment_stays_readable_after_its_file_is_deleted(folder):
    path = write(folder, tiny_text())
    [version] = sync(load_questionnaires()).created
    organisation = Organisation.objects.create(
        name="Acme", sector="other", size="small"
    )
    assessment = Assessment.objects.create(
        organisation=organisation,
        questionnaire_version=version,
        token_hash=new_token()[1],
    )
    path.unlink()

    sync(load_questionnaires())

    reloaded = Assessment.objects.get(pk=assessment.pk)
    assert reloaded.questionnaire_version.questionnaire.slug == "tiny"


def test_new_assessments_start_on_the_newest_version_by_number(folder):
    for version in ["1.2", "1.10", "1.9"]:
        write(
            folder,
            tiny_text().replace('version: "1.0"', f'version: "{version}"'),
            version=version,
        )

    sync(load_questionnaires())

    newest = QuestionnaireVersion.objects.newest("tiny")
    assert newest is not None
    assert newest.version == "1.10"
    assert [v.version for v in QuestionnaireVersion.objects.newest_of_each()] == [
        "1.10"
    ]


def test_validate_command_prints_located_errors_and_fails(folder, capsys):
    write(
        folder, tiny_text().replace("estimated_minutes: 2", "estimated_minutes: soon")
    )

    with pytest.raises(CommandError, match="1 error"):
        call_command("validate_questionnaires")

    assert "tiny/1.0.yaml:" in capsys.readouterr().err


def test_validate_command_accepts_paths(folder, capsys):
    good = write(folder, tiny_text())

    call_command("validate_questionnaires", str(good))

    assert "/tiny/1.0.yaml: tiny 1.0, 2 dimensions" in capsys.readouterr().out


def test_validate_command_refuses_a_missing_path(folder):
    with pytest.raises(CommandError, match="no such file"):
        call_command("validate_questionnaires", str(folder / "nope.yaml"))


def test_system_check_fails_on_a_bad_file(folder):
    write(folder, tiny_text().replace("id: data-versioned", "id: data-store"))

    with pytest.raises(
        SystemCheckError, match="question id 'data-store' is used twice"
    ):
        call_command("check")


def test_sync_command_reports_refused_files_and_fails(folder):
    write(folder, "slug: [")

    with pytest.raises(CommandError, match="not synced"):
        call_command("sync_questionnaires")

    assert QuestionnaireVersion.objects.count() == 0
