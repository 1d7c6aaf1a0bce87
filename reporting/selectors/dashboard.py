"""The partnership's reports page: every table it shows and exports, read from snapshots only
(trends never recompute the past; docs/reporting.md).

Each table is a `ReportTable` (a title, a header and rows of plain values), the same one the
page draws, its chart reads and its CSV and Excel files hold, so a figure on the page is always
the one in the file. Tables are scoped by `reporting.permissions.ReportScope`: a coordinator's
hold their organisations' rows only. Figures that have no organisation (sessions, shadowing
between sectors) are the whole partnership's for everyone, which says nothing about any one
organisation's people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from compliance.enums import MET_STATUSES, ComplianceStatus
from evaluations.enums import Step
from evaluations.selectors.results import RESULTS_MINIMUM_GROUP
from organisations.enums import Sector
from reporting.enums import SnapshotPart
from reporting.models import (
    BookingFigure,
    ComplianceFigure,
    EvaluationFigure,
    GovernorFigure,
    SessionMixFigure,
    ShadowingFigure,
    Snapshot,
)
from reporting.permissions import ReportScope
from reporting.selectors.trends import last_snapshot_each_month

Cell = str | int | Decimal | None

# Sessions bringing together at least this many agencies count as multi-agency (the review's
# measure of joint training).
MULTI_AGENCY = 3
# Lines on the compliance trend besides the whole: the sectors with the most requirement rows.
TREND_SECTORS = 5
# Months on the compliance trend, whatever the period (the issue asks for two years).
TREND_MONTHS = 24


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date

    def months(self) -> list[date]:
        first, months = self.start.replace(day=1), []
        while first <= self.end:
            months.append(first)
            first += relativedelta(months=1)
        return months


def _reporting_year_start(day: date) -> date:
    """1 April of the reporting year `day` is in (April to March, as annual reports run)."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def periods(today: date | None = None) -> list[Period]:
    """The periods on offer, the default first. Each ends yesterday at the latest: today has
    no snapshot yet."""
    today = today or timezone.localdate()
    yesterday = today - relativedelta(days=1)
    this_year = _reporting_year_start(yesterday)
    return [
        Period(
            "12-months",
            "The last 12 months",
            (yesterday.replace(day=1) - relativedelta(months=11)),
            yesterday,
        ),
        Period(
            "24-months",
            "The last 24 months",
            (yesterday.replace(day=1) - relativedelta(months=23)),
            yesterday,
        ),
        Period(
            "this-year",
            f"This reporting year (from 1 April {this_year.year})",
            this_year,
            yesterday,
        ),
        Period(
            "last-year",
            f"April {this_year.year - 1} to March {this_year.year}",
            this_year - relativedelta(years=1),
            this_year - relativedelta(days=1),
        ),
    ]


def period_for(key: str | None, today: date | None = None) -> Period:
    """The period asked for, or the default one when the key is unknown."""
    offered = periods(today)
    return next((p for p in offered if p.key == key), offered[0])


def month_label(month: date) -> str:
    return f"{month:%b %Y}"


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


@dataclass
class ReportTable:
    """A table of the report: what the page shows under a chart and the exports hold."""

    key: str
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


def _scoped(queryset: QuerySet, scope: ReportScope) -> QuerySet:
    if scope.organisation_ids is None:
        return queryset
    return queryset.filter(organisation__in=scope.organisation_ids)


def _in_period(queryset: QuerySet, period: Period) -> QuerySet:
    return queryset.filter(snapshot__day__gte=period.start, snapshot__day__lte=period.end)


def _sector_label(value: str) -> str:
    return str(Sector(value).label) if value in Sector.values else value


# Compliance ---------------------------------------------------------------------------------


