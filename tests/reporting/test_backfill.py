"""`manage.py reporting_backfill`: past days' booking, attendance and charge figures worked out
from the days they happened, days already taken skipped unless --replace."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reporting.enums import RECOMPUTABLE_PARTS, SnapshotHow
from reporting.models import BookingFigure, SessionMixFigure, Snapshot
from tests.reporting.factories import clock_on, partnership_build
from tests.training.factories import BookingFactory, ChargeFactory, CourseFactory, SessionFactory
from training.enums import BookingStatus, ChargeKind

pytestmark = pytest.mark.django_db


def _figures(day: date) -> dict[tuple[str, str], tuple[int, ...]]:
    return {
        (f.organisation_name, f.course_title): (
            f.booked,
            f.attended,
            f.did_not_attend,
            f.late_cancelled,
            f.charges,
            f.charges_pence,
        )
        for f in BookingFigure.objects.filter(snapshot__day=day)
    }


def _backfill(*args: str) -> str:
    out = StringIO()
    call_command("reporting_backfill", *args, stdout=out)
    return out.getvalue()


def test_backfill_gives_each_past_day_the_bookings_it_had() -> None:
    """Bookings made on one day, and the session's register and charges two days later, land
    on their own days; the days between hold nothing."""
    built = partnership_build()
    today = timezone.localdate()
    booked_on, held_on = today - timedelta(days=4), today - timedelta(days=2)
    course = CourseFactory(title="Working together")
    with clock_on(held_on, hour=9) as start:
        session = SessionFactory(course=course, parts=[(start, start + timedelta(hours=6))])
    with clock_on(booked_on):
        ada = BookingFactory(session=session, attendee=built.ada)
        ben = BookingFactory(session=session, attendee=built.ben)
        cy = BookingFactory(session=session, attendee=built.cy)
    with clock_on(held_on, hour=8) as morning:
        cy.status, cy.cancelled_at = BookingStatus.LATE_CANCELLED, morning
        cy.save()
        ChargeFactory(booking=cy, amount=Decimal("60.00"))
    with clock_on(held_on, hour=17) as evening:
        for booking, status in ((ada, BookingStatus.ATTENDED), (ben, BookingStatus.NO_SHOW)):
            booking.status, booking.attendance_marked_at = status, evening
            booking.save()
        ChargeFactory(booking=ben, kind=ChargeKind.NO_SHOW, amount=Decimal("40.00"))

    output = _backfill(
        "--from", str(today - timedelta(days=5)), "--to", str(today - timedelta(days=1))
    )

    assert "Took 5 days, skipped 0 already taken." in output
    assert _figures(booked_on) == {
        ("Lewisham children's social care", "Working together"): (2, 0, 0, 0, 0, 0),
        ("South East BCU", "Working together"): (1, 0, 0, 0, 0, 0),
    }
    assert _figures(held_on) == {
        ("Lewisham children's social care", "Working together"): (0, 1, 1, 0, 1, 4000),
        ("South East BCU", "Working together"): (0, 0, 0, 1, 1, 6000),
    }
    assert _figures(today - timedelta(days=3)) == {}
    mix = SessionMixFigure.objects.get(snapshot__day=held_on)
    assert (mix.agencies, mix.attendees) == (1, 1)
    assert set(Snapshot.objects.values_list("how", flat=True)) == {SnapshotHow.BACKFILL}
    assert set(Snapshot.objects.get(day=held_on).parts) == {p.value for p in RECOMPUTABLE_PARTS}


def test_backfill_skips_days_already_taken_unless_replace() -> None:
    """A second backfill over the same days changes nothing; --replace takes them again."""
    built = partnership_build()
    day = timezone.localdate() - timedelta(days=2)
    _backfill("--from", str(day), "--to", str(day))
    first = Snapshot.objects.get()
    with clock_on(day):
        BookingFactory(attendee=built.ada)

    assert "Took 0 days, skipped 1 already taken." in _backfill(
        "--from", str(day), "--to", str(day)
    )
    assert Snapshot.objects.get() == first
    assert BookingFigure.objects.count() == 0

    assert "Took 1 days" in _backfill("--from", str(day), "--to", str(day), "--replace")
    assert BookingFigure.objects.get().booked == 1
    assert Snapshot.objects.count() == 1


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        ("2026-13-01", "2026-01-02", "is not a date"),
        ("2026-01-05", "2026-01-02", "must be on or after"),
    ],
)
def test_backfill_refuses_a_wrong_range(date_from: str, date_to: str, message: str) -> None:
    """A date that is not one, or a range that ends before it starts, is refused in a
    sentence."""
    with pytest.raises(CommandError, match=message):
        _backfill("--from", date_from, "--to", date_to)
    assert not Snapshot.objects.exists()


def test_backfill_refuses_today() -> None:
    """A range reaching today is refused: today has not ended."""
    today = timezone.localdate()
    with pytest.raises(CommandError, match="once it ends"):
        _backfill("--from", str(today - timedelta(days=1)), "--to", str(today))
