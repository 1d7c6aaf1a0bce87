"""The demo's reporting snapshots (`demo.reporting`): two years of days taken from the demo's
own history, so the reporting dashboard's trends have something to show, and yesterday taken
as the nightly job takes it."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db.models import Max, Sum
from django.utils import timezone

from demo.reporting.steps import DAILY_COMPLIANCE_DAYS, EVENT_PARTS, HISTORY_MONTHS
from reporting.enums import ALL_PARTS, SnapshotHow, SnapshotPart
from reporting.models import BookingFigure, ComplianceFigure, GovernorFigure, Snapshot
from reporting.selectors.day_figures import day_bounds
from reporting.selectors.trends import compliance_rate_by_month
from training.models import Booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seeded")]


def _first_day() -> date:
    """The first day the demo takes: the first of the month 23 months ago."""
    return timezone.localdate().replace(day=1) - relativedelta(months=HISTORY_MONTHS - 1)


def test_yesterday_is_taken_as_the_nightly_job_takes_it() -> None:
    """Yesterday has every part, with governors' take-up and compliance figures stored."""
    yesterday = Snapshot.objects.get(day=timezone.localdate() - timedelta(days=1))
    assert yesterday.how == SnapshotHow.NIGHTLY
    assert set(yesterday.parts) == {part.value for part in ALL_PARTS}
    assert GovernorFigure.objects.filter(snapshot=yesterday).exists()
    assert ComplianceFigure.objects.filter(snapshot=yesterday).exists()


def test_every_day_of_two_years_is_backfilled_without_governors() -> None:
    """Each day from the first of the month 23 months ago to the day before yesterday has a
    backfilled snapshot with the event parts, and none has governors' take-up (a past day's
    take-up cannot be worked out)."""
    first, yesterday = _first_day(), timezone.localdate() - timedelta(days=1)
    backfilled = Snapshot.objects.filter(day__gte=first, day__lt=yesterday)
    assert backfilled.count() == (yesterday - first).days
    for snapshot in backfilled:
        assert snapshot.how == SnapshotHow.BACKFILL
        assert {part.value for part in EVENT_PARTS} <= set(snapshot.parts)
        assert SnapshotPart.GOVERNORS not in snapshot.parts


def test_compliance_is_taken_at_month_ends_and_for_the_last_weeks() -> None:
    """A month's last day has compliance (12 months ago among them), as does each of the last
    five weeks; other days of older months have none, since trends read only a month's last."""
    today = timezone.localdate()
    year_ago = today.replace(day=1) - relativedelta(months=11) - timedelta(days=1)
    month_end = Snapshot.objects.get(day=year_ago)
    assert SnapshotPart.COMPLIANCE in month_end.parts
    assert ComplianceFigure.objects.filter(snapshot=month_end).aggregate(n=Sum("rows"))["n"] > 0
    for n in range(1, DAILY_COMPLIANCE_DAYS + 1):
        assert SnapshotPart.COMPLIANCE in Snapshot.objects.get(day=today - timedelta(days=n)).parts
    mid_month = Snapshot.objects.get(day=year_ago.replace(day=15))
    assert SnapshotPart.COMPLIANCE not in mid_month.parts


def test_the_two_year_compliance_trend_has_every_month_and_moves() -> None:
    """Every month of the 24 has a rate (this one once a day of it has ended), and the rates
    are not all the same: the demo's history gives the trend a shape."""
    months = compliance_rate_by_month(months=24)
    assert len(months) == 24
    closed = months if timezone.localdate().day > 1 else months[:-1]
    rates = [month.rate for month in closed if month.rate is not None]
    assert len(rates) == len(closed)
    assert all(0 < rate < 100 for rate in rates)
    assert max(rates) - min(rates) >= 5


def test_bookings_figures_add_up_to_the_bookings_made() -> None:
    """Every booking made in the two years before today is counted once, on its day."""
    start, _ = day_bounds(_first_day())
    today_starts, _ = day_bounds(timezone.localdate())
    made = Booking.objects.filter(created_at__gte=start, created_at__lt=today_starts).count()
    assert made > 500
    assert BookingFigure.objects.aggregate(n=Sum("booked"))["n"] == made


def test_second_run_adds_nothing() -> None:
    """Running the seed again finds every day taken and leaves each as it was."""
    before = (Snapshot.objects.count(), Snapshot.objects.aggregate(Max("taken_at")))
    figures = ComplianceFigure.objects.count()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert (Snapshot.objects.count(), Snapshot.objects.aggregate(Max("taken_at"))) == before
    assert ComplianceFigure.objects.count() == figures
