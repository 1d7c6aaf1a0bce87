"""Trends over months, read from snapshots only: nothing here looks at live data, so a month's
figure is what was recorded then, whatever has changed since (docs/reporting.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Sum
from django.utils import timezone

from compliance.enums import MET_STATUSES, ComplianceStatus
from organisations.models import Organisation
from reporting.enums import SnapshotPart
from reporting.models import ComplianceFigure, Snapshot


@dataclass(frozen=True)
class MonthRate:
    """A month's compliance, from its last snapshot holding compliance (`day`; None when the
    month has none). The rate leaves out new starters, as `StatusCounts.rate` does."""

    month: date
    day: date | None = None
    met: int = 0
    counted: int = 0
    new_starters: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Per cent, to one decimal place; None when nobody is counted or nothing was taken."""
        if not self.counted:
            return None
        return (Decimal(100 * self.met) / self.counted).quantize(Decimal("0.1"))


def _months_back(months: int, today: date) -> list[date]:
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(months - 1, -1, -1)]


def last_snapshot_each_month(part: SnapshotPart, start: date, end: date) -> dict[date, Snapshot]:
    """The last snapshot holding `part` of each month from `start` to `end`, by the month's
    first day. One query."""
    last: dict[date, Snapshot] = {}
    for taken in Snapshot.objects.filter(day__gte=start, day__lte=end).order_by("day"):
        if part in taken.parts:
            last[taken.day.replace(day=1)] = taken
    return last


def compliance_rate_by_month(
    *, months: int, organisations: Iterable[Organisation] | None = None
) -> list[MonthRate]:
    """The compliance rate of each of the last `months` months (this one included, oldest
    first), as its last snapshot recorded it, for the organisations given (all by default).
    Two queries: the snapshots and their figures."""
    starts = _months_back(months, timezone.localdate())
    last_day = last_snapshot_each_month(SnapshotPart.COMPLIANCE, starts[0], timezone.localdate())
    figures = ComplianceFigure.objects.filter(snapshot__in=list(last_day.values()))
    if organisations is not None:
        figures = figures.filter(organisation__in=list(organisations))
    totals: dict[tuple[int, str], int] = {
        (row["snapshot_id"], row["status"]): row["n"]
        for row in figures.order_by().values("snapshot_id", "status").annotate(n=Sum("rows"))
    }
    result = []
    for month in starts:
        snapshot = last_day.get(month)
        if snapshot is None:
            result.append(MonthRate(month=month))
            continue
        by_status = {status: totals.get((snapshot.pk, status), 0) for status in ComplianceStatus}
        new_starters = by_status[ComplianceStatus.NEW_STARTER]
        result.append(
            MonthRate(
                month=month,
                day=snapshot.day,
                met=sum(by_status[status] for status in MET_STATUSES),
                counted=sum(by_status.values()) - new_starters,
                new_starters=new_starters,
            )
        )
    return result
