"""Shadowing's emails (shadowing.services.notifications): who is told of each event, what they
are told, the calendar file on the ones that change a diary, and each email once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.models import Membership
from outbox.models import SentEmail
from shadowing.enums import Event, Status
from shadowing.models import Placement, ReturnInvitation
from shadowing.services.notifications import placement_notify
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import (
    HostFactory,
    OpportunityFactory,
    PlacementCheckFactory,
    ReflectionFactory,
    agreement_condition,
    briefing_condition,
    dbs_condition,
    placement_in,
)

pytestmark = pytest.mark.django_db


def _to(address: str) -> list[EmailMessage]:
    return [message for message in mail.outbox if message.to == [address]]


def _addresses() -> set[str]:
    return {message.to[0] for message in mail.outbox}


def _manager(placement: Placement) -> User:
    assert placement.visitor.line_manager is not None
    return placement.visitor.line_manager.user


def _supervisor(placement: Placement) -> User:
    return (placement.supervisor or placement.opportunity.supervisor).user


def _ics(message: EmailMessage) -> str:
    [(name, content, mimetype)] = message.attachments
    assert name == "shadowing-visit.ics"
    assert mimetype.startswith("text/calendar")
    return content.decode() if isinstance(content, bytes) else str(content)


def _host_coordinator(placement: Placement) -> Membership:
    return MembershipFactory(organisation=placement.host_organisation, coordinator=True)


def test_a_request_goes_to_the_line_manager_only_once() -> None:
    """The line manager is asked to approve, with a link to the request; telling them twice
    sends one email."""
    placement = placement_in(Status.AWAITING_MANAGER)
    placement_notify(placement=placement, event=Event.REQUESTED)
    placement_notify(placement=placement, event=Event.REQUESTED)
    manager = _manager(placement)
    assert _addresses() == {manager.email}
    [message] = mail.outbox
    assert placement.visitor.user.get_full_name() in message.subject
    assert f"Dear {manager.first_name}," in message.body
    link = "https://hub.partnership.example" + reverse(
        "shadowing:placement", kwargs={"pk": placement.pk}
    )
    assert link in message.body
    assert "{{" not in message.body
    assert "{%" not in message.body
    assert SentEmail.objects.filter(kind="shadowing_requested", key=str(placement.pk)).count() == 1


def test_a_rolled_back_decision_sends_nothing() -> None:
    """The email is written in the caller's transaction, so a decision undone tells nobody."""
    placement = placement_in(Status.AWAITING_MANAGER)
    with transaction.atomic():
        placement_notify(placement=placement, event=Event.REQUESTED)
        transaction.set_rollback(True)
    assert not SentEmail.objects.exists()
    placement_notify(placement=placement, event=Event.REQUESTED)
    assert SentEmail.objects.count() == 1


def test_an_approved_request_goes_to_the_hosts_and_the_supervisor() -> None:
    """Coordinators of the host organisation and its marked hosts (current ones), and the
    opportunity's supervisor; not the visitor, not a host who has left."""
    placement = placement_in(Status.AWAITING_HOST)
    coordinator = _host_coordinator(placement)
    marked = HostFactory(membership=MembershipFactory(organisation=placement.host_organisation))
    gone = HostFactory(
        membership=MembershipFactory(
            organisation=placement.host_organisation,
            start_date=timezone.localdate() - timedelta(400),
            end_date=timezone.localdate() - timedelta(1),
        )
    )
    placement_notify(placement=placement, event=Event.MANAGER_APPROVED)
    assert _addresses() == {
        coordinator.user.email,
        marked.membership.user.email,
        placement.opportunity.supervisor.user.email,
    }
    assert gone.membership.user.email not in _addresses()


def test_a_manager_decline_tells_the_visitor_why() -> None:
    placement = placement_in(Status.DECLINED_BY_MANAGER, reason="Our team is short this month.")
    placement_notify(placement=placement, event=Event.MANAGER_DECLINED)
    [message] = mail.outbox
    assert message.to == [placement.visitor.user.email]
    assert "Our team is short this month." in message.body


