"""The reports page (`/reports/`) and its tables as CSV or Excel files.

The partnership team sees the whole partnership; a coordinator the same page for the
organisations they coordinate (`reporting.permissions.report_scope`); anyone else gets a 404.
Every figure comes from the snapshots (`reporting.selectors.dashboard`), and each chart is drawn
from the table shown, and exported, under it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from config.spreadsheets import Sheet, table_csv_response, table_xlsx_response
from reporting.charts import BarChart, LineChart, Series, bar_chart, line_chart
from reporting.permissions import ReportScope, report_scope
from reporting.selectors.dashboard import (
    TABLES,
    ReportTable,
    compliance_by_sector,
    latest_snapshot_day,
    period_for,
    periods,
)

EXPORT_FORMATS = ("csv", "xlsx")
# Bars on a comparison before the rest are left to the table: the lowest take-up, the highest
# did-not-attend rates.
MOST_BARS = 12


def _scope_or_404(request: HttpRequest) -> ReportScope:
    scope = report_scope(request.user)
    if scope is None:
        raise Http404
    return scope


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float | Decimal) else None


def _trend(table: ReportTable, *, key: str, title: str, columns: list[int]) -> LineChart:
    return line_chart(
        key=key,
        title=title,
        labels=[str(row[0]) for row in table.rows],
        series=[
            Series(table.header[column], [_number(row[column]) for row in table.rows])
            for column in columns
        ],
    )


def _bars(table: ReportTable, *, key: str, title: str, column: int, lowest_first: bool) -> BarChart:
    known = [(str(row[0]), _number(row[column])) for row in table.rows]
    ranked = sorted(
        ((label, value) for label, value in known if value is not None),
        key=lambda item: (item[1] if lowest_first else -item[1], item[0]),
    )
    return bar_chart(key=key, title=title, bars=ranked[:MOST_BARS])


def _headline(table: ReportTable, column: int) -> Any:
    """The last row's figure in `column` (the latest month), or None."""
    return table.rows[-1][column] if table.rows else None


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = _scope_or_404(request)
    period = period_for(request.GET.get("period"))
    tables = {key: build(scope, period) for key, build in TABLES.items()}
    sectors = compliance_by_sector(tables["compliance-organisations"])
    trend = tables["compliance-trend"]
    charts = {
        "compliance_trend": _trend(
            trend,
            key="compliance-trend",
            title="Compliance rate by month",
            columns=list(range(1, len(trend.header))),
        ),
        "compliance_sectors": _bars(
            sectors,
            key="compliance-sectors",
            title="Compliance by sector",
            column=1,
            lowest_first=False,
        ),
        "governors": _bars(
            tables["governors"],
            key="governors",
            title="Governors' take-up: the schools lowest first",
            column=5,
            lowest_first=True,
        ),
        "sessions": _trend(
            tables["sessions"],
            key="sessions",
            title="Share of sessions with three or more agencies",
            columns=[3],
        ),
        "did_not_attend": _bars(
            tables["bookings"],
            key="did-not-attend",
            title="Did not attend: the highest rates first",
            column=4,
            lowest_first=False,
        ),
    }
    return render(
        request,
        "reporting/dashboard.html",
        {
            "scope": scope,
            "period": period,
            "periods": periods(),
            # Keys as template names (compliance_trend), the exports' keys hyphenated.
            "tables": {key.replace("-", "_"): table for key, table in tables.items()},
            "sectors": sectors,
            "charts": charts,
            "compliance_now": _headline(trend, 1),
            "latest_day": latest_snapshot_day(),
            "export_formats": EXPORT_FORMATS,
        },
    )


# Excel refuses sheet names longer than this.
SHEET_TITLE_LENGTH = 31


@login_required
@require_http_methods(["GET", "HEAD"])
def export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One table of the page, for the period asked, as CSV or Excel (cells that look like
    formulas are written as text: config.spreadsheets)."""
    scope = _scope_or_404(request)
    if key not in TABLES or fmt not in EXPORT_FORMATS:
        raise Http404
    period = period_for(request.GET.get("period"))
    table = TABLES[key](scope, period)
    filename = f"{key}-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        return table_csv_response(filename, table.header, table.rows)
    return table_xlsx_response(
        filename,
        Sheet(title=table.title[:SHEET_TITLE_LENGTH], header=table.header, rows=table.rows),
    )
