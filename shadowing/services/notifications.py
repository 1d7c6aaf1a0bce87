"""Telling people what happened to a placement: each email once (outbox.messages.email_send_once).

Who hears of each event is in `_recipients`; every email links to the placement's page and says
no more than the people told need (never a reflection's words: it is private to its writer,
their line manager and the host supervisor, and the email only links to it). Emails that put
the visit in a calendar, change it there or take it out carry the calendar file
(`shadowing.calendar`).

Exactly once: the outbox's sent-log is unique per kind (`shadowing_<event>`), key (the
placement, plus the calendar sequence for a change) and recipient, and is written in the
caller's transaction, so a rolled-back decision sends nothing and a repeat sends nothing new.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse

from organisations.models import Membership
from outbox.messages import absolute_url, email_render, email_send_once
from shadowing.calendar import CALENDAR_FILENAME, calendar_content_type, placement_ics, visit_days
from shadowing.enums import CheckKind, Event
from shadowing.models import Condition, Host, Placement
from shadowing.selectors.checks import checks_outstanding

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

EMAIL_FOLDER = "shadowing/email"

# Events whose emails carry the calendar file.
CALENDAR_EVENTS = frozenset({Event.CONFIRMED, Event.CHANGED, Event.CANCELLED})


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, and who they are to the placement (the templates word it for them)."""

    user: User
    role: str


@dataclass(frozen=True)
class MissingCheck:
    """A condition of the opportunity not yet met for this placement, and who meets it."""

    condition: Condition
    met_by: str


def placement_notify(*, placement: Placement, event: str, note: str = "") -> None:
    """Email everyone `event` concerns, once each, in the caller's transaction; `note` is what
    the person who made a change said about it."""
    placement_emails_send(placement=placement, event=event, note=note)


def placement_emails_send(*, placement: Placement, event: str, note: str = "") -> int:
    """`placement_notify`, returning how many emails went (0 when everyone had them already)."""
    event = Event(event)
    missing = missing_checks(placement)
    recipients = _recipients(placement=placement, event=event, missing=missing)
    context = _context(placement=placement, event=event, missing=missing) | {"note": note}
    key = _key(placement, event)
    calendar = placement_ics(placement) if _has_calendar(placement, event) else None
    sent = 0
    for recipient in recipients:
        message = email_render(
            f"{EMAIL_FOLDER}/{event.value}",
            context | {"recipient": recipient.user, "role": recipient.role},
            to=recipient.user.email,
        )
        if calendar is not None:
            message.attach(CALENDAR_FILENAME, calendar, calendar_content_type(placement))
        sent += _send(message, kind=f"shadowing_{event.value}", key=key)
    if sent:
        logger.info(
            "shadowing emails sent",
            extra={"placement_id": placement.pk, "event": event.value, "sent": sent},
        )
    return sent


def missing_checks(placement: Placement) -> list[MissingCheck]:
    """The opportunity's conditions with no check recorded for this placement, in checklist
    order."""
    return [
        MissingCheck(condition=condition, met_by=condition.get_met_by_display())
        for condition in checks_outstanding(placement)
    ]


def _send(message: EmailMessage, *, kind: str, key: str) -> int:
    return int(email_send_once(kind=kind, key=key, message=message))


def _key(placement: Placement, event: Event) -> str:
    if event == Event.CHANGED:
        # Each change is news: the calendar sequence tells one change from the next.
        return f"{placement.pk}-{placement.visit_date}-{placement.calendar_sequence}"
    if event in {Event.CHECKS_CHASED, Event.JOINING_DETAILS}:
        # Once for each date: a visit moved to another day is chased, and its joining details
        # sent, again before the new day.
        return f"{placement.pk}-{placement.visit_date}"
    return f"{placement.pk}"


def _has_calendar(placement: Placement, event: Event) -> bool:
    if event not in CALENDAR_EVENTS or placement.visit_date is None:
        return False
    # Only a confirmed visit is in anyone's calendar to be taken out.
    return event != Event.CANCELLED or placement.confirmed_at is not None


# Who is who -------------------------------------------------------------------------------------


def _reachable(membership: Membership | None) -> User | None:
    """The membership's person, if they are still there to read it."""
    if membership is None or not membership.is_current():
        return None
    user = membership.user
    return user if user.is_active and user.email else None


def _visitor(placement: Placement) -> list[Recipient]:
    user = placement.visitor.user
    return [Recipient(user, "visitor")] if user.is_active and user.email else []


def _line_manager(placement: Placement) -> list[Recipient]:
    # The manager on the visitor's membership now, so a new manager takes over.
    user = _reachable(placement.visitor.line_manager)
    return [Recipient(user, "line_manager")] if user else []


def _supervisor(placement: Placement) -> list[Recipient]:
    user = _reachable(placement.supervisor or placement.opportunity.supervisor)
    return [Recipient(user, "supervisor")] if user else []


def _hosts(placement: Placement) -> list[Recipient]:
    """The host organisation's coordinators and marked hosts, current ones."""
    marked = Host.objects.values("membership")
    memberships = (
        Membership.objects.current()
        .filter(organisation=placement.host_organisation_id)
        .filter(Q(is_coordinator=True) | Q(pk__in=marked))
        .select_related("user")
        .order_by("pk")
    )
    return [Recipient(m.user, "host") for m in memberships if m.user.is_active and m.user.email]