def test_a_host_decline_tells_the_visitor_and_line_manager_why() -> None:
    placement = placement_in(Status.DECLINED_BY_HOST, reason="No visits in August.")
    placement_notify(placement=placement, event=Event.HOST_DECLINED)
    assert _addresses() == {placement.visitor.user.email, _manager(placement).email}
    assert all("No visits in August." in message.body for message in mail.outbox)


def test_an_acceptance_lists_the_checks_still_to_do_and_who_does_them() -> None:
    """Only the checks not recorded yet, each with who meets it."""
    opportunity = OpportunityFactory(
        conditions=[dbs_condition(), agreement_condition(), briefing_condition()]
    )
    placement = placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)
    PlacementCheckFactory(placement=placement, condition=briefing_condition())
    placement_notify(placement=placement, event=Event.HOST_ACCEPTED)
    assert _addresses() == {placement.visitor.user.email, _manager(placement).email}
    body = _to(placement.visitor.user.email)[0].body
    assert f"{dbs_condition().name}: DBS check confirmed by the visitor's organisation" in body
    assert f"{agreement_condition().name}: Confidentiality agreement signed" in body
    assert briefing_condition().name not in body


def test_a_confirmation_carries_the_calendar_file_to_each_person() -> None:
    placement = placement_in(Status.CONFIRMED)
    placement_notify(placement=placement, event=Event.CONFIRMED)
    assert _addresses() == {
        placement.visitor.user.email,
        _manager(placement).email,
        _supervisor(placement).email,
    }
    for message in mail.outbox:
        ics = _ics(message)
        assert "METHOD:REQUEST" in ics
        assert f"UID:shadowing-{placement.pk}-1@hub.partnership.example" in ics
        assert "shadowing-visit.ics" in message.body


def test_each_change_is_told_with_the_updated_calendar_file() -> None:
    """A second change is news (its sequence is new); the same change told twice is not."""
    placement = placement_in(Status.CONFIRMED, calendar_sequence=1)
    placement_notify(placement=placement, event=Event.CHANGED)
    placement_notify(placement=placement, event=Event.CHANGED)
    assert len(mail.outbox) == 3
    placement.calendar_sequence = 2
    assert placement.visit_date is not None
    placement.visit_date = placement.visit_date + timedelta(days=7)
    placement.save()
    placement_notify(placement=placement, event=Event.CHANGED)
    assert len(mail.outbox) == 6
    assert "SEQUENCE:2" in _ics(mail.outbox[-1])


def test_a_cancellation_tells_everyone_but_whoever_cancelled() -> None:
    """The visitor cancelled a confirmed visit: their manager, the supervisor and the hosts are
    told, with the file that takes it out of their calendars."""
    placement = placement_in(Status.CONFIRMED)
    coordinator = _host_coordinator(placement)
    placement.status = Status.CANCELLED
    placement.ended_by = placement.visitor.user
    placement.reason = "I am needed in court that day."
    placement.save()
    placement_notify(placement=placement, event=Event.CANCELLED)
    assert _addresses() == {
        _manager(placement).email,
        _supervisor(placement).email,
        coordinator.user.email,
    }
    for message in mail.outbox:
        ics = _ics(message)
        assert "METHOD:CANCEL" in ics
        assert "STATUS:CANCELLED" in ics
        assert "I am needed in court that day." in message.body


def test_a_request_cancelled_before_the_manager_approved_is_not_the_hosts_business() -> None:
    """Nothing was in anyone's calendar, and the host never saw the request."""
    placement = placement_in(Status.CANCELLED, manager_decided_at=None, confirmed_at=None)
    _host_coordinator(placement)
    placement.ended_by = _manager(placement)
    placement.save()
    placement_notify(placement=placement, event=Event.CANCELLED)
    [message] = mail.outbox
    assert message.to == [placement.visitor.user.email]
    assert message.attachments == []


