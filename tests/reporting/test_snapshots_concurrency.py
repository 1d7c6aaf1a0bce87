"""Two nightly jobs at once (a retried task beside the first, two beat schedulers) store one
set of figures: threads on PostgreSQL, each with its own connection, released together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from reporting.enums import SnapshotHow
from reporting.models import ComplianceFigure, Snapshot
from reporting.services.snapshots import snapshot_take
from tests.reporting.factories import partnership_build

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Each call in its own thread, all released at the same moment; results or exceptions."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        outcome: Any
        try:
            start.wait()
            try:
                outcome = call()
            finally:
                connection.close()
        except BaseException as error:  # reported by the main thread
            outcome = error
        outcomes[index] = outcome

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("replace", [False, True])
def test_runs_at_once_store_one_set(replace: bool) -> None:
    """Nobody sees an error, one snapshot is left with its figures stored once, and without
    `replace` every run returns that snapshot (with it, each run may take the day again, and
    the last one stays)."""
    partnership_build()
    day = timezone.localdate() - timedelta(days=1)

    def take() -> int:
        return snapshot_take(day=day, how=SnapshotHow.NIGHTLY, replace=replace).pk

    outcomes = _all_at_once([take] * THREADS)

    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    snapshot = Snapshot.objects.get()
    if not replace:
        assert set(outcomes) == {snapshot.pk}
    assert ComplianceFigure.objects.filter(snapshot=snapshot).count() == 5
    assert ComplianceFigure.objects.count() == 5