def compliance_trend(scope: ReportScope, today: date | None = None) -> ReportTable:
    """The compliance rate (in date or due soon, of everyone but new starters) at the end of
    each of the last 24 months, for the whole scope and its largest sectors. Two queries."""
    today = today or timezone.localdate()
    end = today - relativedelta(days=1)
    months = [end.replace(day=1) - relativedelta(months=n) for n in range(TREND_MONTHS - 1, -1, -1)]
    last = last_snapshot_each_month(SnapshotPart.COMPLIANCE, months[0], end)
    figures = _scoped(ComplianceFigure.objects.filter(snapshot__in=list(last.values())), scope)
    counted: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    sizes: dict[str, int] = defaultdict(int)
    for line in (
        figures.order_by().values("snapshot_id", "sector", "status").annotate(n=Sum("rows"))
    ):
        if line["status"] == ComplianceStatus.NEW_STARTER:
            continue
        for group in ("", line["sector"]):
            tally = counted[(line["snapshot_id"], group)]
            tally[1] += line["n"]
            if line["status"] in MET_STATUSES:
                tally[0] += line["n"]
        sizes[line["sector"]] += line["n"]
    sectors = sorted(sizes, key=lambda s: (-sizes[s], s))[:TREND_SECTORS]
    rows: list[list[Cell]] = []
    for month in months:
        snapshot = last.get(month)
        cells: list[Cell] = [month_label(month)]
        for group in ("", *sectors):
            if snapshot is None:
                cells.append(None)
            else:
                met, whole = counted.get((snapshot.pk, group), [0, 0])
                cells.append(percent(met, whole))
        rows.append(cells)
    return ReportTable(
        key="compliance-trend",
        title="Compliance rate at the end of each month (%)",
        header=["Month", "All", *(_sector_label(s) for s in sectors)],
        rows=rows,
        note="In date or due soon, of every requirement but new starters'. The current month "
        "is its latest day so far.",
    )


def compliance_by_organisation(scope: ReportScope) -> ReportTable:
    """Each organisation's compliance on the latest day with compliance figures. One query
    for the day, one for the figures."""
    day = _latest_day(SnapshotPart.COMPLIANCE)
    rows: list[list[Cell]] = []
    if day is not None:
        tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        figures = _scoped(ComplianceFigure.objects.filter(snapshot__day=day), scope)
        for line in (
            figures.order_by()
            .values("organisation_name", "sector", "status")
            .annotate(n=Sum("rows"))
        ):
            tally = tallies[(line["organisation_name"], line["sector"])]
            if line["status"] == ComplianceStatus.NEW_STARTER:
                tally[2] += line["n"]
                continue
            tally[1] += line["n"]
            if line["status"] in MET_STATUSES:
                tally[0] += line["n"]
        for (name, sector), (met, whole, new) in sorted(tallies.items()):
            rows.append([name, _sector_label(sector), met, whole, new, percent(met, whole)])
    return ReportTable(
        key="compliance-organisations",
        title=f"Compliance by organisation on {day:%-d %B %Y}"
        if day
        else "Compliance by organisation",
        header=["Organisation", "Sector", "Met", "Counted", "New starters", "Rate (%)"],
        rows=rows,
        note="Each requirement a person holds counts once (a person with two memberships "
        "counts in each).",
    )


# How many days back to look for the latest snapshot holding a part.
LATEST_WITHIN_DAYS = 400


def _latest_day(part: SnapshotPart) -> date | None:
    """The latest day whose snapshot holds `part` (parts are a JSON list, read here rather
    than queried, which SQLite cannot do for lists). One query."""
    rows = Snapshot.objects.order_by("-day").values_list("day", "parts")[:LATEST_WITHIN_DAYS]
    for day, parts in rows:
        if part in parts:
            return day
    return None


def compliance_by_sector(organisations: ReportTable) -> ReportTable:
    """The organisations' table added up by sector (no query)."""
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _name, sector, met, whole, _new, _rate in organisations.rows:
        tally = tallies[str(sector)]
        tally[0] += int(met or 0)
        tally[1] += int(whole or 0)
    return ReportTable(
        key="compliance-sectors",
        title="Compliance by sector (%)",
        header=["Sector", "Rate (%)"],
        rows=[[sector, percent(met, whole)] for sector, (met, whole) in sorted(tallies.items())],
    )


