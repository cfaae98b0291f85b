"""The PDF readiness report: a submitted assessment in, PDF bytes out.

``report_content`` gathers everything the report says as plain values;
``render_pdf`` lays it out with WeasyPrint. Nothing is fetched over the
network while rendering: the stylesheet is read from our static files,
fonts come from the system, and any other URL a template might name is
refused by ``StaticOnlyFetcher``.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import mimetypes
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .answers import AnswerValue, visible_questions
from .display import Link, ResultsPage, results_page
from .models import Assessment, AssessmentResult
from .recommendations import Recommendation, recommend
from .schema import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Dimension,
    Question,
    Questionnaire,
    QuestionType,
    Rating,
    Step,
)
from .scoring import question_fraction

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse

# Bump when the report's layout or content changes: stored reports made
# with an older version are then rendered again on their next request.
TEMPLATE_VERSION = 2

STRENGTH = 0.75
"""A question answered with at least this share of its points is a strength."""
GAP = 0.5
"""Below this share (or Don't know) it is a gap."""


@dataclass(frozen=True)
class AnsweredQuestion:
    question: Question
    answer: str
    note: str = ""
    evidence: str = ""
    shown: bool = True

    @property
    def practice(self) -> str:
        """The answer as a practice that reads on its own: a chosen option
        describes one, a bare yes or no needs its question."""
        if self.question.type is QuestionType.YES_NO:
            return f"{self.question.text} {self.answer}."
        return self.answer


@dataclass(frozen=True)
class DimensionSection:
    dimension: Dimension
    result: Any
    """The results page's ``DimensionResult`` for this dimension."""
    strengths: tuple[AnsweredQuestion, ...]
    gaps: tuple[AnsweredQuestion, ...]
    steps: tuple[ReportStep, ...]
    validated: Any | None = None


@dataclass(frozen=True)
class ReportStep:
    step: Step
    dimension: Dimension
    articles: tuple[Link, ...]
    tools: tuple[Link, ...]
    blocks_readiness: bool
    needs: tuple[str, ...] = ()
    """Titles of the steps this one depends on."""


@dataclass(frozen=True)
class Phase:
    title: str
    purpose: str
    steps: tuple[ReportStep, ...]


@dataclass(frozen=True)
class ReportContent:
    assessment: Assessment
    questionnaire: Questionnaire
    page: ResultsPage
    sections: tuple[DimensionSection, ...]
    priorities: tuple[ReportStep, ...]
    roadmap: tuple[Phase, ...]
    appendix: tuple[tuple[Dimension, tuple[AnsweredQuestion, ...]], ...]
    site_url: str
    content_hash: str
    generated_at: datetime
    validated: Mapping[str, Any] = field(default_factory=dict)

    @property
    def scoring_url(self) -> str:
        return self.site_url + reverse("assessment:scoring")


def inputs_hash(
    assessment: Assessment,
    result: AssessmentResult,
    validated: Mapping[str, Any] | None = None,
) -> str:
    """What a report depends on; a change means the report is made again.

    Answers are locked once an assessment is submitted (a revision is a new
    assessment), so the stored result stands for them.
    """
    inputs = {
        "template": TEMPLATE_VERSION,
        "assessment": assessment.pk,
        "content_hash": result.content_hash,
        "result": result.data,
        "computed_at": result.computed_at.isoformat(),
        "targets": assessment.targets,
        "validated": {
            dimension: [getattr(v, "level", None), getattr(v, "reason", "")]
            for dimension, v in sorted((validated or {}).items())
        },
    }
    canonical = json.dumps(inputs, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def report_content(
    assessment: Assessment,
    result: AssessmentResult,
    *,
    site_url: str,
    validated: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> ReportContent:
    questionnaire = assessment.questionnaire_version.questionnaire
    rows = {answer.question_id: answer for answer in assessment.answers.all()}
    answers = {question_id: row.value for question_id, row in rows.items()}
    validated = dict(validated or {})
    page = results_page(
        questionnaire, result.scores, assessment.targets, answers, validated=validated
    )
    recommendations = recommend(questionnaire, page.scores, answers)
    chosen = {r.step.id for r in recommendations}
    steps = [_report_step(questionnaire, r, site_url, chosen) for r in recommendations]
    visible = visible_questions(questionnaire, answers)
    described = {
        question.id: _describe(question, rows.get(question.id), question.id in visible)
        for question in questionnaire.questions
    }

    sections = []
    for dimension_result in page.dimensions:
        dimension = dimension_result.dimension
        sections.append(
            DimensionSection(
                dimension=dimension,
                result=dimension_result,
                strengths=tuple(
                    described[q.id]
                    for q in questionnaire.questions_in(dimension.id)
                    if _share(q, answers.get(q.id), q.id in visible) >= STRENGTH
                ),
                gaps=tuple(
                    described[q.id]
                    for q in questionnaire.questions_in(dimension.id)
                    if _is_gap(q, answers.get(q.id), q.id in visible)
                ),
                steps=tuple(s for s in steps if s.dimension.id == dimension.id),
                validated=validated.get(dimension.id),
            )
        )

    return ReportContent(
        assessment=assessment,
        questionnaire=questionnaire,
        page=page,
        sections=tuple(sections),
        priorities=tuple(steps[:5]),
        roadmap=roadmap(steps),
        appendix=tuple(
            (
                dimension,
                tuple(
                    described[q.id] for q in questionnaire.questions_in(dimension.id)
                ),
            )
            for dimension in questionnaire.dimensions
        ),
        site_url=site_url,
        content_hash=result.content_hash,
        generated_at=now or timezone.now(),
        validated=validated,
    )


def _report_step(
    questionnaire: Questionnaire,
    recommendation: Recommendation,
    site_url: str,
    chosen: set[str],
) -> ReportStep:
    from hub.content import get_hub

    hub = get_hub()
    step = recommendation.step
    return ReportStep(
        step=step,
        dimension=questionnaire.dimensions_by_id[step.dimension],
        articles=tuple(
            Link(
                hub.articles[slug].meta.title,
                site_url + reverse("hub:article", args=[slug]),
            )
            for slug in step.articles
            if slug in hub.articles
        ),
        tools=tuple(
            Link(hub.tools[slug].name, site_url + reverse("hub:tool", args=[slug]))
            for slug in step.tools
            if slug in hub.tools
        ),
        blocks_readiness=recommendation.blocks_readiness,
        needs=tuple(
            questionnaire.steps_by_id[d].title for d in step.depends_on if d in chosen
        ),
    )


def _share(question: Question, answer: AnswerValue | None, shown: bool) -> float:
    if not shown or not question.scored or answer is None or answer.special:
        return -1.0
    return question_fraction(question, answer.choices)


def _is_gap(question: Question, answer: AnswerValue | None, shown: bool) -> bool:
    if not shown or not question.scored:
        return False
    if answer is None or answer.is_empty or answer.special == DONT_KNOW:
        return True
    if answer.special == NOT_APPLICABLE:
        return False
    return question_fraction(question, answer.choices) < GAP


def _describe(question: Question, row: Any, shown: bool) -> AnsweredQuestion:
    if not shown:
        return AnsweredQuestion(
            question, "Not asked: an earlier answer made it irrelevant.", shown=False
        )
    if row is None or row.value.is_empty:
        return AnsweredQuestion(question, "Not answered")
    if row.special == NOT_APPLICABLE:
        answer = "Not applicable"
    elif row.special == DONT_KNOW:
        answer = "Don't know"
    elif row.text:
        answer = row.text
    else:
        labels = {option.id: option.label for option in question.options}
        answer = "; ".join(labels.get(choice, choice) for choice in row.choices)
    return AnsweredQuestion(question, answer, note=row.note, evidence=row.evidence)


PHASES = (
    ("Next 30 days", "Quick wins and the basics that stand in the way of production."),
    ("Next quarter", "Work that needs planning, people or a budget line."),
    ("Next 6 to 12 months", "Larger changes that build on the earlier phases."),
)
_EFFORT_PHASE = {Rating.LOW: 0, Rating.MEDIUM: 1, Rating.HIGH: 2}


def roadmap(steps: list[ReportStep]) -> tuple[Phase, ...]:
    """Arrange steps in phases by effort, never before a step they need.

    ``steps`` come from ``recommend``, which already puts every step after
    its dependencies, so one pass settles each step's phase.
    """
    phase_of: dict[str, int] = {}
    for item in steps:
        earliest = max(
            (phase_of[d] for d in item.step.depends_on if d in phase_of), default=0
        )
        phase_of[item.step.id] = max(_EFFORT_PHASE[item.step.effort], earliest)
    return tuple(
        Phase(
            title=title,
            purpose=purpose,
            steps=tuple(s for s in steps if phase_of[s.step.id] == index),
        )
        for index, (title, purpose) in enumerate(PHASES)
    )


def render_html(content: ReportContent) -> str:
    return render_to_string("report/report.html", {"report": content})


def render_pdf(content: ReportContent) -> bytes:
    """The report as PDF bytes."""
    # WeasyPrint takes about a second to import; only workers pay for it.
    from weasyprint import HTML

    fetcher = StaticOnlyFetcher()
    stylesheet = _stylesheet()
    fonts = _font_configuration()
    document = HTML(
        string=render_html(content),
        base_url=Path(stylesheet.path).parent.as_uri() + "/",
        url_fetcher=fetcher,
    )
    with _collector_paused():
        pdf = document.write_pdf(
            stylesheets=[stylesheet.css],
            font_config=fonts,
            pdf_identifier=content.content_hash[:32].encode(),
        )
    if pdf is None:  # pragma: no cover - only when writing to a target
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(pdf)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep Python's cycle collector out of a render.

    Laying out a report allocates millions of small objects, and the
    collector's passes over them took a sixth of the render time. What the
    render leaves behind is collected as usual once the collector is back.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_fonts: Any = None


def _font_configuration() -> Any:
    """One font configuration per worker: the report declares no web
    fonts, and sharing it keeps the system fonts' metrics loaded between
    renders."""
    from weasyprint.text.fonts import FontConfiguration

    global _fonts
    if _fonts is None:
        _fonts = FontConfiguration()
    return _fonts


@dataclass(frozen=True)
class _Stylesheet:
    path: str
    mtime: float
    css: Any


_parsed_stylesheet: _Stylesheet | None = None


def _stylesheet() -> _Stylesheet:
    """The report's stylesheet, parsed once per worker (and again if the
    file changes): parsing it costs a tenth of a render."""
    from weasyprint import CSS

    global _parsed_stylesheet
    path = finders.find("css/report.css")
    if not isinstance(path, str):
        raise FileNotFoundError("static file css/report.css is missing")
    mtime = Path(path).stat().st_mtime
    cached = _parsed_stylesheet
    if cached is None or cached.path != path or cached.mtime != mtime:
        css = CSS(filename=path, url_fetcher=StaticOnlyFetcher())
        cached = _parsed_stylesheet = _Stylesheet(path, mtime, css)
    return cached


def _static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticOnlyFetcher:
    """Serves the project's own static files to WeasyPrint, nothing else.

    Every other URL (http, https, data, a file outside the static folders)
    is refused, so a report never reaches the network or the file system
    beyond what we ship.
    """

    _fail_on_errors = False

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        from weasyprint.urls import URLFetcherResponse

        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if (
                any(path.is_relative_to(root) for root in _static_roots())
                and path.is_file()
            ):
                mime_type = (
                    mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                )
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": mime_type}, 200
                )
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: only our static files may load")
