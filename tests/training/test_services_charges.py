"""Charges: late cancellations, non-attendance and fees are charged once to the attendee's
organisation; the partnership team waives them with a reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organisations.enums import Sector
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import (
    BookingFactory,
    ChargeFactory,
    CourseFactory,
    CourseFeeFactory,
    SessionFactory,
)
from training.enums import BookingStatus, ChargeKind
from training.models import Booking, Charge
from training.services.charges import charge_create, charge_waive

pytestmark = pytest.mark.django_db


@pytest.fixture
def course() -> Any:
    return CourseFactory(late_cancellation_charge=Decimal("60"), no_show_charge=Decimal("90"))


def _booking(course: Any, status: BookingStatus, sector: str = Sector.VOLUNTARY) -> Booking:
    attendee = MembershipFactory(organisation=OrganisationFactory(sector=sector))
    return BookingFactory(session=SessionFactory(course=course), attendee=attendee, status=status)


@pytest.mark.parametrize(
    ("kind", "status", "amount"),
    [
        (ChargeKind.LATE_CANCELLATION, BookingStatus.LATE_CANCELLED, Decimal("60.00")),
        (ChargeKind.NO_SHOW, BookingStatus.NO_SHOW, Decimal("90.00")),
        (ChargeKind.FEE, BookingStatus.CONFIRMED, Decimal("100.00")),
    ],
)
def test_the_amount_comes_from_the_course(
    course: Any, kind: ChargeKind, status: BookingStatus, amount: Decimal
) -> None:
    CourseFeeFactory(course=course, sector=Sector.VOLUNTARY, amount=Decimal("100"))
    booking = _booking(course, status)

    charge = charge_create(booking=booking, kind=kind)

    assert charge is not None
    assert (charge.kind, charge.amount) == (kind, amount)
    assert charge.organisation == booking.attendee.organisation


def test_fees_depend_on_the_organisations_sector(course: Any) -> None:
    """Partner agencies are free by default: a sector without a fee pays nothing."""
    CourseFeeFactory(course=course, sector=Sector.VOLUNTARY, amount=Decimal("100"))
    partner = _booking(course, BookingStatus.CONFIRMED, sector=Sector.POLICE)
    assert charge_create(booking=partner, kind=ChargeKind.FEE) is None


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (ChargeKind.LATE_CANCELLATION, BookingStatus.LATE_CANCELLED),
        (ChargeKind.NO_SHOW, BookingStatus.NO_SHOW),
    ],
)
def test_a_course_that_charges_nothing_creates_no_charge(
    kind: ChargeKind, status: BookingStatus
) -> None:
    booking = _booking(CourseFactory(), status)
    assert charge_create(booking=booking, kind=kind) is None
    assert not Charge.objects.exists()


def test_charging_twice_gives_the_same_charge(course: Any) -> None:
    """A retried task or a second mark never charges twice."""
    booking = _booking(course, BookingStatus.NO_SHOW)
    first = charge_create(booking=booking, kind=ChargeKind.NO_SHOW)
    second = charge_create(booking=booking, kind=ChargeKind.NO_SHOW)
    assert first == second
    assert Charge.objects.count() == 1


def test_a_charge_made_meanwhile_stands(course: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """If someone else charged it between the check and the insert, theirs is returned."""
    booking = _booking(course, BookingStatus.NO_SHOW)
    theirs = ChargeFactory(booking=booking, kind=ChargeKind.NO_SHOW, amount=Decimal("90"))
    real_filter = Charge.objects.filter

    class NothingYet:
        def first(self) -> None:
            return None

    calls = {"n": 0}

    def filter_missing_once(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        return NothingYet() if calls["n"] == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(Charge.objects, "filter", filter_missing_once)
    assert charge_create(booking=booking, kind=ChargeKind.NO_SHOW) == theirs
    monkeypatch.undo()
    assert Charge.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (ChargeKind.LATE_CANCELLATION, BookingStatus.CONFIRMED),
        (ChargeKind.LATE_CANCELLATION, BookingStatus.CANCELLED),
        (ChargeKind.NO_SHOW, BookingStatus.ATTENDED),
        (ChargeKind.NO_SHOW, BookingStatus.CONFIRMED),
    ],
)
def test_a_charge_must_match_what_happened(
    course: Any, kind: ChargeKind, status: BookingStatus
) -> None:
    booking = _booking(course, status)
    with pytest.raises(ValidationError):
        charge_create(booking=booking, kind=kind)
    assert not Charge.objects.exists()


def test_a_charge_records_who_caused_it(course: Any) -> None:
    booking = _booking(course, BookingStatus.LATE_CANCELLED)
    charge = charge_create(booking=booking, kind=ChargeKind.LATE_CANCELLATION, actor=booking.user)
    assert charge is not None
    assert charge.history.get().history_user == booking.user


# Waiving -----------------------------------------------------------------------------------------


def test_the_partnership_team_waives_a_charge_with_a_reason() -> None:
    charge = ChargeFactory()
    team = UserFactory(partnership_team=True)
    now = timezone.now()

    waived = charge_waive(charge=charge, waived_by=team, reason=" Bereavement. ", now=now)

    assert (waived.waived_at, waived.waived_by, waived.waiver_reason) == (
        now,
        team,
        "Bereavement.",
    )
    entry = waived.history.first()
    assert (entry.history_user, entry.history_change_reason) == (team, "Waived")


@pytest.mark.parametrize("reason", ["", "  "])
def test_waiving_needs_a_reason(reason: str) -> None:
    charge = ChargeFactory()
    with pytest.raises(ValidationError) as refusal:
        charge_waive(charge=charge, waived_by=UserFactory(partnership_team=True), reason=reason)
    assert refusal.value.messages == ["Enter a reason for waiving the charge."]
    charge.refresh_from_db()
    assert charge.waived_at is None


@pytest.mark.parametrize("who", ["their coordinator", "a trainer", "the attendee"])
def test_only_the_partnership_team_waives_charges(who: str) -> None:
    charge = ChargeFactory()
    user = {
        "their coordinator": MembershipFactory(
            organisation=charge.organisation, coordinator=True
        ).user,
        "a trainer": UserFactory(trainer=True),
        "the attendee": charge.booking.user,
    }[who]
    with pytest.raises(ValidationError) as refusal:
        charge_waive(charge=charge, waived_by=user, reason="Please.")
    assert refusal.value.messages == ["Only the partnership team can waive a charge."]


def test_a_charge_is_waived_once() -> None:
    charge = ChargeFactory()
    team = UserFactory(partnership_team=True)
    charge_waive(charge=charge, waived_by=team, reason="Bereavement.")
    with pytest.raises(ValidationError) as refusal:
        charge_waive(charge=charge, waived_by=team, reason="Again.")
    assert refusal.value.messages == ["This charge has already been waived."]


def test_correcting_a_register_withdraws_a_did_not_attend_charge() -> None:
    """The trainer who corrects a wrong mark withdraws the charge it caused."""
    booking = BookingFactory(status=BookingStatus.NO_SHOW)
    charge = ChargeFactory(booking=booking, kind=ChargeKind.NO_SHOW)
    trainer = UserFactory(trainer=True)
    waived = charge_waive(
        charge=charge, waived_by=trainer, reason="Marked by mistake.", correcting_register=True
    )
    assert waived.waived_by == trainer


def test_correcting_a_register_cannot_waive_other_charges() -> None:
    charge = ChargeFactory(kind=ChargeKind.LATE_CANCELLATION)
    with pytest.raises(ValidationError):
        charge_waive(
            charge=charge,
            waived_by=UserFactory(trainer=True),
            reason="Marked by mistake.",
            correcting_register=True,
        )
