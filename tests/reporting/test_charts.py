"""Server-drawn charts (reporting/charts.py and its templates): the geometry follows the
figures, a missing month breaks the line instead of drawing it as zero, every chart carries
its figures as a table and a summary for screen readers, and nothing drawn needs an inline
style (the content security policy allows none)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string

from reporting.charts import (
    BOTTOM,
    LEFT,
    LINE_HEIGHT,
    RIGHT,
    TOP,
    WIDTH,
    Series,
    bar_chart,
    figure_text,
    line_chart,
    nice_ceiling,
)

MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026"]


def test_a_percentage_runs_from_the_bottom_to_the_top_of_the_plot() -> None:
    chart = line_chart(
        key="rate", title="Compliance", labels=MONTHS, series=[Series("All", [0, 50, 100])]
    )
    points = chart.lines[0].segments[0].split()
    middle_x, middle_y = (LEFT + WIDTH - RIGHT) / 2, (TOP + LINE_HEIGHT - BOTTOM) / 2
    assert points == [
        f"{LEFT},{LINE_HEIGHT - BOTTOM}",
        f"{middle_x:g},{middle_y:g}",
        f"{WIDTH - RIGHT},{TOP}",
    ]
    assert [tick.label for tick in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]


def test_a_month_without_a_figure_breaks_the_line() -> None:
    chart = line_chart(
        key="rate", title="Compliance", labels=MONTHS, series=[Series("All", [40, None, 60])]
    )
    assert len(chart.lines[0].segments) == 2
    assert len(chart.lines[0].markers) == 2
    assert chart.table.rows[1].cells == ["No figure"]


def test_counts_rise_to_a_round_number_above_the_highest() -> None:
    chart = line_chart(
        key="n", title="Bookings", labels=MONTHS, series=[Series("All", [3, 17, 9])], unit=""
    )
    assert chart.y_ticks[-1].label == "20"
    assert nice_ceiling(0) == 1
    assert nice_ceiling(2.1) == 2.5
    assert nice_ceiling(730) == 1000


def test_the_summary_gives_each_lines_first_and_last_figure() -> None:
    chart = line_chart(
        key="rate",
        title="Compliance by sector",
        labels=MONTHS,
        series=[Series("Police", [70, 75, 82.5]), Series("Health", [None, None, 90])],
    )
    assert chart.summary == ("Police: 70% in Jan 2026, 82.5% in Mar 2026; Health: 90% in Mar 2026.")
    assert chart.table.headers == ["", "Police", "Health"]


def test_a_line_chart_refuses_figures_that_do_not_match_its_months() -> None:
    with pytest.raises(ValueError, match="has 2 figures for 3 labels"):
        line_chart(key="x", title="X", labels=MONTHS, series=[Series("All", [1, 2])])
    with pytest.raises(ValueError, match="at most 6 series"):
        line_chart(
            key="x", title="X", labels=MONTHS, series=[Series(str(n), [1, 2, 3]) for n in range(7)]
        )


def test_bars_are_as_long_as_their_share_of_the_axis() -> None:
    chart = bar_chart(key="dna", title="Did not attend", bars=[("Police", 50), ("Health", 25)])
    first, second = chart.bars
    assert first.length == pytest.approx(chart.length / 2, abs=0.1)
    assert second.length == pytest.approx(chart.length / 4, abs=0.1)
    assert [b.value_text for b in chart.bars] == ["50%", "25%"]
    assert chart.summary == "Police: 50%; Health: 25%."


def test_figures_are_written_plainly() -> None:
    assert figure_text(84.0, "%") == "84%"
    assert figure_text(1234.5, "") == "1,234.5"
    assert figure_text(None, "%") == "No figure"


def test_the_drawings_need_no_inline_style_and_carry_their_table() -> None:
    line = line_chart(
        key="trend",
        title="Compliance by month",
        labels=MONTHS,
        series=[Series("Police", [70, 75, 80]), Series("Health", [60, 65, 70])],
    )
    bars = bar_chart(key="bars", title="Compliance by sector", bars=[("Police", 80)])
    html = render_to_string("reporting/_line_chart.html", {"chart": line}) + render_to_string(
        "reporting/_bar_chart.html", {"chart": bars}
    )
    assert "style=" not in html
    assert "<script" not in html
    assert 'role="img"' in html
    assert 'aria-labelledby="chart-trend-title chart-trend-summary"' in html
    assert "Police: 70% in Jan 2026, 80% in Mar 2026" in html
    assert re.search(r"<th scope=\"row\" class=\"govuk-table__header\">Feb 2026</th>", html)
    assert "app-chart__series--2" in html  # the second line is told apart by more than colour
