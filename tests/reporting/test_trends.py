"""Trends (reporting.selectors.trends) read snapshots only: each month is its last snapshot,
whatever live data says now."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reporting.enums import SnapshotHow
from reporting.selectors.trends import compliance_rate_by_month
from reporting.services.snapshots import snapshot_take
from tests.reporting.factories import partnership_build
from tests.training.factories import TrainingRecordFactory

pytestmark = pytest.mark.django_db


def test_a_month_reads_its_last_snapshot_and_never_live_data() -> None:
    """Last month's rate is its last snapshot's (75%, after Ben's training), not its first's,
    and training recorded since changes nothing; months with no snapshot have no rate."""
    built = partnership_build()
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    early, late = last_month + timedelta(days=1), last_month + timedelta(days=10)
    TrainingRecordFactory(
        user=built.ben.user, standards=[built.standard], completed_on=early + timedelta(days=1)
    )
    snapshot_take(day=early, how=SnapshotHow.BACKFILL)
    snapshot_take(day=late, how=SnapshotHow.BACKFILL)
    TrainingRecordFactory(user=built.eve.user, standards=[built.standard])

    months = compliance_rate_by_month(months=3)

    assert [m.month for m in months] == [
        (last_month - timedelta(days=1)).replace(day=1),
        last_month,
        timezone.localdate().replace(day=1),
    ]
    assert [m.rate for m in months] == [None, Decimal("75.0"), None]
    assert months[1].day == late


def test_a_trend_can_be_narrowed_to_organisations() -> None:
    """For the school alone: its chair in date, its other governor not (50%)."""
    built = partnership_build()
    day = timezone.localdate().replace(day=1) - timedelta(days=5)
    snapshot_take(day=day, how=SnapshotHow.BACKFILL)

    months = compliance_rate_by_month(months=2, organisations=[built.school])

    assert months[0].rate == Decimal("50.0")
    assert (months[0].met, months[0].counted) == (1, 2)
