"""Load questionnaire files and report every mistake with its position.

A file is either loaded whole or not at all: ``load_file`` returns the
parsed questionnaire only when it has no error. Every error carries the
file, line and column it refers to and says how to fix it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError

from . import yamlsafe
from .schema import (
    SPECIAL_ANSWERS,
    AllOf,
    AnswerCondition,
    AnyOf,
    Condition,
    Not,
    Question,
    Questionnaire,
    QuestionType,
    version_key,
)

MAX_FILE_BYTES = 512 * 1024
FILE_SUFFIXES = (".yaml", ".yml")

Path = yamlsafe.Path


@dataclass(frozen=True)
class LocatedError:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class LoadedFile:
    path: FilePath
    name: str = ""
    document: yamlsafe.Document | None = None
    questionnaire: Questionnaire | None = None
    content_hash: str = ""
    errors: list[LocatedError] = field(default_factory=list)


@dataclass
class LoadReport:
    files: list[LoadedFile] = field(default_factory=list)

    @property
    def errors(self) -> list[LocatedError]:
        return [error for loaded in self.files for error in loaded.errors]

    @property
    def valid(self) -> list[tuple[LoadedFile, Questionnaire]]:
        """The files that loaded without error, each with its questionnaire."""
        return [(f, f.questionnaire) for f in self.files if f.questionnaire]


@dataclass(frozen=True)
class KnownLinks:
    """The hub's article and tool slugs that recommendations may link to."""

    articles: frozenset[str]
    tools: frozenset[str]


def content_hash(questionnaire: Questionnaire) -> str:
    """A hash of the meaning of a file, blind to comments and layout."""
    canonical = json.dumps(
        questionnaire.model_dump(mode="json", by_alias=True),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def questionnaire_files(paths: Iterable[FilePath]) -> list[FilePath]:
    """The questionnaire files in ``paths``, searching folders recursively."""
    found: list[FilePath] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in FILE_SUFFIXES)
            )
        else:
            found.append(path)
    return found


def load_paths(
    paths: Iterable[FilePath],
    links: KnownLinks | None = None,
    *,
    display_root: FilePath | None = None,
) -> LoadReport:
    """Load every questionnaire file under ``paths`` and check them together."""
    report = LoadReport(
        [
            load_file(path, links, display_root=display_root)
            for path in questionnaire_files(paths)
        ]
    )
    _check_across_files(report)
    return report


def load_file(
    path: FilePath,
    links: KnownLinks | None = None,
    *,
    display_root: FilePath | None = None,
) -> LoadedFile:
    name = _display_name(path, display_root)
    loaded = LoadedFile(path, name)

    def fail(message: str, line: int = 1, column: int = 1) -> LoadedFile:
        loaded.errors.append(LocatedError(name, line, column, message))
        return loaded

    try:
        size = path.stat().st_size
    except OSError as error:
        return fail(f"cannot read the file ({error.strerror})")
    if size > MAX_FILE_BYTES:
        return fail(
            f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}; "
            "split it or shorten its texts"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return fail("the file is not UTF-8 text; save it as UTF-8")

    try:
        document = yamlsafe.parse(text)
    except yamlsafe.YamlError as error:
        return fail(error.message, error.mark.line, error.mark.column)

    loaded.document = document
    errors = [
        LocatedError(name, mark.line, mark.column, message)
        for mark, message in validate_document(document, path, links)
    ]
    if errors:
        loaded.errors = sorted(errors, key=lambda e: (e.line, e.column))
        return loaded
    loaded.questionnaire = Questionnaire.model_validate(document.data)
    loaded.content_hash = content_hash(loaded.questionnaire)
    return loaded


def validate_document(
    document: yamlsafe.Document,
    path: FilePath | None = None,
    links: KnownLinks | None = None,
) -> list[tuple[yamlsafe.Mark, str]]:
    if not isinstance(document.data, dict):
        return [(yamlsafe.Mark(1, 1), "the file must hold a mapping of keys")]
    try:
        questionnaire = Questionnaire.model_validate(document.data)
    except ValidationError as error:
        return schema_errors(error, document)
    problems = list(_cross_check(questionnaire, path, links))
    return [(document.mark_for(where), message) for where, message in problems]