# Governors ----------------------------------------------------------------------------------


def governors_by_school(scope: ReportScope) -> ReportTable:
    """Each school's governors on the latest day with governors' figures, all roles added up."""
    day = _latest_day(SnapshotPart.GOVERNORS)
    rows: list[list[Cell]] = []
    if day is not None:
        figures = _scoped(GovernorFigure.objects.filter(snapshot__day=day), scope)
        for line in (
            figures.order_by("organisation_name")
            .values("organisation_name")
            .annotate(
                governors=Sum("governors"),
                in_date=Sum("in_date"),
                action=Sum("action_needed"),
                declared=Sum("declared"),
            )
        ):
            rows.append(
                [
                    line["organisation_name"],
                    line["governors"],
                    line["in_date"],
                    line["action"],
                    line["declared"],
                    percent(line["in_date"], line["governors"]),
                ]
            )
    return ReportTable(
        key="governors",
        title=f"Governors' take-up by school on {day:%-d %B %Y}"
        if day
        else "Governors' take-up by school",
        header=["School", "Governors", "In date", "Action needed", "Declared", "Take-up (%)"],
        rows=rows,
    )


# Joint training -------------------------------------------------------------------------------


def bookings_by_organisation(scope: ReportScope, period: Period) -> ReportTable:
    """Bookings, attendance, did-not-attend, late cancellations and charges in the period, by
    the attendee's organisation. One query."""
    figures = _in_period(_scoped(BookingFigure.objects.all(), scope), period)
    rows: list[list[Cell]] = []
    for line in (
        figures.order_by("organisation_name")
        .values("organisation_name")
        .annotate(
            booked=Sum("booked"),
            attended=Sum("attended"),
            dna=Sum("did_not_attend"),
            late=Sum("late_cancelled"),
            charges=Sum("charges"),
            pence=Sum("charges_pence"),
        )
    ):
        marked = line["attended"] + line["dna"]
        rows.append(
            [
                line["organisation_name"],
                line["booked"],
                line["attended"],
                line["dna"],
                percent(line["dna"], marked),
                line["late"],
                percent(line["late"], line["booked"]),
                line["charges"],
                (Decimal(line["pence"]) / 100).quantize(Decimal("0.01")),
            ]
        )
    return ReportTable(
        key="bookings",
        title="Bookings, did not attend and late cancellations by organisation",
        header=[
            "Organisation",
            "Booked",
            "Attended",
            "Did not attend",
            "Did not attend (%)",
            "Cancelled late",
            "Cancelled late (%)",
            "Charges",
            "Charged (£)",
        ],
        rows=rows,
        note="Each counted on the day it happened: a booking when it was made, attendance when "
        "the register was marked. The did-not-attend rate is of everyone marked.",
    )


def sessions_by_month(period: Period) -> ReportTable:
    """Sessions held each month and the share bringing together three or more agencies (the
    whole partnership's). One query."""
    by_month = {
        line["month"].date() if hasattr(line["month"], "date") else line["month"]: line
        for line in _in_period(SessionMixFigure.objects.all(), period)
        .annotate(month=TruncMonth("snapshot__day"))
        .order_by()
        .values("month")
        .annotate(
            sessions=Count("pk"),
            multi=Count("pk", filter=Q(agencies__gte=MULTI_AGENCY)),
            attendees=Sum("attendees"),
        )
    }
    rows: list[list[Cell]] = []
    for month in period.months():
        line = by_month.get(month)
        sessions = line["sessions"] if line else 0
        multi = line["multi"] if line else 0
        rows.append(
            [month_label(month), sessions, multi, percent(multi, sessions) if sessions else None]
        )
    return ReportTable(
        key="sessions",
        title="Sessions with three or more agencies, by month",
        header=["Month", "Sessions", "Three or more agencies", "Share (%)"],
        rows=rows,
        note="Agencies are the organisations of the people who attended.",
    )