@pytest.mark.parametrize(
    ("waiting_for", "fields"),
    [
        ("line_manager", {"manager_decided_at": None, "host_decided_at": None}),
        ("host", {"host_decided_at": None}),
    ],
)
def test_an_expired_request_tells_the_visitor_and_whoever_did_not_answer(
    waiting_for: str, fields: dict[str, None]
) -> None:
    placement = placement_in(Status.EXPIRED, **fields)
    coordinator = _host_coordinator(placement)
    placement_notify(placement=placement, event=Event.EXPIRED)
    answerer = _manager(placement) if waiting_for == "line_manager" else coordinator.user
    assert _addresses() == {placement.visitor.user.email, answerer.email}


def test_missing_checks_are_chased_from_whoever_owes_them() -> None:
    """The visitor owes the agreement; the visitor's organisation owes the DBS check; the
    briefing recorded already is nobody's to chase."""
    opportunity = OpportunityFactory(
        conditions=[dbs_condition(), agreement_condition(), briefing_condition()]
    )
    placement = placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)
    PlacementCheckFactory(placement=placement, condition=briefing_condition())
    home_coordinator = MembershipFactory(organisation=placement.home_organisation, coordinator=True)
    host = _host_coordinator(placement)
    placement_notify(placement=placement, event=Event.CHECKS_CHASED)
    assert _addresses() == {
        placement.visitor.user.email,
        _manager(placement).email,
        home_coordinator.user.email,
    }
    assert host.user.email not in _addresses()


def test_joining_details_give_the_instructions_place_and_supervisor() -> None:
    placement = placement_in(Status.CONFIRMED)
    placement_notify(placement=placement, event=Event.JOINING_DETAILS)
    [message] = mail.outbox
    assert message.to == [placement.visitor.user.email]
    assert "Ask for the duty manager at reception. Bring photo ID." in message.body
    assert placement.opportunity.location in message.body
    assert _supervisor(placement).get_full_name() in message.body


def test_a_completed_placement_links_to_the_reflection_without_its_words() -> None:
    """Reflections are private: the line manager and supervisor are told one was written and
    where to read it, never what it says."""
    reflection = ReflectionFactory()
    placement = reflection.placement
    placement_notify(placement=placement, event=Event.COMPLETED)
    assert _addresses() == {_manager(placement).email, _supervisor(placement).email}
    for message in mail.outbox:
        for words in (
            reflection.learnt_about_role,
            reflection.surprised_me,
            reflection.do_differently,
            reflection.share_with_team,
        ):
            assert words not in message.body
        assert f"/shadowing/placements/{placement.pk}/" in message.body


def test_a_return_invitation_goes_to_the_invited_visitor_and_home_coordinators() -> None:
    placement = placement_in(Status.COMPLETED)
    invited = MembershipFactory(organisation=placement.host_organisation)
    ReturnInvitation.objects.create(
        placement=placement,
        invited_visitor=invited,
        message="We would welcome a visit to your MASH.",
        invited_at=timezone.now(),
    )
    coordinator = MembershipFactory(organisation=placement.home_organisation, coordinator=True)
    placement_notify(placement=placement, event=Event.RETURN_INVITED)
    assert _addresses() == {invited.user.email, coordinator.user.email}
    assert all("We would welcome a visit" in message.body for message in mail.outbox)


@pytest.mark.parametrize("event", list(Event))
def test_every_event_has_a_plain_email_with_a_link(event: Event) -> None:
    """Each template renders: a one-line subject, a greeting, the placement's link, and no
    template syntax left over."""
    placement = placement_in(Status.COMPLETED)
    ReturnInvitation.objects.create(
        placement=placement,
        invited_visitor=MembershipFactory(organisation=placement.host_organisation),
        invited_at=timezone.now(),
    )
    MembershipFactory(organisation=placement.home_organisation, coordinator=True)
    _host_coordinator(placement)
    placement.opportunity.conditions.set([agreement_condition()])
    placement_notify(placement=placement, event=event)
    assert mail.outbox, event
    for message in mail.outbox:
        assert message.subject
        assert "\n" not in message.subject
        assert message.body.startswith("Dear ")
        assert f"/shadowing/placements/{placement.pk}/" in message.body
        assert "{" not in message.body
        assert "}" not in message.subject
