"""The nightly snapshot (beat: "reporting-snapshot", config.settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from reporting.enums import SnapshotHow
from reporting.models import Snapshot
from reporting.services.snapshots import snapshot_take, snapshots_backfill

# Days before the one being taken that the nightly job fills in when they are missing (the
# worker was down, a deploy failed). A week covers a long weekend and a bad week's outages;
# older gaps are left to `manage.py reporting_backfill`, which someone runs on purpose.
CATCH_UP_DAYS = 7


@shared_task
def snapshot_take_task(day: str | None = None) -> list[str]:
    """Take the figures of `day` (ISO date; yesterday, the last day to have closed, by
    default), then fill any of the week before it that has no snapshot, from history (their
    governors' take-up cannot be recomputed: see `RECOMPUTABLE_PARTS`). Returns the days
    taken. Safe to run twice: a day already taken is left as it is."""
    on = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    already = Snapshot.objects.filter(day=on).exists()
    snapshot_take(day=on, how=SnapshotHow.NIGHTLY)
    filled = snapshots_backfill(
        date_from=on - timedelta(days=CATCH_UP_DAYS), date_to=on - timedelta(days=1)
    )
    taken = [] if already else [on]
    return [d.isoformat() for d in [*filled.taken, *taken]]
