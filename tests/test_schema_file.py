"""The committed JSON Schema is current and every file names it."""

from pathlib import Path

from django.conf import settings

from assessment.loader import questionnaire_files
from assessment.management.commands.export_questionnaire_schema import schema_json

MODELINE = "# yaml-language-server: $schema=../schema.json"


def test_the_committed_schema_matches_the_models():
    committed = (Path(settings.QUESTIONNAIRES_DIR) / "schema.json").read_text()

    assert committed == schema_json(), (
        "questionnaires/schema.json is stale: run "
        "`manage.py export_questionnaire_schema`"
    )


def test_every_questionnaire_file_names_the_schema_for_editors():
    files = questionnaire_files([Path(settings.QUESTIONNAIRES_DIR)])

    assert files
    for path in files:
        assert path.read_text().splitlines()[0] == MODELINE, path.name
