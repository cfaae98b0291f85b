"""A strict YAML reader that remembers where every value came from.

PyYAML's safe loader still expands anchors and aliases (the "billion
laughs" bomb), silently keeps the last of two duplicate keys and reads
``No`` or ``on`` as booleans. This reader walks the C parser's events
instead and builds plain Python values itself:

- anchors, aliases and explicit tags are refused;
- duplicate keys are refused;
- plain scalars follow YAML 1.2's core schema: only ``true``/``false``
  are booleans, ``null``/``~`` is null, numbers look like numbers, and
  everything else (``No``, ``on``, ``yes``) stays a string;
- nesting deeper than ``MAX_DEPTH`` is refused.

Alongside the value it returns the line and column of every node, keyed
by its path from the root, so that later validation errors can say where
they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

MAX_DEPTH = 40

Path = tuple[str | int, ...]

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}


class Mark(NamedTuple):
    """A position in a file, counted from one as editors count."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: Any) -> Mark:
        # PyYAML counts from zero. A tuple, because a file has one mark per
        # node and a frozen dataclass costs several times more to make.
        return cls(mark.line + 1, mark.column + 1)


class YamlError(Exception):
    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


@dataclass
class Document:
    data: Any
    value_marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)

    def mark_for(self, path: Path, *, prefer_key: bool = False) -> Mark:
        """The position of the deepest node on ``path`` that exists.

        Path elements that are not in the document (pydantic adds the names
        of union members, for instance) are skipped.
        """
        found: Path = ()
        for element in path:
            candidate = (*found, element)
            if candidate in self.value_marks:
                found = candidate
        if prefer_key and found in self.key_marks:
            return self.key_marks[found]
        return self.value_marks.get(found, Mark(1, 1))


def _plain_scalar(value: str) -> Any:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value in _NULL:
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def parse(text: str) -> Document:
    """Parse one YAML document, or raise ``YamlError`` with a position."""
    try:
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = Mark.of(error.problem_mark) if error.problem_mark else Mark(1, 1)
        problem = error.problem or "invalid YAML"
        raise YamlError(
            f"this is not valid YAML ({problem}); check the indentation and "
            "quoting around here",
            mark,
        ) from None
    return _Builder(events).build()


# Passed as the path of a mapping key: keys get a mark of their own in
# ``key_marks``, recorded by the mapping.
_KEY: Path = ("\0key",)


class _Builder:
    def __init__(self, events: list[Any]) -> None:
        self.events = events
        self.position = 0
        self.document = Document(data=None)

    def next(self) -> Any:
        event = self.events[self.position]
        self.position += 1
        return event

    def build(self) -> Document:
        self.next()  # StreamStart
        event = self.events[self.position]
        if isinstance(event, yaml.StreamEndEvent):
            raise YamlError("the file is empty; it must hold a mapping", Mark(1, 1))
        self.next()  # DocumentStart
        self.document.data = self.node((), 0)
        self.next()  # DocumentEnd
        event = self.events[self.position]
        if not isinstance(event, yaml.StreamEndEvent):
            raise YamlError(
                "the file holds more than one YAML document; keep one per file",
                Mark.of(event.start_mark),
            )
        return self.document

    def node(self, path: Path, depth: int) -> Any:
        event = self.next()
        mark = Mark.of(event.start_mark)
        if depth > MAX_DEPTH:
            raise YamlError(
                f"nesting is deeper than {MAX_DEPTH} levels; flatten the structure",
                mark,
            )
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(
                f"aliases (*{event.anchor}) are not allowed; write the value out",
                mark,
            )
        if getattr(event, "anchor", None):
            raise YamlError(
                f"anchors (&{event.anchor}) are not allowed; write each value out",
                mark,
            )
        tag = getattr(event, "tag", None)
        if tag is not None and not _is_implicit(event):
            raise YamlError(f"tags ({tag}) are not allowed; remove the tag", mark)
        if path is not _KEY:
            self.document.value_marks[path] = mark
        if isinstance(event, yaml.ScalarEvent):
            if not event.style:  # plain, unquoted
                return _plain_scalar(event.value)
            return event.value
        if isinstance(event, yaml.SequenceStartEvent):
            return self.sequence(path, depth)
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(path, depth)
        raise YamlError("unexpected YAML structure", mark)  # pragma: no cover

    def sequence(self, path: Path, depth: int) -> list[Any]:
        items: list[Any] = []
        while not isinstance(self.events[self.position], yaml.SequenceEndEvent):
            items.append(self.node((*path, len(items)), depth + 1))
        self.next()
        return items

    def mapping(self, path: Path, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        while not isinstance(self.events[self.position], yaml.MappingEndEvent):
            key_event = self.events[self.position]
            key_mark = Mark.of(key_event.start_mark)
            if not isinstance(key_event, yaml.ScalarEvent):
                raise YamlError("mapping keys must be plain words", key_mark)
            key = self.node(_KEY, depth + 1)
            if key in result:
                raise YamlError(
                    f"the key '{key}' appears twice in this mapping; keep one",
                    key_mark,
                )
            child = (*path, key)
            self.document.key_marks[child] = key_mark
            result[key] = self.node(child, depth + 1)
        self.next()
        return result


def _is_implicit(event: Any) -> bool:
    implicit = getattr(event, "implicit", True)
    if isinstance(implicit, tuple):
        return any(implicit)
    return bool(implicit)
