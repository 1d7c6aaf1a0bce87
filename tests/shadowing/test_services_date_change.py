"""Moving an accepted visit to another date (shadowing/services/visits.py): only the host may,
with a reason, to a date the opportunity offers and that has a place; the old place is let go,
everyone is told once with a calendar file that moves the events, and the joining details go
again before the new day."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from shadowing.enums import Status
from shadowing.errors import ShadowingError
from shadowing.models import Placement
from shadowing.services.sweeps import shadowing_sweep
from shadowing.services.visits import placement_date_change
from shadowing.states import TransitionRefused
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import HostFactory, OpportunityFactory, placement_in

pytestmark = pytest.mark.django_db


def host_of(placement: Placement) -> User:
    return HostFactory(
        membership=MembershipFactory(organisation=placement.host_organisation)
    ).membership.user


def _second_date(placement: Placement) -> date:
    """The opportunity's other date (the factory offers two; the placement is on the first)."""
    return placement.opportunity.dates.order_by("date").values_list("date", flat=True)[1]


def _row(placement: Placement) -> dict[str, object]:
    return {
        **Placement.objects.filter(pk=placement.pk).values().get(),
        "history": placement.history.count(),
    }


@pytest.mark.parametrize("status", [Status.AWAITING_CHECKS, Status.CONFIRMED])
def test_the_host_moves_the_visit_and_its_place(status: str) -> None:
    placement = placement_in(status)
    new_date = _second_date(placement)
    assert new_date != placement.visit_date
    sequence = placement.calendar_sequence

    placement_date_change(
        placement_id=placement.pk,
        by=host_of(placement),
        visit_date=new_date,
        reason="  The team is at a conference that day.  ",
    )

    placement.refresh_from_db()
    assert placement.status == status
    assert placement.visit_date == new_date
    assert placement.requested_date.date == new_date
    assert placement.place_number == 1
    assert placement.calendar_sequence == sequence + 1
    assert placement.history.first().history_change_reason == (
        f"Date changed from {placement.opportunity.dates.order_by('date').first().date.day} "
        f"{placement.opportunity.dates.order_by('date').first().date:%B %Y} to "
        f"{new_date.day} {new_date:%B %Y}: The team is at a conference that day."
    )


def test_everyone_is_told_once_with_a_calendar_file_that_moves_the_events() -> None:
    placement = placement_in(Status.CONFIRMED)
    new_date = _second_date(placement)

    placement_date_change(
        placement_id=placement.pk,
        by=host_of(placement),
        visit_date=new_date,
        reason="The team is at a conference that day.",
    )

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        [
            placement.visitor.user.email,
            placement.visitor.line_manager.user.email,
            placement.opportunity.supervisor.user.email,
        ]
    )
    message = mail.outbox[0]
    assert "The team is at a conference that day." in message.body
    _filename, content, _ = message.attachments[0]
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [new_date]
    assert str(events[0]["uid"]).startswith(f"shadowing-{placement.pk}-1@")
    assert int(events[0]["sequence"]) == 1


def test_the_joining_details_go_again_before_the_new_day() -> None:
    today = timezone.localdate()
    opportunity = OpportunityFactory(offered_dates=[today + timedelta(2), today + timedelta(20)])
    placement = placement_in(Status.CONFIRMED, opportunity=opportunity)
    assert shadowing_sweep()["joining_details"] == 1
    new_date = today + timedelta(20)
    placement_date_change(
        placement_id=placement.pk, by=host_of(placement), visit_date=new_date, reason="Moved."
    )
    mail.outbox.clear()

    two_days_before = timezone.now() + timedelta(days=18)
    assert shadowing_sweep(two_days_before)["joining_details"] == 1
    assert shadowing_sweep(two_days_before)["joining_details"] == 0

    assert len(mail.outbox) == 1
    assert f"{new_date.day} {new_date:%B %Y}" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("by", "message"),
    [
        ("visitor", "Only the host can change the date of the visit."),
        ("manager", "Only the host can change the date of the visit."),
        ("stranger", "Only the host can change the date of the visit."),
    ],
)
def test_only_the_host_may_move_the_visit(by: str, message: str) -> None:
    placement = placement_in(Status.CONFIRMED)
    people = {
        "visitor": placement.visitor.user,
        "manager": placement.visitor.line_manager.user,
        "stranger": MembershipFactory().user,
    }
    before = _row(placement)

    with pytest.raises(TransitionRefused, match=re.escape(message)):
        placement_date_change(
            placement_id=placement.pk,
            by=people[by],
            visit_date=_second_date(placement),
            reason="Moved.",
        )

    assert _row(placement) == before
    assert mail.outbox == []


def test_a_visit_waiting_for_the_host_has_no_date_to_move() -> None:
    placement = placement_in(Status.AWAITING_HOST)

    with pytest.raises(
        TransitionRefused,
        match=re.escape("The date can be changed once the host has accepted and before the visit."),
    ):
        placement_date_change(
            placement_id=placement.pk,
            by=host_of(placement),
            visit_date=_second_date(placement),
            reason="Moved.",
        )


def test_a_full_date_refuses_the_move_and_changes_nothing() -> None:
    opportunity = OpportunityFactory()
    moving = placement_in(Status.CONFIRMED, opportunity=opportunity)
    new_date = _second_date(moving)
    placement_in(
        Status.CONFIRMED,
        opportunity=opportunity,
        requested_date=opportunity.dates.get(date=new_date),
    )
    before = _row(moving)

    with pytest.raises(ShadowingError, match=f"There are no places left on {new_date.day} "):
        placement_date_change(
            placement_id=moving.pk, by=host_of(moving), visit_date=new_date, reason="Moved."
        )

    assert _row(moving) == before
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("when", "reason", "message"),
    [
        ("second", "   ", "Say why the date is changing."),
        ("same", "Moved.", "The visit is already on that date. Choose a different date."),
        (
            "not_offered",
            "Moved.",
            "Choose one of the dates this opportunity offers that has not passed.",
        ),
    ],
)
def test_bad_input_is_refused_plainly(when: str, reason: str, message: str) -> None:
    placement = placement_in(Status.CONFIRMED)
    dates = {
        "second": _second_date(placement),
        "same": placement.visit_date,
        "not_offered": placement.visit_date + timedelta(days=1),
    }
    before = _row(placement)

    with pytest.raises(ShadowingError, match=re.escape(message)):
        placement_date_change(
            placement_id=placement.pk,
            by=host_of(placement),
            visit_date=dates[when],
            reason=reason,
        )

    assert _row(placement) == before
