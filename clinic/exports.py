"""Submissions as CSV and JSON, produced row by row for streaming.

Each export reads its rows with a fixed number of queries, in chunks,
so memory stays flat however many submissions it covers. Spreadsheet
programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, so such text cells get a leading apostrophe (formula injection:
an organisation's name or an answer's note is respondent input).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import QuerySet

from assessment.answers import AnswerValue, visible_questions
from assessment.models import Answer, Assessment, Organisation, QuestionnaireVersion
from assessment.schema import Questionnaire, version_key

from .display import answer_text
from .models import LevelValidation, ReviewStatus

CHUNK_SIZE = 500
"""Rows fetched from the database at a time; memory holds about one chunk."""
LINES_PER_CHUNK = 200
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SECTORS = dict(Organisation.Sector.choices)
SIZES = dict(Organisation.Size.choices)
STATUSES = dict(ReviewStatus.choices)


def safe_cell(value: object) -> object:
    """``value``, made inert if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, line: str) -> str:
        return line


def csv_chunks(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text in chunks of a few hundred lines, every cell made safe."""
    writer = csv.writer(_Line())
    lines: list[str] = [writer.writerow(header)]
    for row in rows:
        lines.append(writer.writerow([safe_cell(value) for value in row]))
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array, one record per line, in chunks."""
    yield "["
    separator = "\n"
    lines: list[str] = []
    for record in records:
        lines.append(separator + json.dumps(record, ensure_ascii=False))
        separator = ",\n"
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    yield "".join(lines) + "\n]\n"


def _questionnaires(submissions: QuerySet[Assessment]) -> dict[int, Questionnaire]:
    """The questionnaire of every version the submissions were answered on."""
    versions = QuestionnaireVersion.objects.filter(
        pk__in=submissions.values("questionnaire_version")
    )
    return {version.pk: version.questionnaire for version in versions}


def _dimension_ids(questionnaires: Iterable[Questionnaire]) -> list[str]:
    """Every dimension id, the newest full questionnaire's first and in order."""
    ids: list[str] = []
    ordered = sorted(
        questionnaires,
        key=lambda q: (q.kind == "full", version_key(q.version)),
        reverse=True,
    )
    for questionnaire in ordered:
        for dimension in questionnaire.dimensions:
            if dimension.id not in ids:
                ids.append(dimension.id)
    return ids


def _validated(submissions: QuerySet[Assessment]) -> dict[tuple[int, str], int]:
    """The latest validated level per (submission id, dimension id).

    Validations are few beside submissions, so they are read at once.
    """
    latest: dict[tuple[int, str], int] = {}
    rows = (
        LevelValidation.objects.filter(assessment__in=submissions.values("pk"))
        .order_by("created_at", "pk")
        .values_list("assessment_id", "dimension", "level")
    )
    for assessment_id, dimension, level in rows:
        latest[assessment_id, dimension] = level
    return latest


@dataclass(frozen=True)
class SubmissionRecord:
    """One submission's row, shared by the CSV and JSON exports."""

    id: int
    organisation: str
    sector: str
    size: str
    questionnaire: str
    version: str
    submitted_at: dt.datetime | None
    review_status: str
    assignee: str | None
    cohort: str | None
    score: float | None
    level: int | None
    verdict: str
    dimensions: dict[str, tuple[float | None, int | None, int | None]]
    """Score, level and validated level by dimension id."""


SUBMISSION_FIELDS = (
    "pk",
    "organisation__name",
    "organisation__sector",
    "organisation__size",
    "questionnaire_version__slug",
    "questionnaire_version__version",
    "submitted_at",
    "review_status",
    "assignee_username",
    "cohort_membership__cohort__name",
    "result__score",
    "result__level",
    "result__verdict",
    "result__data",
)


def submission_records(
    submissions: QuerySet[Assessment], dimension_ids: list[str]
) -> Iterator[SubmissionRecord]:
    validated = _validated(submissions)
    rows = submissions.values_list(*SUBMISSION_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for row in rows:
        (pk, name, sector, size, slug, version, submitted_at, status) = row[:8]
        (assignee, cohort, score, level, verdict, data) = row[8:]
        scores = {d["dimension"]: d for d in (data or {}).get("dimensions", [])}
        yield SubmissionRecord(
            id=pk,
            organisation=name,
            sector=sector,
            size=size,
            questionnaire=slug,
            version=version,
            submitted_at=submitted_at,
            review_status=status,
            assignee=assignee,
            cohort=cohort,
            score=score,
            level=level,
            verdict=verdict,
            dimensions={
                dimension_id: (
                    scores.get(dimension_id, {}).get("score"),
                    scores.get(dimension_id, {}).get("level"),
                    validated.get((pk, dimension_id)),
                )
                for dimension_id in dimension_ids
            },
        )


def submissions_csv(submissions: QuerySet[Assessment]) -> Iterator[str]:
    """One row per submission: overall and per-dimension scores and levels."""
    dimension_ids = _dimension_ids(_questionnaires(submissions).values())
    header = [
        "submission_id",
        "organisation",
        "sector",
        "size",
        "questionnaire",
        "version",
        "submitted_at",
        "review_status",
        "assignee",
        "cohort",
        "overall_score",
        "overall_level",
        "verdict",
    ]
    for dimension_id in dimension_ids:
        header += [
            f"{dimension_id}_score",
            f"{dimension_id}_level",
            f"{dimension_id}_validated_level",
        ]

    def rows() -> Iterator[list[object]]:
        for record in submission_records(submissions, dimension_ids):
            row: list[object] = [
                record.id,
                record.organisation,
                SECTORS.get(record.sector, record.sector),
                SIZES.get(record.size, record.size),
                record.questionnaire,
                record.version,
                record.submitted_at.isoformat() if record.submitted_at else "",
                STATUSES.get(record.review_status, record.review_status),
                record.assignee or "",
                record.cohort or "",
                _blank(record.score),
                _blank(record.level),
                record.verdict,
            ]
            for score, level, validated_level in record.dimensions.values():
                row += [_blank(score), _blank(level), _blank(validated_level)]
            yield row

    return csv_chunks(header, rows())


def submissions_json(submissions: QuerySet[Assessment]) -> Iterator[str]:
    """The submissions as a JSON array, codes rather than labels."""
    dimension_ids = _dimension_ids(_questionnaires(submissions).values())
    records = (
        {
            "id": record.id,
            "organisation": record.organisation,
            "sector": record.sector,
            "size": record.size,
            "questionnaire": record.questionnaire,
            "version": record.version,
            "submitted_at": (
                record.submitted_at.isoformat() if record.submitted_at else None
            ),
            "review_status": record.review_status,
            "assignee": record.assignee,
            "cohort": record.cohort,
            "score": record.score,
            "level": record.level,
            "verdict": record.verdict,
            "dimensions": {
                dimension_id: {
                    "score": score,
                    "level": level,
                    "validated_level": validated_level,
                }
                for dimension_id, (score, level, validated_level) in (
                    record.dimensions.items()
                )
                if score is not None or level is not None
            },
        }
        for record in submission_records(submissions, dimension_ids)
    )
    return json_chunks(records)


ANSWER_HEADER = [
    "submission_id",
    "organisation",
    "questionnaire",
    "version",
    "dimension",
    "question_id",
    "question",
    "answer",
    "option_ids",
    "note",
    "evidence",
]


def answers_csv(submissions: QuerySet[Assessment]) -> Iterator[str]:
    """One row per answer, in questionnaire order within each submission.

    Answers to questions that earlier answers hid were never asked, and
    are left out as scoring leaves them out.
    """
    questionnaires = _questionnaires(submissions)
    answers = (
        Answer.objects.filter(assessment__in=submissions.values("pk"))
        .order_by("assessment_id", "pk")
        .values_list(
            "assessment_id",
            "assessment__organisation__name",
            "assessment__questionnaire_version_id",
            "question_id",
            "choices",
            "special",
            "text",
            "note",
            "evidence",
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )

    def rows() -> Iterator[list[object]]:
        for _pk, group in groupby(answers, key=lambda row: row[0]):
            yield from _answer_rows(list(group), questionnaires)

    return csv_chunks(ANSWER_HEADER, rows())


def _answer_rows(
    group: list[tuple[Any, ...]], questionnaires: dict[int, Questionnaire]
) -> Iterator[list[object]]:
    """The rows of one submission's answers."""
    questionnaire = questionnaires[group[0][2]]
    values = {
        question_id: AnswerValue(tuple(choices), special or None, text)
        for _, _, _, question_id, choices, special, text, _, _ in group
    }
    visible = visible_questions(questionnaire, values)
    by_question = {row[3]: row for row in group}
    for question in questionnaire.questions:
        row = by_question.get(question.id)
        if row is None or question.id not in visible:
            continue
        pk, organisation, _version, question_id, choices, _s, _t, note, evidence = row
        yield [
            pk,
            organisation,
            questionnaire.slug,
            questionnaire.version,
            question.dimension,
            question_id,
            question.text,
            answer_text(question, values[question_id]),
            " ".join(choices),
            note,
            evidence,
        ]


def _blank(value: object) -> object:
    return "" if value is None else value
