"""Taking a day's snapshot: the figures of one closed day, stored once.

`snapshot_take` works the figures out with grouped queries (`reporting.selectors.day_figures`)
and stores them with one `bulk_create` a kind, all in one transaction. A day already taken is
left as it is unless `replace` is asked for, so running the job twice changes nothing: the
first set of a day is the one trends read (they never recompute the past).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from reporting.enums import ALL_PARTS, RECOMPUTABLE_PARTS, SnapshotHow, SnapshotPart
from reporting.models import (
    BookingFigure,
    ComplianceFigure,
    EvaluationFigure,
    GovernorFigure,
    SessionMixFigure,
    ShadowingFigure,
    Snapshot,
)
from reporting.selectors import day_figures

logger = logging.getLogger(__name__)

# Figure rows are written this many at a time: a region's compliance figures run to tens of
# thousands of rows, and SQLite allows at most 32,766 parameters in one statement.
BULK_BATCH_SIZE = 2000

# What each part is worked out by, and stored as.
_BUILDERS: dict[SnapshotPart, tuple[type[models.Model], Callable[[date], Sequence[models.Model]]]]
_BUILDERS = {
    SnapshotPart.COMPLIANCE: (ComplianceFigure, day_figures.compliance_figures),
    SnapshotPart.GOVERNORS: (GovernorFigure, day_figures.governor_figures),
    SnapshotPart.BOOKINGS: (BookingFigure, day_figures.booking_figures),
    SnapshotPart.SESSIONS: (SessionMixFigure, day_figures.session_mix_figures),
    SnapshotPart.EVALUATIONS: (EvaluationFigure, day_figures.evaluation_figures),
    SnapshotPart.SHADOWING: (ShadowingFigure, day_figures.shadowing_figures),
}


class SnapshotDayNotClosed(ValueError):
    """A snapshot asked for a day that has not ended yet."""


@dataclass(frozen=True)
class BackfillResult:
    taken: list[date]
    skipped: list[date]


def parts_for(how: SnapshotHow) -> frozenset[SnapshotPart]:
    """Every part for the nightly job and by hand; for a backfill, only the parts a past day
    can be worked out from (`RECOMPUTABLE_PARTS`)."""
    return RECOMPUTABLE_PARTS if how == SnapshotHow.BACKFILL else ALL_PARTS


def snapshot_take(
    *,
    day: date,
    how: SnapshotHow,
    parts: Collection[SnapshotPart] | None = None,
    replace: bool = False,
) -> Snapshot:
    """Record the figures of `day` (a day that has ended) as one snapshot.

    A day already taken is returned unchanged, unless `replace`: then its figures are deleted
    and taken again, in the same transaction, so a reader sees the old set or the new, never
    half of one. Two runs at once for the same day store one set: the database refuses the
    second snapshot and the loser returns the winner's.
    """
    if day >= timezone.localdate():
        raise SnapshotDayNotClosed(f"The figures for {day:%-d %B %Y} can be taken once it ends.")
    chosen = sorted(parts if parts is not None else parts_for(how))
    existing = Snapshot.objects.filter(day=day).first()
    if existing is not None and not replace:
        return existing
    try:
        with transaction.atomic():
            if existing is not None:
                existing.delete()
            snapshot = Snapshot.objects.create(
                day=day, taken_at=timezone.now(), how=how, parts=[p.value for p in chosen]
            )
            counts = {}
            for part in chosen:
                model, build = _BUILDERS[part]
                rows = build(day)
                for row in rows:
                    row.snapshot = snapshot  # type: ignore[attr-defined]
                model.objects.bulk_create(rows, batch_size=BULK_BATCH_SIZE)  # type: ignore[attr-defined]
                counts[part.value] = len(rows)
    except IntegrityError:
        # Another run took the same day first (Snapshot.day is unique).
        winner = Snapshot.objects.filter(day=day).first()
        if winner is None:
            raise
        return winner
    logger.info("Snapshot taken", extra={"day": day.isoformat(), "how": how.value, "rows": counts})
    return snapshot


def snapshots_backfill(
    *,
    date_from: date,
    date_to: date,
    replace: bool = False,
    how: SnapshotHow = SnapshotHow.BACKFILL,
) -> BackfillResult:
    """Take every day from `date_from` to `date_to` (both included, each in its own
    transaction) with the parts a past day can be worked out from. Days already taken are
    skipped unless `replace`."""
    if date_to < date_from:
        raise ValueError("The last day must be on or after the first day.")
    taken_days = set(
        Snapshot.objects.filter(day__range=(date_from, date_to)).values_list("day", flat=True)
    )
    result = BackfillResult(taken=[], skipped=[])
    day = date_from
    while day <= date_to:
        if day in taken_days and not replace:
            result.skipped.append(day)
        else:
            snapshot_take(day=day, how=how, replace=replace)
            result.taken.append(day)
        day += timedelta(days=1)
    return result
