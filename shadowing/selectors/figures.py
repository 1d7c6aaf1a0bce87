"""The partnership team's figures on shadowing, for a period of requests: placements by the
visitor's sector and the host's, how many were completed and declined, how long from request
to visit, and how many reflections were written (never what they say).

Three queries whatever the number of placements: the counts grouped by both sectors and state,
the completed placements' two dates (for the median), and the reflections. Definitions, as the
page states them:

- completion rate: of the placements a host accepted that have since ended, the share
  completed (a visit still to come, or a reflection still to write, counts neither way);
- decline rate: of the requests someone decided on (the line manager declined, or the host
  accepted or declined), the share declined by either;
- days from request to visit: the median, over completed placements, of the days from the
  request to the (first) day of the visit.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, QuerySet, When
from django.utils import timezone

from organisations.enums import Sector
from shadowing.enums import OPEN_STATUSES, Status
from shadowing.models import Placement, Reflection

DECLINED = frozenset({Status.DECLINED_BY_MANAGER, Status.DECLINED_BY_HOST})


@dataclass(frozen=True)
class PeriodFilters:
    """Placements requested from and to these days (both included)."""

    date_from: date | None = None
    date_to: date | None = None

    @property
    def any(self) -> bool:
        return self.date_from is not None or self.date_to is not None


def placements_in(filters: PeriodFilters) -> QuerySet[Placement]:
    placements = Placement.objects.all()
    if filters.date_from is not None:
        placements = placements.filter(requested_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        placements = placements.filter(requested_at__date__lte=filters.date_to)
    return placements


def placements_listed(filters: PeriodFilters) -> QuerySet[Placement]:
    """The placements for the list and the export, newest request first, with what each row
    shows (whether a reflection was written, not what it says)."""
    return (
        placements_in(filters)
        .select_related(
            "opportunity",
            "visitor__user",
            "home_organisation",
            "host_organisation",
            "requested_date",
        )
        .annotate(has_reflection=Exists(Reflection.objects.filter(placement=OuterRef("pk"))))
        .order_by("-requested_at", "-pk")
    )


@dataclass(frozen=True)
class Cell:
    completed: int = 0
    requested: int = 0


@dataclass(frozen=True)
class MatrixRow:
    sector: str
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class SectorMatrix:
    """Rows are the visitors' sectors, columns the hosts', each only where there is a
    placement; every cell counts completed placements and all requested."""

    columns: list[tuple[str, str]]
    rows: list[MatrixRow]
    totals: list[Cell]
    total: Cell


@dataclass(frozen=True)
class Figures:
    requested: int
    completed: int
    declined: int
    decided: int
    accepted_ended: int
    matrix: SectorMatrix
    median_days_to_visit: float | None
    reflections_written: int

    @property
    def completion_rate(self) -> float | None:
        return _percent(self.completed, self.accepted_ended)

    @property
    def decline_rate(self) -> float | None:
        return _percent(self.declined, self.decided)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _sector_order(values: set[str]) -> list[tuple[str, str]]:
    """Sectors in the order of `organisations.enums.Sector`, with their labels."""
    return [(value, str(label)) for value, label in Sector.choices if value in values]


def _matrix(counts: dict[tuple[str, str], Cell]) -> SectorMatrix:
    columns = _sector_order({host for _, host in counts})
    rows = []
    for sector, label in _sector_order({visitor for visitor, _ in counts}):
        cells = [counts.get((sector, host), Cell()) for host, _ in columns]
        total = Cell(sum(c.completed for c in cells), sum(c.requested for c in cells))
        rows.append(MatrixRow(sector, label, cells, total))
    totals = [
        Cell(
            sum(row.cells[index].completed for row in rows),
            sum(row.cells[index].requested for row in rows),
        )
        for index in range(len(columns))
    ]
    total = Cell(sum(c.completed for c in totals), sum(c.requested for c in totals))
    return SectorMatrix(columns=columns, rows=rows, totals=totals, total=total)


def shadowing_figures(filters: PeriodFilters) -> Figures:
    placements = placements_in(filters)
    grouped = (
        placements.order_by()
        .annotate(
            visitor_sector=F("home_organisation__sector"),
            host_sector=F("host_organisation__sector"),
            host_decided=Case(
                When(host_decided_at__isnull=False, then=True),
                default=False,
                output_field=BooleanField(),
            ),
        )
        .values("visitor_sector", "host_sector", "status", "host_decided")
        .annotate(n=Count("pk"))
    )
    completed_by: dict[tuple[str, str], int] = defaultdict(int)
    requested_by: dict[tuple[str, str], int] = defaultdict(int)
    requested = completed = declined = decided = accepted_ended = 0
    for row in grouped:
        key = (row["visitor_sector"], row["host_sector"])
        n, status, host_decided = row["n"], row["status"], row["host_decided"]
        requested += n
        requested_by[key] += n
        if status == Status.COMPLETED:
            completed += n
            completed_by[key] += n
        if status in DECLINED:
            declined += n
        if status == Status.DECLINED_BY_MANAGER or host_decided:
            decided += n
        if host_decided and status != Status.DECLINED_BY_HOST and status not in OPEN_STATUSES:
            accepted_ended += n
    counts = {key: Cell(completed_by[key], requested_by[key]) for key in requested_by}
    waits = [
        (visit_date - timezone.localtime(requested_at).date()).days
        for requested_at, visit_date in placements.filter(
            status=Status.COMPLETED, visit_date__isnull=False
        )
        .order_by()
        .values_list("requested_at", "visit_date")
        if visit_date is not None
    ]
    return Figures(
        requested=requested,
        completed=completed,
        declined=declined,
        decided=decided,
        accepted_ended=accepted_ended,
        matrix=_matrix(counts),
        median_days_to_visit=statistics.median(waits) if waits else None,
        reflections_written=Reflection.objects.filter(placement__in=placements).count(),
    )
