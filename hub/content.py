"""The hub's content: Markdown articles with front matter and the tools
catalogue, loaded from ``hub/content/`` and checked like questionnaires.

Articles are rendered with raw HTML off and sanitised again with nh3, so
nothing in a Markdown file can inject markup. Everything is loaded once
per process and kept; the files only change with a deployment.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import nh3
from django.conf import settings
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import Field, HttpUrl, StrictBool, StringConstraints, ValidationError

from assessment import yamlsafe
from assessment.loader import LocatedError, schema_errors
from assessment.schema import LevelNumber, ShortText, Slug, Strict

MAX_ARTICLE_BYTES = 256 * 1024

DIMENSIONS: dict[str, str] = {
    "strategy": "Business and AI strategy",
    "people": "People, skills and roles",
    "data": "Data management and versioning",
    "experimentation": "Experimentation and model development",
    "pipelines": "Training pipelines and orchestration",
    "lifecycle": "Model lifecycle and governance",
    "deployment": "Deployment and serving",
    "monitoring": "Monitoring and feedback",
    "infrastructure": "Infrastructure and platform",
    "responsible_ai": "Responsible AI, security and compliance",
}

TOPICS: dict[str, str] = {
    "getting-started": "Getting started",
    "data-and-models": "Data and models",
    "delivery": "Pipelines and delivery",
    "operations": "Running in production",
    "governance": "Governance, risk and cost",
}

COMPONENTS: dict[str, str] = {
    "data-versioning": "Data versioning",
    "data-validation": "Data validation",
    "feature-store": "Feature store",
    "labelling": "Labelling",
    "experiment-tracking": "Experiment tracking",
    "model-registry": "Model registry",
    "orchestration": "Orchestration",
    "training": "Training",
    "serving": "Serving",
    "monitoring": "Monitoring",
    "ci-cd": "CI/CD",
    "gitops": "GitOps",
    "infrastructure-as-code": "Infrastructure as code",
    "containers": "Containers",
    "testing": "Testing",
    "governance": "Governance",
    "explainability": "Explainability",
    "platform": "Platform",
}

HOSTING = {
    "self-hosted": "Self-hosted",
    "managed": "Managed",
    "both": "Self-hosted or managed",
}
COST_MODELS = {
    "free": "Free",
    "open-core": "Open core",
    "subscription": "Subscription",
    "usage-based": "Usage-based",
    "free-tier": "Free tier",
}

Topic = Literal[
    "getting-started", "data-and-models", "delivery", "operations", "governance"
]
Component = Literal[
    "data-versioning",
    "data-validation",
    "feature-store",
    "labelling",
    "experiment-tracking",
    "model-registry",
    "orchestration",
    "training",
    "serving",
    "monitoring",
    "ci-cd",
    "gitops",
    "infrastructure-as-code",
    "containers",
    "testing",
    "governance",
    "explainability",
    "platform",
]
DimensionId = Literal[
    "strategy",
    "people",
    "data",
    "experimentation",
    "pipelines",
    "lifecycle",
    "deployment",
    "monitoring",
    "infrastructure",
    "responsible_ai",
]


class ArticleMeta(Strict):
    title: ShortText
    summary: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    topic: Topic
    dimensions: Annotated[tuple[DimensionId, ...], Field(min_length=1)]
    levels: Annotated[tuple[LevelNumber, ...], Field(min_length=1)]
    updated: date
    related: tuple[Slug, ...] = ()
    tools: tuple[Slug, ...] = ()


class Tool(Strict):
    slug: Slug
    name: ShortText
    components: Annotated[tuple[Component, ...], Field(min_length=1)]
    licence: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    open_source: StrictBool
    hosting: Literal["self-hosted", "managed", "both"]
    cost_model: Literal["free", "open-core", "subscription", "usage-based", "free-tier"]
    levels: Annotated[tuple[LevelNumber, ...], Field(min_length=1)]
    description: Annotated[str, StringConstraints(min_length=1, max_length=160)]
    homepage: HttpUrl
    notes: Annotated[str, StringConstraints(max_length=600)] = ""

    @property
    def component_names(self) -> list[str]:
        return [COMPONENTS[c] for c in self.components]

    @property
    def hosting_name(self) -> str:
        return HOSTING[self.hosting]

    @property
    def cost_name(self) -> str:
        return COST_MODELS[self.cost_model]


class ToolsFile(Strict):
    tools: Annotated[tuple[Tool, ...], Field(min_length=1)]


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass
class Article:
    slug: str
    meta: ArticleMeta
    html: str
    toc: list[Heading]
    words: int
    links: list[tuple[str, str, int]] = field(default_factory=list)
    """(kind, slug, line) for each link into the hub, front matter included:
    kind is article or tool."""

    @property
    def minutes(self) -> int:
        return max(1, round(self.words / 220))

    @property
    def dimension_names(self) -> list[str]:
        return [DIMENSIONS[d] for d in self.meta.dimensions]


@dataclass
class Hub:
    articles: dict[str, Article] = field(default_factory=dict)
    tools: dict[str, Tool] = field(default_factory=dict)
    errors: list[LocatedError] = field(default_factory=list)

    def articles_for(self, dimension: str) -> list[Article]:
        return [a for a in self.articles.values() if dimension in a.meta.dimensions]

    def tools_for(self, component: str) -> list[Tool]:
        return [t for t in self.tools.values() if component in t.components]


_HUB_LINK = re.compile(r"^/hub/(articles|tools)/([^/]+)/?$")
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "code": {"class"},
    "th": {"style"},
    "td": {"style"},
}


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(source: str) -> tuple[str, list[Heading], list[str]]:
    """Markdown to safe HTML, the table of contents and every link target."""
    md = _markdown()
    tokens = md.parse(source)
    toc: list[Heading] = []
    used: set[str] = set()
    links: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in {"h2", "h3"}:
            text = _inline_text(tokens[index + 1])
            anchor = _unique(slugify(text) or "section", used)
            token.attrSet("id", anchor)
            toc.append(Heading(int(token.tag[1]), anchor, text))
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "link_open":
                    links.append(str(child.attrGet("href") or ""))
        if token.type in {"th_open", "td_open"}:
            # Alignment would come out as an inline style, which the CSP refuses.
            token.attrs.pop("style", None)
    html = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return clean, toc, links


def _inline_text(token: Token) -> str:
    return "".join(
        child.content
        for child in token.children or []
        if child.type in {"text", "code_inline"}
    )


def _unique(anchor: str, used: set[str]) -> str:
    candidate, number = anchor, 2
    while candidate in used:
        candidate = f"{anchor}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def load_article(path: Path, name: str) -> tuple[Article | None, list[LocatedError]]:
    def fail(
        message: str, line: int = 1, column: int = 1
    ) -> tuple[None, list[LocatedError]]:
        return None, [LocatedError(name, line, column, message)]

    if path.stat().st_size > MAX_ARTICLE_BYTES:
        return fail(f"the article is over {MAX_ARTICLE_BYTES:,} bytes; split it")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return fail("the article is not UTF-8 text; save it as UTF-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        return fail("the article must start with front matter between two '---' lines")
    try:
        document = yamlsafe.parse(match.group(1))
    except yamlsafe.YamlError as error:
        # The front matter starts on the file's second line.
        return fail(error.message, error.mark.line + 1, error.mark.column)
    if not isinstance(document.data, dict):
        return fail("the front matter must be a mapping of keys", 2)
    try:
        meta = ArticleMeta.model_validate(document.data)
    except ValidationError as error:
        return None, [
            LocatedError(name, mark.line + 1, mark.column, message)
            for mark, message in schema_errors(error, document)
        ]
    body = text[match.end() :]
    html, toc, targets = render_markdown(body)
    article = Article(
        slug=path.stem,
        meta=meta,
        html=html,
        toc=toc,
        words=len(body.split()),
    )
    for key, kind in (("related", "article"), ("tools", "tool")):
        for index, slug in enumerate(getattr(meta, key)):
            line = document.mark_for((key, index)).line + 1
            article.links.append((kind, slug, line))
    body_offset = text[: match.end()].count("\n")
    errors: list[LocatedError] = []
    for target in targets:
        link = _HUB_LINK.match(target)
        line = body_offset + _line_of(body, target)
        if link:
            kind = "article" if link.group(1) == "articles" else "tool"
            article.links.append((kind, link.group(2), line))
        elif target.startswith("/hub/"):
            errors.append(
                LocatedError(
                    name, line, 1,
                    f"link {target} is not a hub article or tool address; "
                    "use /hub/articles/<slug>/ or /hub/tools/<slug>/",
                )
            )  # fmt: skip
    return article, errors


def _line_of(body: str, needle: str) -> int:
    position = body.find(needle)
    return body.count("\n", 0, max(position, 0)) + 1


def load_tools(path: Path, name: str) -> tuple[dict[str, Tool], list[LocatedError]]:
    try:
        document = yamlsafe.parse(path.read_text(encoding="utf-8"))
    except yamlsafe.YamlError as error:
        return {}, [
            LocatedError(name, error.mark.line, error.mark.column, error.message)
        ]
    try:
        parsed = ToolsFile.model_validate(document.data)
    except ValidationError as error:
        return {}, [
            LocatedError(name, mark.line, mark.column, message)
            for mark, message in schema_errors(error, document)
        ]
    tools: dict[str, Tool] = {}
    errors: list[LocatedError] = []
    for index, tool in enumerate(parsed.tools):
        if tool.slug in tools:
            mark = document.mark_for(("tools", index, "slug"))
            errors.append(
                LocatedError(
                    name,
                    mark.line,
                    mark.column,
                    f"tool slug '{tool.slug}' is used twice",
                )
            )
        tools[tool.slug] = tool
    return tools, errors


def load_hub(content_dir: Path) -> Hub:
    """Load and cross-check every article and tool under ``content_dir``."""
    hub = Hub()
    root = content_dir.parent.parent

    def display(path: Path) -> str:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)

    tools_path = content_dir / "tools.yaml"
    hub.tools, errors = load_tools(tools_path, display(tools_path))
    hub.errors.extend(errors)

    for path in sorted((content_dir / "articles").glob("*.md")):
        article, errors = load_article(path, display(path))
        hub.errors.extend(errors)
        if article is not None:
            hub.articles[article.slug] = article

    for article in hub.articles.values():
        path = content_dir / "articles" / f"{article.slug}.md"
        hub.errors.extend(_dangling_links(article, hub, display(path)))
    return hub


def _dangling_links(article: Article, hub: Hub, name: str) -> list[LocatedError]:
    errors = []
    for kind, slug, line in article.links:
        known: dict[str, Article] | dict[str, Tool] = (
            hub.articles if kind == "article" else hub.tools
        )
        if slug not in known:
            errors.append(
                LocatedError(
                    name, line, 1,
                    f"links to the {kind} '{slug}', which does not exist in the hub",
                )
            )  # fmt: skip
    return errors


_lock = threading.Lock()
_hub: Hub | None = None


def get_hub() -> Hub:
    """The hub loaded from ``settings.HUB_CONTENT_DIR``, once per process."""
    global _hub
    with _lock:
        if _hub is None:
            _hub = load_hub(Path(settings.HUB_CONTENT_DIR))
        return _hub


def reset_hub() -> None:
    global _hub
    with _lock:
        _hub = None
