"""Exports: CSV per submission, CSV per answer and JSON, streamed and safe."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from assessment.journey import AnswerInput
from clinic.exports import safe_cell
from clinic.models import AuditAction, AuditEvent, LevelValidation
from tests.clinic_support import STRONG, signed_in, staff_member, submission
from tests.journey_support import store_tiny

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny():
    return store_tiny()


@pytest.fixture
def staff():
    return signed_in(staff_member())


def download(client: Client, name: str, query: str = ""):
    response = client.get(reverse(f"clinic:{name}") + query)
    assert response.status_code == 200
    assert response.streaming
    return response, response.getvalue().decode()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("Acme = good", "Acme = good"),
        (12.5, 12.5),
        (-3, -3),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_made_inert(value, safe):
    assert safe_cell(value) == safe


def test_one_row_per_submission_with_every_dimension(tiny, staff):
    weak = submission(tiny, "Weak Ltd", sector="health")
    submission(tiny, "Strong Ltd", STRONG)
    LevelValidation.objects.create(
        assessment=weak, dimension="monitoring", level=1, reason="Seen it"
    )

    response, text = download(staff, "export_submissions_csv", "?sort=organisation")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="submissions-'
    )
    strong, weak_row = rows(text)
    assert strong["organisation"] == "Strong Ltd"
    assert (strong["overall_level"], strong["verdict"]) == ("2", "ready")
    assert (strong["data_score"], strong["data_level"]) == ("100.0", "2")
    assert strong["monitoring_validated_level"] == ""
    assert weak_row["sector"] == "Health and care"
    assert weak_row["review_status"] == "New"
    assert weak_row["monitoring_validated_level"] == "1"
    assert list(strong)[-6:] == [
        "data_score",
        "data_level",
        "data_validated_level",
        "monitoring_score",
        "monitoring_level",
        "monitoring_validated_level",
    ]


def test_exports_honour_the_dashboard_filters(tiny, staff):
    submission(tiny, "Health Ltd", sector="health")
    submission(tiny, "Tech Ltd", STRONG)

    _response, wide = download(staff, "export_submissions_csv", "?sector=health")
    _response, long = download(staff, "export_answers_csv", "?sector=health")
    _response, raw = download(staff, "export_submissions_json", "?level=2")

    assert [row["organisation"] for row in rows(wide)] == ["Health Ltd"]
    assert {row["organisation"] for row in rows(long)} == {"Health Ltd"}
    assert [record["organisation"] for record in json.loads(raw)] == ["Tech Ltd"]


def test_the_long_format_has_one_row_per_answer_in_questionnaire_order(tiny, staff):
    answers = {
        "mon-any": AnswerInput(choices=("manual",), note="Weekly"),
        "data-store": AnswerInput(choices=("shared",), evidence=""),
        "data-versioned": AnswerInput(special="dont_know"),
        "data-tools": AnswerInput(choices=("schema", "ranges")),
        "mon-notes": AnswerInput(text="Grafana"),
    }
    submission(tiny, "Acme", answers)

    _response, text = download(staff, "export_answers_csv")

    table = rows(text)
    assert [row["question_id"] for row in table] == [
        "data-store",
        "data-versioned",
        "data-tools",
        "mon-any",
        "mon-notes",
    ]
    by_id = {row["question_id"]: row for row in table}
    assert by_id["data-store"]["answer"] == "In a shared store"
    assert by_id["data-versioned"]["answer"] == "Don't know"
    assert by_id["data-tools"]["answer"] == "Schema checks; Range checks"
    assert by_id["data-tools"]["option_ids"] == "schema ranges"
    assert by_id["mon-any"]["note"] == "Weekly"
    assert by_id["mon-notes"]["answer"] == "Grafana"
    assert by_id["mon-any"]["question"] == "Is the model in production monitored?"


def test_answers_to_questions_that_were_hidden_are_left_out(tiny, staff):
    answers = {
        "data-store": AnswerInput(choices=("shared",)),
        "data-tools": AnswerInput(choices=("schema",)),
        "mon-any": AnswerInput(choices=("none",)),
    }
    assessment = submission(tiny, "Acme", answers)
    # data-tools shows only after a shared or versioned store; a later
    # change of that answer hides it again.
    assessment.answers.filter(question_id="data-store").update(choices=["laptop"])

    _response, text = download(staff, "export_answers_csv")

    assert "data-tools" not in [row["question_id"] for row in rows(text)]


def test_the_json_export_has_scores_per_dimension(tiny, staff):
    submission(tiny, "Acme", STRONG)

    response, raw = download(staff, "export_submissions_json")

    [record] = json.loads(raw)
    assert response["Content-Type"] == "application/json"
    assert record["organisation"] == "Acme"
    assert record["verdict"] == "ready"
    assert record["dimensions"]["data"] == {
        "score": 100.0,
        "level": 2,
        "validated_level": None,
    }


def test_an_empty_selection_is_still_valid_output(tiny, staff):
    _response, raw = download(staff, "export_submissions_json", "?sector=energy")
    _response, wide = download(staff, "export_submissions_csv", "?sector=energy")

    assert json.loads(raw) == []
    assert wide.splitlines()[0].startswith("submission_id,organisation")


def test_respondent_text_cannot_become_a_formula(tiny, staff):
    answers = {
        "data-store": AnswerInput(choices=("shared",), note="=cmd|' /C calc'!A0"),
        "mon-any": AnswerInput(choices=("none",), note="@SUM(1+1)"),
        "mon-notes": AnswerInput(text="+1 for monitoring"),
    }
    submission(tiny, '=HYPERLINK("http://evil.example","Click")', answers)

    _response, wide = download(staff, "export_submissions_csv")
    _response, long = download(staff, "export_answers_csv")

    assert (
        rows(wide)[0]["organisation"] == '\'=HYPERLINK("http://evil.example","Click")'
    )
    cells = [cell for row in rows(long) for cell in row.values()]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells
    assert "'+1 for monitoring" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


def test_every_export_is_logged_with_its_filters(tiny, staff):
    download(staff, "export_submissions_csv", "?sector=health&sort=organisation")
    download(staff, "export_answers_csv")

    logged = AuditEvent.objects.filter(action=AuditAction.EXPORTED).order_by("pk")
    assert [event.details for event in logged] == [
        {
            "export": "submissions.csv",
            "filters": {"sector": "health", "sort": "organisation"},
        },
        {"export": "answers.csv", "filters": {}},
    ]


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    "name", ["export_submissions_csv", "export_answers_csv", "export_submissions_json"]
)
def test_an_export_makes_the_same_queries_however_many_rows(
    tiny, staff, count, name, django_assert_max_num_queries
):
    for number in range(count):
        submission(tiny, f"Org {number}", STRONG if number % 2 else None)
    staff.get(reverse("clinic:dashboard"))

    # The session, the user, two for permissions, the audit event, the
    # versions, the validated levels and the rows.
    with django_assert_max_num_queries(8):
        _response, text = download(staff, name)

    assert text.count("Org ") >= count
