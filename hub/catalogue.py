"""Filtering the tools catalogue from query parameters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from .content import COMPONENTS, HOSTING, Tool


@dataclass(frozen=True)
class ToolFilters:
    component: str = ""
    open_source: str = ""
    """'yes', 'no' or '' for either."""
    hosting: str = ""
    level: int | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ToolFilters:
        """Read filters from a query string, ignoring values we do not know,
        so a hand-edited or stale link still shows the catalogue."""
        component = query.get("component", "")
        open_source = query.get("open_source", "")
        hosting = query.get("hosting", "")
        level_text = query.get("level", "")
        return cls(
            component=component if component in COMPONENTS else "",
            open_source=open_source if open_source in {"yes", "no"} else "",
            hosting=hosting if hosting in HOSTING else "",
            level=int(level_text) if level_text in {"0", "1", "2", "3", "4"} else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.component or self.open_source or self.hosting) or (
            self.level is not None
        )

    @property
    def query_string(self) -> str:
        pairs = {
            "component": self.component,
            "open_source": self.open_source,
            "hosting": self.hosting,
            "level": "" if self.level is None else str(self.level),
        }
        return urlencode({k: v for k, v in pairs.items() if v})

    def matches(self, tool: Tool) -> bool:
        if self.component and self.component not in tool.components:
            return False
        if self.open_source and tool.open_source != (self.open_source == "yes"):
            return False
        if self.hosting and not (
            tool.hosting == self.hosting
            or (tool.hosting == "both" and self.hosting != "both")
        ):
            return False
        return self.level is None or self.level in tool.levels

    def apply(self, tools: Iterable[Tool]) -> list[Tool]:
        return sorted(
            (t for t in tools if self.matches(t)), key=lambda t: t.name.lower()
        )

    def comparison(self, tools: list[Tool]) -> list[tuple[str, str, list[Tool]]]:
        """One comparison table per component: (id, name, tools)."""
        components = [self.component] if self.component else list(COMPONENTS)
        tables = []
        for component in components:
            members = [t for t in tools if component in t.components]
            if members:
                tables.append((component, COMPONENTS[component], members))
        return tables
