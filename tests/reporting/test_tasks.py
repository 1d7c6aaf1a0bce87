"""The nightly job (reporting.tasks.snapshot_take_task), run through Celery (eager in tests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from reporting.enums import ALL_PARTS, RECOMPUTABLE_PARTS, SnapshotHow
from reporting.models import Snapshot
from reporting.tasks import CATCH_UP_DAYS, snapshot_take_task
from tests.reporting.factories import partnership_build

pytestmark = pytest.mark.django_db


def test_the_nightly_job_takes_yesterday_and_fills_the_week_before() -> None:
    """Yesterday is taken whole; missing days of the week before are filled from history;
    a second run takes nothing."""
    partnership_build()
    yesterday = timezone.localdate() - timedelta(days=1)
    Snapshot.objects.create(
        day=yesterday - timedelta(days=3), taken_at=timezone.now(), how=SnapshotHow.NIGHTLY
    )

    taken = snapshot_take_task.delay().get()

    assert len(taken) == CATCH_UP_DAYS
    assert yesterday.isoformat() in taken
    nightly = Snapshot.objects.get(day=yesterday)
    assert (nightly.how, set(nightly.parts)) == (SnapshotHow.NIGHTLY, {p.value for p in ALL_PARTS})
    filled = Snapshot.objects.get(day=yesterday - timedelta(days=CATCH_UP_DAYS))
    assert set(filled.parts) == {p.value for p in RECOMPUTABLE_PARTS}
    assert not Snapshot.objects.filter(day__lt=yesterday - timedelta(days=CATCH_UP_DAYS)).exists()
    assert snapshot_take_task.delay().get() == []
    assert Snapshot.objects.count() == CATCH_UP_DAYS + 1


def test_the_job_takes_the_day_it_is_given() -> None:
    """Given an ISO date, that day is taken (by the nightly job's name)."""
    day = timezone.localdate() - timedelta(days=20)
    snapshot_take_task.delay(day.isoformat()).get()
    assert Snapshot.objects.get(day=day).how == SnapshotHow.NIGHTLY
