"""Charts drawn on the server as SVG: line charts for trends, bar charts for comparisons.

Why our own: the charts must work under the strict content security policy (no inline scripts
or styles), print, and need no JavaScript; the maintained chart libraries either draw in the
browser or write `style` attributes into their SVG. What is drawn here is plain geometry: this
module works out the coordinates, and `templates/reporting/_line_chart.html` and
`_bar_chart.html` draw them with classes that `static/scss/_charts.scss` colours. Each series
differs by its dash pattern and marker as well as its colour, so no one needs to tell colours
apart, and every chart has its figures as a table under it (GOV.UK's guidance on charts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The drawing's own units (the SVG scales to its container, keeping its proportions).
WIDTH = 640
LINE_HEIGHT = 280
# Room for the axis labels: figures on the left, months below.
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
# Bar charts: one row a bar, the label above it, the figure beside it.
BAR_ROW = 40
BAR_THICKNESS = 16
BAR_VALUE_ROOM = 64
# Series beyond this would be unreadable as lines; the caller shows a table instead.
MOST_SERIES = 6
# At most this many month labels along the bottom (every other one, or every fourth, beyond):
# more than six "Sep 2026"s overlap at the drawing's width.
MOST_X_LABELS = 6


@dataclass(frozen=True)
class Series:
    """One line: a figure for each label, None where there is none (the line breaks there)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Marker:
    x: float
    y: float


@dataclass(frozen=True)
class Line:
    name: str
    number: int
    segments: list[str]
    markers: list[Marker]


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: list[str]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[TableRow]


@dataclass(frozen=True)
class LineChart:
    key: str
    title: str
    summary: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]
    table: Table


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    number: int
    y: float
    length: float
    label_y: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    summary: str
    width: int
    height: int
    left: float
    length: float
    bars: list[Bar]
    table: Table


def figure_text(value: float | None, unit: str) -> str:
    """84.5%, 12, or "No figure"."""
    if value is None:
        return "No figure"
    number = f"{value:,.1f}".removesuffix(".0")
    return f"{number}%" if unit == "%" else f"{number}{unit}"


def nice_ceiling(value: float) -> float:
    """The top of an axis: 1, 2, 2.5 or 5 times a power of ten, at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _every(count: int, most: int) -> int:
    return max(1, math.ceil(count / most))


def line_chart(
    *,
    key: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    unit: str = "%",
    y_max: float | None = None,
) -> LineChart:
    """A line for each series over `labels` (months, oldest first). Percentages run from 0 to
    100; counts from 0 to a round number above the highest."""
    if len(series) > MOST_SERIES:
        raise ValueError(f"A line chart shows at most {MOST_SERIES} series.")
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(f"{one.name} has {len(one.values)} figures for {len(labels)} labels.")
    height = LINE_HEIGHT
    left, right, top, bottom = LEFT, WIDTH - RIGHT, TOP, height - BOTTOM
    present = [v for one in series for v in one.values if v is not None]
    top_value = y_max if y_max is not None else nice_ceiling(max(present, default=0))
    if unit == "%" and y_max is None:
        top_value = 100

    def x(index: int) -> float:
        if len(labels) == 1:
            return (left + right) / 2
        return round(left + (right - left) * index / (len(labels) - 1), 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * min(value, top_value) / top_value, 1)

    lines = []
    for number, one in enumerate(series, start=1):
        segments: list[str] = []
        current: list[str] = []
        markers = []
        for index, value in enumerate(one.values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            current.append(f"{x(index):g},{y(value):g}")
            markers.append(Marker(x(index), y(value)))
        if current:
            segments.append(" ".join(current))
        lines.append(Line(one.name, number, segments, markers))
    step = _every(len(labels), MOST_X_LABELS)
    x_ticks = [Tick(x(i), label) for i, label in enumerate(labels) if i % step == 0]
    y_ticks = [Tick(y(top_value * n / 4), figure_text(top_value * n / 4, unit)) for n in range(5)]
    table = Table(
        caption=title,
        headers=["", *(one.name for one in series)],
        rows=[
            TableRow(label, [figure_text(one.values[i], unit) for one in series])
            for i, label in enumerate(labels)
        ],
    )
    return LineChart(
        key=key,
        title=title,
        summary=_line_summary(labels, series, unit),
        width=WIDTH,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        lines=lines,
        table=table,
    )


def _line_summary(labels: Sequence[str], series: Sequence[Series], unit: str) -> str:
    """What a screen reader hears for the drawing: the first and last figure of each line (the
    table under the chart has every figure)."""
    if not labels:
        return "No figures yet."
    parts = []
    for one in series:
        known = [(labels[i], v) for i, v in enumerate(one.values) if v is not None]
        if not known:
            parts.append(f"{one.name}: no figures yet")
        elif len(known) == 1:
            parts.append(f"{one.name}: {figure_text(known[0][1], unit)} in {known[0][0]}")
        else:
            (first_label, first), (last_label, last) = known[0], known[-1]
            parts.append(
                f"{one.name}: {figure_text(first, unit)} in {first_label}, "
                f"{figure_text(last, unit)} in {last_label}"
            )
    return "; ".join(parts) + "."


def bar_chart(
    *,
    key: str,
    title: str,
    bars: Sequence[tuple[str, float]],
    unit: str = "%",
    x_max: float | None = None,
    value_heading: str = "Figure",
) -> BarChart:
    """A horizontal bar for each (label, value), in the order given: long names (organisations,
    courses) fit above their bars."""
    top_value = x_max if x_max is not None else (100 if unit == "%" else None)
    if top_value is None:
        top_value = nice_ceiling(max((v for _, v in bars), default=0))
    left = 0.0
    length = WIDTH - BAR_VALUE_ROOM
    drawn = []
    for index, (label, value) in enumerate(bars):
        row_top = index * BAR_ROW
        bar_length = round(length * min(max(value, 0), top_value) / top_value, 1)
        drawn.append(
            Bar(
                label=label,
                value_text=figure_text(value, unit),
                number=1,
                y=row_top + BAR_ROW - BAR_THICKNESS - 4,
                length=bar_length,
                label_y=row_top + 14,
                value_x=bar_length + 6,
            )
        )
    summary = (
        "; ".join(f"{label}: {figure_text(value, unit)}" for label, value in bars) + "."
        if bars
        else "No figures yet."
    )
    return BarChart(
        key=key,
        title=title,
        summary=summary,
        width=WIDTH,
        height=max(len(bars), 1) * BAR_ROW,
        left=left,
        length=length,
        bars=drawn,
        table=Table(
            caption=title,
            headers=["", value_heading],
            rows=[TableRow(label, [figure_text(value, unit)]) for label, value in bars],
        ),
    )