def _display_name(path: FilePath, root: FilePath | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def schema_errors(
    error: ValidationError, document: yamlsafe.Document
) -> list[tuple[yamlsafe.Mark, str]]:
    details = error.errors(include_url=False)
    locations = [tuple(detail["loc"]) for detail in details]
    found = []
    for detail, loc in zip(details, locations, strict=True):
        # A list that failed because one of its items failed adds nothing.
        if any(other != loc and other[: len(loc)] == loc for other in locations):
            continue
        kind = detail["type"]
        where = _dotted(loc)
        mark = document.mark_for(loc, prefer_key=kind == "extra_forbidden")
        found.append((mark, _explain(kind, where, detail)))
    return found


def _dotted(loc: tuple[Any, ...]) -> str:
    """A readable path: pydantic adds the tag of a condition's union member
    ("answer", or "all" before the key "all"), which the file does not have."""
    parts: list[str] = []
    for part in loc:
        text = str(part)
        if text == "answer" or (parts and parts[-1] == text and text in _TAGS):
            continue
        parts.append(text)
    return ".".join(parts)


_TAGS = {"all", "any", "not"}


def _explain(kind: str, where: str, detail: Any) -> str:
    field_name = where.rsplit(".", 1)[-1]
    if kind == "missing":
        return f"'{where}' is missing; add the key '{field_name}'"
    if kind == "extra_forbidden":
        return (
            f"unknown key '{field_name}' at '{where}'; remove it or fix its "
            "spelling (questionnaires/schema.json lists the keys)"
        )
    got = detail.get("input")
    shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    return f"'{where}': {detail['msg'].rstrip('.').lower()} (got {shown})"


def _cross_check(
    q: Questionnaire, path: FilePath | None, links: KnownLinks | None
) -> Iterator[tuple[Path, str]]:
    yield from _check_identity(q, path)
    yield from _check_levels(q)
    yield from _check_dimensions(q)
    yield from _check_questions(q)
    yield from _check_scoring(q)
    yield from _check_recommendations(q, links)
    for i, carry in enumerate(q.carry_over):
        for j, question_id in enumerate(carry.questions):
            if question_id not in q.questions_by_id:
                yield (
                    ("carry_over", i, "questions", j),
                    f"carried-over question '{question_id}' is not a question "
                    "of this version",
                )


def _duplicates(values: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    seen: set[Any] = set()
    for index, value in enumerate(values):
        if value in seen:
            yield index, value
        seen.add(value)


def _check_identity(
    q: Questionnaire, path: FilePath | None
) -> Iterator[tuple[Path, str]]:
    if path is None:
        return
    if path.parent.name != q.slug:
        yield (
            ("slug",),
            f"slug '{q.slug}' does not match the folder '{path.parent.name}'; "
            f"keep each questionnaire in questionnaires/<slug>/",
        )
    if path.stem != q.version:
        yield (
            ("version",),
            f"version '{q.version}' does not match the file name '{path.name}'; "
            f"name the file {q.version}.yaml",
        )


def _check_levels(q: Questionnaire) -> Iterator[tuple[Path, str]]:
    for index, level in enumerate(q.levels):
        if level.level != index:
            yield (
                ("levels", index, "level"),
                f"levels must be listed in order from 0 without gaps; "
                f"expected {index} here, found {level.level}",
            )


def _check_dimensions(q: Questionnaire) -> Iterator[tuple[Path, str]]:
    for index, dimension_id in _duplicates(d.id for d in q.dimensions):
        yield (
            ("dimensions", index, "id"),
            f"dimension id '{dimension_id}' is used twice",
        )
    declared = {level.level for level in q.levels}
    scored_dimensions = {
        question.dimension for question in q.questions if question.scored
    }
    for index, dimension in enumerate(q.dimensions):
        missing = sorted(declared - dimension.levels.keys())
        if missing:
            yield (
                ("dimensions", index, "levels"),
                f"dimension '{dimension.id}' has no descriptor for level(s) "
                f"{', '.join(map(str, missing))}; describe every level",
            )
        for extra in sorted(dimension.levels.keys() - declared):
            yield (
                ("dimensions", index, "levels", extra),
                f"level {extra} is not one of the questionnaire's levels",
            )
        if dimension.id not in scored_dimensions:
            yield (
                ("dimensions", index, "id"),
                f"dimension '{dimension.id}' has no scored question; add one "
                "or remove the dimension",
            )


def _check_questions(q: Questionnaire) -> Iterator[tuple[Path, str]]:
    for index, question_id in _duplicates(question.id for question in q.questions):
        yield (("questions", index, "id"), f"question id '{question_id}' is used twice")
    earlier: dict[str, Question] = {}
    for index, question in enumerate(q.questions):
        at: Path = ("questions", index)
        yield from _check_question(q, question, at)
        if question.show_if is not None:
            yield from _check_condition(
                question.show_if, (*at, "show_if"), earlier, later_ok=False
            )
        earlier[question.id] = question


def _check_question(
    q: Questionnaire, question: Question, at: Path
) -> Iterator[tuple[Path, str]]:
    if question.dimension not in q.dimensions_by_id:
        yield (
            (*at, "dimension"),
            f"dimension '{question.dimension}' is not declared under 'dimensions'",
        )
    for option_index, option_id in _duplicates(o.id for o in question.options):
        yield (
            (*at, "options", option_index, "id"),
            f"option id '{option_id}' is used twice in question '{question.id}'",
        )
    for option_index, option in enumerate(question.options):
        if option.id in SPECIAL_ANSWERS:
            yield (
                (*at, "options", option_index, "id"),
                f"'{option.id}' is reserved; use allow_not_applicable or "
                "allow_dont_know instead of an option",
            )
    if question.type is QuestionType.FREE_TEXT:
        if question.options:
            yield ((*at, "options"), "free-text questions take no options; remove them")
        if question.critical:
            yield (
                (*at, "critical"),
                "a free-text question cannot be critical: it is not scored",
            )
        return
    if len(question.options) < 2:
        yield (
            (*at, "options"),
            f"question '{question.id}' needs at least two options",
        )
    elif question.max_score <= 0:
        yield (
            (*at, "options"),
            f"question '{question.id}' has no option with a score above 0; "
            "give the best answer the most points",
        )


def condition_leaves(
    condition: Condition, at: Path
) -> Iterator[tuple[Path, AnswerCondition]]:
    if isinstance(condition, AnswerCondition):
        yield at, condition
    elif isinstance(condition, AllOf):
        for index, part in enumerate(condition.all):
            yield from condition_leaves(part, (*at, "all", index))
    elif isinstance(condition, AnyOf):
        for index, part in enumerate(condition.any):
            yield from condition_leaves(part, (*at, "any", index))
    elif isinstance(condition, Not):
        yield from condition_leaves(condition.not_, (*at, "not"))


def _check_condition(
    condition: Condition,
    at: Path,
    questions: dict[str, Question],
    *,
    later_ok: bool,
) -> Iterator[tuple[Path, str]]:
    for leaf_at, leaf in condition_leaves(condition, at):
        target = questions.get(leaf.question)
        if target is None:
            reason = "an earlier question" if not later_ok else "a question"
            yield (
                (*leaf_at, "question"),
                f"condition refers to '{leaf.question}', which is not {reason}; "
                "conditions may only depend on questions asked before",
            )
            continue
        if target.type is QuestionType.FREE_TEXT:
            yield (
                (*leaf_at, "question"),
                f"condition refers to free-text question '{leaf.question}'; "
                "conditions need a choice question",
            )
            continue
        allowed = set(target.option_scores)
        if target.allow_not_applicable:
            allowed.add("not_applicable")
        if target.allow_dont_know:
            allowed.add("dont_know")
        for index, option_id in enumerate(leaf.any_of):
            if option_id not in allowed:
                yield (
                    (*leaf_at, "any_of", index),
                    f"'{option_id}' is not an answer of question '{leaf.question}'; "
                    f"choose from {', '.join(sorted(allowed))}",
                )


def _check_scoring(q: Questionnaire) -> Iterator[tuple[Path, str]]:
    thresholds = q.scoring.thresholds
    declared = [level.level for level in q.levels]
    seen = [threshold.level for threshold in thresholds]
    for index, level in _duplicates(seen):
        yield (
            ("scoring", "thresholds", index, "level"),
            f"level {level} has two thresholds",
        )
    if thresholds and (thresholds[0].level != 0 or thresholds[0].min_score != 0):
        yield (
            ("scoring", "thresholds", 0),
            "the first threshold must be level 0 at min_score 0, so every "
            "score has a level",
        )
    for index in range(1, len(thresholds)):
        before, current = thresholds[index - 1], thresholds[index]
        if current.level <= before.level or current.min_score <= before.min_score:
            yield (
                ("scoring", "thresholds", index),
                "thresholds must rise: each needs a higher level and a higher "
                "min_score than the one before",
            )
    missing = sorted(set(declared) - set(seen))
    if missing:
        yield (
            ("scoring", "thresholds"),
            f"no threshold for level(s) {', '.join(map(str, missing))}; "
            "give every level a threshold",
        )
    for index, level in enumerate(seen):
        if level not in declared:
            yield (
                ("scoring", "thresholds", index, "level"),
                f"level {level} is not one of the questionnaire's levels",
            )
    readiness = q.scoring.readiness
    for index, dimension_id in enumerate(readiness.critical_dimensions):
        if dimension_id not in q.dimensions_by_id:
            yield (
                ("scoring", "readiness", "critical_dimensions", index),
                f"critical dimension '{dimension_id}' is not declared under "
                "'dimensions'",
            )
    if readiness.minimum_level not in declared:
        yield (
            ("scoring", "readiness", "minimum_level"),
            f"minimum_level {readiness.minimum_level} is not one of the levels",
        )


def _check_recommendations(
    q: Questionnaire, links: KnownLinks | None
) -> Iterator[tuple[Path, str]]:
    steps = q.recommendations.steps
    declared = {level.level for level in q.levels}
    for index, step_id in _duplicates(step.id for step in steps):
        yield (
            ("recommendations", "steps", index, "id"),
            f"step id '{step_id}' is used twice",
        )
    for index, step in enumerate(steps):
        at: Path = ("recommendations", "steps", index)
        if step.dimension not in q.dimensions_by_id:
            yield (
                (*at, "dimension"),
                f"dimension '{step.dimension}' is not declared under 'dimensions'",
            )
        if step.level not in declared:
            yield ((*at, "level"), f"level {step.level} is not one of the levels")
        for dep_index, dependency in enumerate(step.depends_on):
            if dependency not in q.steps_by_id:
                yield (
                    (*at, "depends_on", dep_index),
                    f"step '{step.id}' depends on unknown step '{dependency}'",
                )
        if links is not None:
            for link_index, slug in enumerate(step.articles):
                if slug not in links.articles:
                    yield (
                        (*at, "articles", link_index),
                        f"no hub article has the slug '{slug}'; check "
                        "hub/content/articles/",
                    )
            for link_index, slug in enumerate(step.tools):
                if slug not in links.tools:
                    yield (
                        (*at, "tools", link_index),
                        f"no tool in the catalogue has the slug '{slug}'; check "
                        "hub/content/tools.yaml",
                    )
    yield from _check_cycles(q)

    triggers = q.recommendations.triggers
    for index, trigger_id in _duplicates(t.id for t in triggers):
        yield (
            ("recommendations", "triggers", index, "id"),
            f"trigger id '{trigger_id}' is used twice",
        )
    for index, trigger in enumerate(triggers):
        at = ("recommendations", "triggers", index)
        yield from _check_condition(
            trigger.when, (*at, "when"), q.questions_by_id, later_ok=True
        )
        for step_index, step_id in enumerate(trigger.steps):
            if step_id not in q.steps_by_id:
                yield (
                    (*at, "steps", step_index),
                    f"trigger '{trigger.id}' names unknown step '{step_id}'",
                )


def _check_cycles(q: Questionnaire) -> Iterator[tuple[Path, str]]:
    index_of = {step.id: i for i, step in enumerate(q.recommendations.steps)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(step_id: str, trail: list[str]) -> list[str] | None:
        state[step_id] = 1
        for dependency in q.steps_by_id[step_id].depends_on:
            if dependency not in q.steps_by_id:
                continue
            if state.get(dependency) == 1:
                return [*trail, step_id, dependency]
            if dependency not in state:
                cycle = visit(dependency, [*trail, step_id])
                if cycle:
                    return cycle
        state[step_id] = 2
        return None

    for step in q.recommendations.steps:
        if step.id not in state:
            cycle = visit(step.id, [])
            if cycle:
                start = cycle.index(cycle[-1])
                loop = " -> ".join(cycle[start:])
                yield (
                    ("recommendations", "steps", index_of[cycle[-2]], "depends_on"),
                    f"steps depend on each other in a cycle ({loop}); break it",
                )


def _check_across_files(report: LoadReport) -> None:
    by_slug: dict[str, dict[str, LoadedFile]] = {}
    for loaded, q in report.valid:
        versions = by_slug.setdefault(q.slug, {})
        if q.version in versions:
            _reject(
                loaded,
                ("version",),
                f"{q.slug} {q.version} is also defined in "
                f"{versions[q.version].name}; give this file a new version",
            )
            continue
        versions[q.version] = loaded

    for versions in by_slug.values():
        for loaded in list(versions.values()):
            _check_carry_over(loaded, versions)


def _check_carry_over(loaded: LoadedFile, versions: dict[str, LoadedFile]) -> None:
    q = loaded.questionnaire
    if q is None:
        return
    for index, carry in enumerate(q.carry_over):
        at: Path = ("carry_over", index, "from_version")
        source = versions.get(carry.from_version)
        older = source.questionnaire if source else None
        if older is None:
            _reject(
                loaded,
                at,
                f"carry_over names version {carry.from_version}, which is not "
                f"a valid version of {q.slug}",
            )
        elif version_key(carry.from_version) >= version_key(q.version):
            _reject(loaded, at, "carry_over must name an older version")
        else:
            missing = [
                question_id
                for question_id in carry.questions
                if question_id not in older.questions_by_id
            ]
            if missing:
                _reject(
                    loaded,
                    ("carry_over", index, "questions"),
                    f"carried-over question(s) {', '.join(missing)} are not in "
                    f"version {carry.from_version}",
                )


def _reject(loaded: LoadedFile, where: Path, message: str) -> None:
    mark = loaded.document.mark_for(where) if loaded.document else yamlsafe.Mark(1, 1)
    loaded.errors.append(LocatedError(loaded.name, mark.line, mark.column, message))
    loaded.questionnaire = None