def _home_coordinators(placement: Placement) -> list[Recipient]:
    memberships = (
        Membership.objects.current()
        .filter(organisation=placement.home_organisation_id, is_coordinator=True)
        .select_related("user")
        .order_by("pk")
    )
    return [
        Recipient(m.user, "home_coordinator")
        for m in memberships
        if m.user.is_active and m.user.email
    ]


def _check_owners(placement: Placement, missing: list[MissingCheck]) -> list[Recipient]:
    """Whoever meets each missing check: the visitor signs and confirms; the visitor's
    organisation (line manager and coordinators) confirms the DBS check; the host records the
    rest."""
    kinds = {check.condition.met_by for check in missing}
    owners: list[Recipient] = []
    if kinds & {CheckKind.AGREEMENT, CheckKind.VISITOR_CONFIRMS}:
        owners += _visitor(placement)
    if CheckKind.HOME_DBS in kinds:
        owners += _line_manager(placement) + _home_coordinators(placement)
    if CheckKind.HOST_RECORDS in kinds:
        owners += _supervisor(placement) + _hosts(placement)
    return owners


def _involved(placement: Placement) -> list[Recipient]:
    """Everyone with a part in the placement so far: the host only once the manager approved."""
    people = _visitor(placement) + _line_manager(placement)
    if placement.manager_decided_at is not None:
        people += _supervisor(placement) + _hosts(placement)
    return people


def _recipients(
    *, placement: Placement, event: Event, missing: list[MissingCheck]
) -> list[Recipient]:
    people: list[Recipient]
    if event == Event.REQUESTED:
        people = _line_manager(placement)
    elif event == Event.MANAGER_APPROVED:
        people = _hosts(placement) + _supervisor(placement)
    elif event == Event.MANAGER_DECLINED:
        people = _visitor(placement)
    elif event in {
        Event.HOST_DECLINED,
        Event.HOST_ACCEPTED,
        Event.NOT_HAPPENED,
        Event.NOT_REFLECTED,
    }:
        people = _visitor(placement) + _line_manager(placement)
    elif event in {Event.CONFIRMED, Event.CHANGED}:
        people = _visitor(placement) + _line_manager(placement) + _supervisor(placement)
    elif event == Event.CANCELLED:
        people = [p for p in _involved(placement) if p.user.pk != placement.ended_by_id]
    elif event == Event.EXPIRED:
        people = _visitor(placement) + _expected_to_answer(placement, missing)
    elif event == Event.CHECKS_CHASED:
        people = _check_owners(placement, missing)
    elif event == Event.COMPLETED:
        people = _line_manager(placement) + _supervisor(placement)
    elif event == Event.RETURN_INVITED:
        people = _return_invited(placement) + _home_coordinators(placement)
    else:  # JOINING_DETAILS, HAPPENED, REFLECTION_REMINDER, FEEDBACK_GIVEN
        people = _visitor(placement)
    return _once_each(people)


def _expected_to_answer(placement: Placement, missing: list[MissingCheck]) -> list[Recipient]:
    """Whoever the placement was waiting for when it expired."""
    if placement.manager_decided_at is None:
        return _line_manager(placement)
    if placement.host_decided_at is None:
        return _hosts(placement)
    return _check_owners(placement, missing)


def _return_invited(placement: Placement) -> list[Recipient]:
    invitation = getattr(placement, "return_invitation", None)
    if invitation is None:
        return []
    user = _reachable(invitation.invited_visitor)
    return [Recipient(user, "invited_visitor")] if user else []


def _once_each(people: list[Recipient]) -> list[Recipient]:
    """One email a person, as the first role they were found in (a coordinator who supervises
    is told once)."""
    seen: set[int] = set()
    unique = []
    for person in people:
        if person.user.pk not in seen:
            seen.add(person.user.pk)
            unique.append(person)
    return unique


# What the emails say ----------------------------------------------------------------------------


def _context(*, placement: Placement, event: Event, missing: list[MissingCheck]) -> dict[str, Any]:
    opportunity = placement.opportunity
    supervisor = placement.supervisor or opportunity.supervisor
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "placement": placement,
        "opportunity": opportunity,
        "visitor": placement.visitor.user,
        "home_organisation": placement.home_organisation,
        "host_organisation": placement.host_organisation,
        "supervisor": supervisor.user if supervisor else None,
        "visit_days": visit_days(placement),
        "reason": placement.reason.strip(),
        "missing_checks": missing,
        "return_invitation": getattr(placement, "return_invitation", None)
        if event == Event.RETURN_INVITED
        else None,
        "has_calendar": _has_calendar(placement, event),
        "calendar_filename": CALENDAR_FILENAME,
        "manager_answer_days": settings.SHADOWING_MANAGER_ANSWER_DAYS,
        "host_answer_days": settings.SHADOWING_HOST_ANSWER_DAYS,
        "reflection_days": settings.SHADOWING_REFLECTION_DAYS,
        "placement_url": absolute_url(reverse("shadowing:placement", kwargs={"pk": placement.pk})),
    }
