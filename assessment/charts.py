"""Geometry for the results charts, drawn as inline SVG by templates.

Plain functions from scores (0-100) to coordinates, so the charts need
no JavaScript, render the same in the browser and in the PDF report,
and can be tested as numbers. ``templates/assessment/_charts.html``
turns the values returned here into SVG elements.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MAX_SCORE = 100.0


@dataclass(frozen=True)
class ChartValue:
    """One dimension's figures for a chart; scores run from 0 to 100."""

    label: str
    score: float | None
    previous: float | None = None
    target: float | None = None
    """The score at which the dimension's target level starts."""


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class RadarAxis:
    end: Point
    marker: Point
    """Where the dimension's score sits on the axis."""
    label: Point
    label_lines: tuple[str, ...]
    anchor: str
    """SVG text-anchor for the label: start, middle or end."""


@dataclass(frozen=True)
class RadarChart:
    width: int
    height: int
    center: Point
    rings: tuple[str, ...]
    """Polygon points of the grid at each quarter of the scale."""
    ring_labels: tuple[tuple[Point, str], ...]
    axes: tuple[RadarAxis, ...]
    shape: str
    """Polygon points of the scores."""
    previous_shape: str | None
    """Polygon points of the previous scores, when every dimension has one."""
    targets: tuple[Point, ...]
    """Where each target level starts, for the dimensions that have one."""
    description: str


@dataclass(frozen=True)
class Bar:
    label: str
    label_y: float
    y: float
    width: float
    bottom: float
    value_text: str
    value_x: float
    target_x: float | None
    previous_x: float | None


@dataclass(frozen=True)
class Gridline:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: float
    plot_width: float
    bar_height: float
    bars: tuple[Bar, ...]
    gridlines: tuple[Gridline, ...]
    top: float
    description: str


def wrap(text: str, width: int = 18, max_lines: int = 3) -> tuple[str, ...]:
    """Split a label into lines of about ``width`` characters at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return tuple(lines)


def _clamp(score: float | None) -> float:
    if score is None:
        return 0.0
    return min(max(score, 0.0), MAX_SCORE)


def describe(values: Sequence[ChartValue]) -> str:
    """The chart's figures as a sentence, for its SVG description."""
    parts = []
    for value in values:
        figures = [
            "not scored" if value.score is None else f"{value.score:g} out of 100"
        ]
        if value.previous is not None:
            figures.append(f"previously {value.previous:g}")
        if value.target is not None:
            figures.append(f"target level starts at {value.target:g}")
        parts.append(f"{value.label}: {', '.join(figures)}")
    return "; ".join(parts) + "."


def _points(points: Sequence[Point]) -> str:
    return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)


def radar(
    values: Sequence[ChartValue],
    *,
    radius: float = 150,
    label_room: float = 140,
    line_height: float = 15,
) -> RadarChart | None:
    """A radar (spider) chart, or None below three dimensions.

    With fewer than three axes the shape is a line or a dot, which says
    less than the bar chart beside it.
    """
    count = len(values)
    if count < 3:
        return None
    vertical_room = 3 * line_height + 20
    width = round(2 * (radius + label_room))
    height = round(2 * (radius + vertical_room))
    center = Point(width / 2, height / 2)

    def at(index: int, score: float | None, extra: float = 0.0) -> Point:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * _clamp(score) / MAX_SCORE + extra
        return Point(
            round(center.x + distance * math.cos(angle), 1),
            round(center.y + distance * math.sin(angle), 1),
        )

    rings = tuple(
        _points([at(i, fraction * MAX_SCORE) for i in range(count)])
        for fraction in (0.25, 0.5, 0.75, 1.0)
    )
    # Ring labels sit halfway between the first two axes, where no axis
    # or axis label is drawn.
    ring_labels = tuple(
        (
            Point(
                round((at(0, score).x + at(1, score).x) / 2 + 3, 1),
                round((at(0, score).y + at(1, score).y) / 2 - 3, 1),
            ),
            str(round(score)),
        )
        for score in (50.0, MAX_SCORE)
    )
    axes = []
    for index, value in enumerate(values):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos = math.cos(angle)
        lines = wrap(value.label)
        label = at(index, MAX_SCORE, extra=12)
        if math.sin(angle) < -0.5:
            label = Point(label.x, label.y - line_height * (len(lines) - 1) - 2)
        elif math.sin(angle) > 0.5:
            label = Point(label.x, label.y + line_height - 2)
        else:
            label = Point(label.x, label.y - line_height * (len(lines) - 1) / 2 + 4)
        axes.append(
            RadarAxis(
                end=at(index, MAX_SCORE),
                marker=at(index, value.score),
                label=label,
                label_lines=lines,
                anchor="middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end"),
            )
        )
    has_previous = all(v.previous is not None for v in values)
    return RadarChart(
        width=width,
        height=height,
        center=center,
        rings=rings,
        ring_labels=ring_labels,
        axes=tuple(axes),
        shape=_points([at(i, v.score) for i, v in enumerate(values)]),
        previous_shape=(
            _points([at(i, v.previous) for i, v in enumerate(values)])
            if has_previous
            else None
        ),
        targets=tuple(
            at(i, v.target) for i, v in enumerate(values) if v.target is not None
        ),
        description=describe(values),
    )


def bars(
    values: Sequence[ChartValue],
    thresholds: Sequence[tuple[float, str]] = (),
    *,
    width: int = 560,
    row_height: float = 46,
    bar_height: float = 16,
    value_room: float = 60,
) -> BarChart:
    """Horizontal bars, one per dimension, with its label above the bar.

    ``thresholds`` are (score, label) pairs drawn as vertical gridlines,
    typically the score at which each maturity level starts.
    """
    top = 22.0
    left = 2.0
    plot_width = width - left - value_room

    def x_of(score: float | None) -> float:
        return round(left + plot_width * _clamp(score) / MAX_SCORE, 1)

    rows = []
    for index, value in enumerate(values):
        row_top = top + index * row_height
        bar_width = round(plot_width * _clamp(value.score) / MAX_SCORE, 1)
        rows.append(
            Bar(
                label=value.label,
                label_y=row_top + 14,
                y=row_top + 22,
                bottom=row_top + 22 + bar_height,
                width=bar_width,
                value_text="–" if value.score is None else f"{value.score:g}",
                value_x=round(left + plot_width + 10, 1),
                target_x=None if value.target is None else x_of(value.target),
                previous_x=None if value.previous is None else x_of(value.previous),
            )
        )
    gridlines = tuple(
        Gridline(x_of(score), label) for score, label in thresholds if score > 0
    )
    return BarChart(
        width=width,
        height=round(top + len(values) * row_height + 8),
        left=left,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=tuple(rows),
        gridlines=gridlines,
        top=top,
        description=describe(values),
    )