def attendance_by_course_and_sector(scope: ReportScope, period: Period) -> ReportTable:
    """People attending each course in the period, by their organisation's sector: which
    agencies each course reaches. One query."""
    figures = _in_period(_scoped(BookingFigure.objects.all(), scope), period)
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    sectors: set[str] = set()
    for line in (
        figures.order_by()
        .values("course_title", "sector")
        .annotate(attended=Sum("attended"))
        .filter(attended__gt=0)
    ):
        cells[line["course_title"]][line["sector"]] = line["attended"]
        sectors.add(line["sector"])
    columns = sorted(sectors, key=_sector_label)
    return ReportTable(
        key="attendance-matrix",
        title="Attendance by course and sector",
        header=["Course", *(_sector_label(s) for s in columns), "Sectors reached"],
        rows=[
            [course, *(by_sector.get(s, 0) for s in columns), len(by_sector)]
            for course, by_sector in sorted(cells.items())
        ],
    )


# Shadowing and evaluations ---------------------------------------------------------------------


def shadowing_matrix(period: Period) -> ReportTable:
    """Placements completed in the period, by the visitor's sector (rows) and the host's
    (columns), with those requested. One query."""
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    requested: dict[str, int] = defaultdict(int)
    hosts: set[str] = set()
    for line in (
        _in_period(ShadowingFigure.objects.all(), period)
        .order_by()
        .values("visitor_sector", "host_sector")
        .annotate(requested=Sum("requested"), completed=Sum("completed"))
    ):
        cells[line["visitor_sector"]][line["host_sector"]] = line["completed"]
        requested[line["visitor_sector"]] += line["requested"]
        hosts.add(line["host_sector"])
    columns = sorted(hosts, key=_sector_label)
    return ReportTable(
        key="shadowing",
        title="Shadowing placements completed, visitor's sector by host's sector",
        header=["Visitor's sector", *(_sector_label(s) for s in columns), "Requested"],
        rows=[
            [_sector_label(visitor), *(by_host.get(s, 0) for s in columns), requested[visitor]]
            for visitor, by_host in sorted(cells.items(), key=lambda item: _sector_label(item[0]))
        ],
    )


def evaluations_by_step(period: Period) -> ReportTable:
    """Evaluation invitations sent and answered in the period, by step, and the average rating
    where enough people gave one (the evaluations app's minimum group). One query."""
    rows: list[list[Cell]] = []
    lines = {
        line["step"]: line
        for line in _in_period(EvaluationFigure.objects.all(), period)
        .order_by()
        .values("step")
        .annotate(
            asked=Sum("asked"),
            responses=Sum("responses"),
            ratings=Sum("ratings"),
            total=Sum("rating_total"),
        )
    }
    for step in Step:
        line = lines.get(step.value)
        if line is None:
            continue
        average = (
            (Decimal(line["total"]) / line["ratings"]).quantize(Decimal("0.1"))
            if line["ratings"] >= RESULTS_MINIMUM_GROUP
            else None
        )
        rows.append(
            [
                str(step.label),
                line["asked"],
                line["responses"],
                percent(line["responses"], line["asked"]),
                average,
            ]
        )
    return ReportTable(
        key="evaluations",
        title="Evaluations by step",
        header=["Step", "Invited", "Answered", "Answered (%)", "Average rating"],
        rows=rows,
        note=f"An average is shown only when at least {RESULTS_MINIMUM_GROUP} ratings make it.",
    )


# The registry the page and the exports share.
TABLES: dict[str, Callable[[ReportScope, Period], ReportTable]] = {
    "compliance-trend": lambda scope, period: compliance_trend(scope),
    "compliance-organisations": lambda scope, period: compliance_by_organisation(scope),
    "governors": lambda scope, period: governors_by_school(scope),
    "bookings": bookings_by_organisation,
    "sessions": lambda scope, period: sessions_by_month(period),
    "attendance-matrix": attendance_by_course_and_sector,
    "shadowing": lambda scope, period: shadowing_matrix(period),
    "evaluations": lambda scope, period: evaluations_by_step(period),
}


def latest_snapshot_day() -> date | None:
    return Snapshot.objects.aggregate(day=Max("day"))["day"]
