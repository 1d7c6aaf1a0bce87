"""The reporting step of `seed_demo`: the snapshots a partnership would have if the hub had
been taking them for the last two years, so reports and their trends have a history to show
(docs/demo-data.md, "Reporting").

Every figure is taken by `snapshot_take` from the demo's own data, never written by hand: a
trend says what the other steps' history says. Past days are backfilled with the parts a past
day can be worked out from (docs/reporting.md, "Backfill"): the events of every day, and
compliance on the days a trend reads it (each month's last day, and every day of the last few
weeks). Yesterday is taken as the nightly job takes it, with every part, governors' take-up
included. Runs last, after any people and sessions added in bulk, so their figures are in.
A day already taken is left as it is, so a second run adds only the days since the last.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from demo.organisations.context import DemoSeed
from reporting.enums import SnapshotHow, SnapshotPart
from reporting.models import Snapshot
from reporting.services.snapshots import snapshot_take

# The longest trend the reporting dashboard shows, this month included.
HISTORY_MONTHS = 24
# Compliance every day for this long, so a chart by day or week has five weeks to show; older
# months need only their last day (a month's rate is read from it). Compliance is the dearest
# part (about three times the rest together), so every day for two years would treble the cost.
DAILY_COMPLIANCE_DAYS = 35
# The parts worked out from the timestamps events carry: cheap, and taken for every day.
EVENT_PARTS = frozenset(
    {
        SnapshotPart.BOOKINGS,
        SnapshotPart.SESSIONS,
        SnapshotPart.EVALUATIONS,
        SnapshotPart.SHADOWING,
    }
)


def reporting_seed(seed: DemoSeed) -> None:
    """Take every day of the last `HISTORY_MONTHS` months that has no snapshot yet."""
    yesterday = seed.today - timedelta(days=1)
    first = seed.today.replace(day=1) - relativedelta(months=HISTORY_MONTHS - 1)
    taken = set(Snapshot.objects.filter(day__gte=first).values_list("day", flat=True))
    compliance_days = compliance_days_for(first=first, last=yesterday)
    started = time.perf_counter()
    count = with_compliance = 0
    day = first
    while day < yesterday:
        if day not in taken:
            parts = set(EVENT_PARTS)
            if day in compliance_days:
                parts.add(SnapshotPart.COMPLIANCE)
                with_compliance += 1
            snapshot_take(day=day, how=SnapshotHow.BACKFILL, parts=parts)
            count += 1
        day += timedelta(days=1)
    if yesterday >= first and yesterday not in taken:
        # As the nightly job would take it: every part, governors' take-up included.
        snapshot_take(day=yesterday, how=SnapshotHow.NIGHTLY)
        count += 1
        with_compliance += 1
    if not count:
        seed.log("Reporting: already there")
        return
    seed.log(
        f"Reporting: {count} days' snapshots ({with_compliance} with compliance) "
        f"in {time.perf_counter() - started:.1f} s"
    )


def compliance_days_for(*, first: date, last: date) -> set[date]:
    """The days from `first` to `last` that get compliance: each month's last day, and each of
    the last `DAILY_COMPLIANCE_DAYS` days."""
    days = {last - timedelta(days=n) for n in range(DAILY_COMPLIANCE_DAYS)}
    month = first.replace(day=1)
    while True:
        month_end = month + relativedelta(months=1) - timedelta(days=1)
        if month_end > last:
            break
        days.add(month_end)
        month += relativedelta(months=1)
    return {day for day in days if first <= day <= last}
