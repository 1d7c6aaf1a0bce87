"""Every change to a booking: book, approve or decline, cancel, offer a free place to the waiting
list, accept or decline an offer, pass a place to a colleague, cancel a session, and the sweeps
that expire unanswered requests and offers.

How every function here behaves:

- It runs in one transaction and locks the session row (`select_for_update`) before it counts
  places, so two requests can never take the same last place. Rows are always locked session
  first, then booking, so two services never wait for each other in a circle.
- A refusal raises `ValidationError` with plain-English sentences and changes nothing.
- Every save records who made the change and why (django-simple-history); changes the system
  makes by itself (offers, expiries) have no user.
- Notifications are queued with `notify_on_commit`, so nobody hears of a change that was
  rolled back.

Approval and the waiting list. A course may need the line manager's approval:

- Booked by the person, a free place becomes AWAITING_APPROVAL: it is held for them while the
  manager decides, until `BookingRules.approval_expires_hours_before` hours before the session
  (asked later than that, the manager has until the session starts).
- Booked by someone who may decide for them (their coordinator), the booking is the approval:
  the place is confirmed at once, and `decided_by` records who approved.
- Booked by the person with no line manager on their record, the booking is refused: nobody
  could approve it ("You need a line manager on your record…").
- A full session puts people on the waiting list without asking the manager: approval is
  asked for when a place is actually there. Accepting an offered place moves the booking to
  AWAITING_APPROVAL (still holding the place) unless it was approved already (`decided_by`
  set, because a coordinator booked it) or a coordinator accepts for the person.

Cancelling a confirmed place after the course's deadline (`training.working_days`) is a late
cancellation and charges the person's organisation. Passing the place to a colleague from the
same organisation is free at any time before the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from organisations.enums import MEMBER_PHRASES, MembershipKind
from training.enums import (
    ACTIVE_STATUSES,
    PLACE_HOLDING_STATUSES,
    BookingStatus,
    ChargeKind,
    NotificationKind,
    SessionStatus,
)
from training.models import Booking, BookingRules, Session
from training.permissions import (
    can_book_for,
    can_decide_bookings_for,
    can_manage_sessions,
    can_substitute_for,
)
from training.selectors.eligibility import (
    CourseAudience,
    approval_route_blocker,
    audience_blockers,
    booking_blockers,
    mix_rule_message,
    session_closed_reason,
    sessions_with_places,
)
from training.services.charges import charge_create
from training.services.notifications import notify_on_commit
from training.working_days import is_late_cancellation

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Membership

logger = logging.getLogger(__name__)

# States from which each action may start.
CANCELLABLE_STATUSES = frozenset(
    {
        BookingStatus.AWAITING_APPROVAL,
        BookingStatus.CONFIRMED,
        BookingStatus.WAITLISTED,
        BookingStatus.OFFERED,
    }
)

# Why an action cannot start from a booking's state, in the words people see.
_ATTENDANCE_RECORDED = "Attendance has already been recorded for this booking."
STATE_SENTENCES: Mapping[str, str] = {
    BookingStatus.AWAITING_APPROVAL: "This booking is waiting for a manager's approval.",
    BookingStatus.CONFIRMED: "This place is already booked.",
    BookingStatus.WAITLISTED: "This booking is on the waiting list.",
    BookingStatus.OFFERED: "This place has been offered and not yet accepted.",
    BookingStatus.DECLINED: "This request was declined.",
    BookingStatus.EXPIRED: "This request has expired.",
    BookingStatus.CANCELLED: "This booking has been cancelled.",
    BookingStatus.LATE_CANCELLED: "This booking has been cancelled.",
    BookingStatus.SESSION_CANCELLED: "This session has been cancelled.",
    BookingStatus.ATTENDED: _ATTENDANCE_RECORDED,
    BookingStatus.PARTIALLY_ATTENDED: _ATTENDANCE_RECORDED,
    BookingStatus.NO_SHOW: _ATTENDANCE_RECORDED,
}

# Relations a service sets from rows it has just loaded: checking that they exist would cost a
# query each for nothing.
_LOADED_RELATIONS = (
    "session",
    "attendee",
    "user",
    "booked_by",
    "decided_by",
    "cancelled_by",
    "attendance_marked_by",
    "substituted_from",
)


# Booking -----------------------------------------------------------------------------------------


def booking_create(
    *,
    session: Session,
    attendee: Membership,
    booked_by: User,
    now: datetime | None = None,
) -> Booking:
    """Book a place for the attendee, or put them on the waiting list.

    A free place is confirmed, or held awaiting the line manager's approval when the course
    needs it. A full session, or one where the agency-mix rule keeps the attendee's
    organisation or sector off the free places for now, puts them on the waiting list.
    """
    now = now or timezone.now()
    if not can_book_for(booked_by, attendee):
        raise ValidationError("You cannot book a place for this person.")
    blockers = booking_blockers(session=session, membership=attendee, on=now, viewer=booked_by)
    if blockers:
        raise ValidationError(blockers)
    course = session.course
    # Someone else booking may decide for the attendee (can_book_for says they manage them),
    # so their booking is the approval.
    pre_approved = (
        course.requires_manager_approval
        and booked_by.pk != attendee.user_id
        and can_decide_bookings_for(booked_by, attendee)
    )
    needs_approval = course.requires_manager_approval and not pre_approved

    with transaction.atomic():
        session = _lock_session(session.pk)
        # The session may have changed while we checked the person.
        closed = session_closed_reason(session, on=now)
        if closed is not None:
            raise ValidationError(closed)
        _refuse_if_already_booked(session=session, membership=attendee, actor=booked_by)

        booking = Booking(
            session=session, attendee=attendee, user_id=attendee.user_id, booked_by=booked_by
        )
        if pre_approved:
            booking.decided_by, booking.decided_at = booked_by, now
        kinds: list[NotificationKind]
        place_free = _places_left(session) > 0
        mix_message = None
        if place_free:
            mix_message = mix_rule_message(session=session, membership=attendee, on=now)
        if not place_free or mix_message is not None:
            booking.status = BookingStatus.WAITLISTED
            booking.waitlisted_at = now
            kinds, why = [NotificationKind.WAITLISTED], "Joined the waiting list"
        elif needs_approval:
            booking.status = BookingStatus.AWAITING_APPROVAL
            booking.approval_expires_at = _approval_expires_at(session, now=now)
            kinds = [NotificationKind.AWAITING_APPROVAL, NotificationKind.APPROVAL_REQUESTED]
            why = "Asked for a place"
        else:
            booking.status = BookingStatus.CONFIRMED
            kinds, why = [NotificationKind.BOOKING_CONFIRMED], "Booked"
        try:
            # A savepoint, so when the database's one-active-booking rule (the last line of
            # defence behind the check above) refuses, we can still read what is there and
            # say it in the same words.
            with transaction.atomic():
                _save(booking, actor=booked_by, why=why)
        except IntegrityError:
            _refuse_if_already_booked(session=session, membership=attendee, actor=booked_by)
            raise
        for kind in kinds:
            notify_on_commit(booking_id=booking.pk, kind=kind)
    logger.info(
        "Booking made",
        extra={
            "booking": booking.pk,
            "session": session.pk,
            "status": booking.status,
            "mix_rule": mix_message is not None,
        },
    )
    return booking


def booking_approve(*, booking: Booking, approved_by: User, now: datetime | None = None) -> Booking:
    """The line manager (or coordinator) approves a request: the held place is confirmed."""
    now = now or timezone.now()
    if not can_decide_bookings_for(approved_by, booking.attendee):
        raise ValidationError(
            "Only the person's line manager or training coordinator can approve this request."
        )
    with transaction.atomic():
        session = _lock(booking)
        _refuse_unless(
            booking,
            {BookingStatus.AWAITING_APPROVAL},
            instead={BookingStatus.CONFIRMED: "This request has already been approved."},
        )
        _refuse_if_closed(session, now=now)
        if booking.approval_expires_at is not None and booking.approval_expires_at <= now:
            raise ValidationError("This request has expired.")
        booking.status = BookingStatus.CONFIRMED
        booking.decided_by, booking.decided_at = approved_by, now
        _save(booking, actor=approved_by, why="Approved")
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.APPROVED)
    return booking


def booking_decline(
    *, booking: Booking, declined_by: User, reason: str, now: datetime | None = None
) -> Booking:
    """The line manager (or coordinator) declines a request, saying why; the place is offered
    to the waiting list."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError("Enter a reason for declining the request.")
    if not can_decide_bookings_for(declined_by, booking.attendee):
        raise ValidationError(
            "Only the person's line manager or training coordinator can decline this request."
        )
    with transaction.atomic():
        session = _lock(booking)
        _refuse_unless(
            booking,
            {BookingStatus.AWAITING_APPROVAL},
            instead={BookingStatus.DECLINED: "This request has already been declined."},
        )
        booking.status = BookingStatus.DECLINED
        booking.decided_by, booking.decided_at = declined_by, now
        booking.decision_reason = reason
        _save(booking, actor=declined_by, why="Declined")
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.DECLINED)
        waiting_list_offer_next(session=session, now=now)
    return booking


def bookings_expire_unanswered(*, now: datetime | None = None) -> int:
    """Requests the manager has not answered in time expire and free their places (beat)."""

    def expire(booking: Booking, now: datetime) -> None:
        booking.status = BookingStatus.EXPIRED
        _save(booking, actor=None, why="Not answered in time")
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.REQUEST_EXPIRED)

    return _expire_due(
        status=BookingStatus.AWAITING_APPROVAL,
        deadline_field="approval_expires_at",
        expire=expire,
        now=now or timezone.now(),
        log_message="Unanswered booking requests expired",
    )


def _expire_due(
    *,
    status: BookingStatus,
    deadline_field: str,
    expire: Callable[[Booking, datetime], None],
    now: datetime,
    log_message: str,
) -> int:
    """Expire every booking in `status` whose deadline has passed, then offer its place on.

    One transaction each, so one failure or a long list never holds every lock; a booking
    answered meanwhile is left alone.
    """
    due = Booking.objects.filter(status=status, **{f"{deadline_field}__lte": now}).values_list(
        "pk", "session_id"
    )
    expired = 0
    for booking_pk, session_pk in list(due):
        with transaction.atomic():
            session, booking = _lock_by_pk(booking_pk, session_pk)
            deadline = getattr(booking, deadline_field)
            if booking.status != status or not (deadline and deadline <= now):
                continue
            expire(booking, now)
            waiting_list_offer_next(session=session, now=now)
            expired += 1
    if expired:
        logger.info(log_message, extra={"count": expired})
    return expired


# Cancelling --------------------------------------------------------------------------------------


def booking_cancel(
    *,
    booking: Booking,
    cancelled_by: User,
    reason: str = "",
    now: datetime | None = None,
) -> Booking:
    """Cancel a booking, a request, a place on the waiting list or an offer.

    A confirmed place cancelled after the course's cancellation deadline is a late
    cancellation, charged to the attendee's organisation when the course sets a charge. Any
    freed place is offered to the waiting list.
    """
    now = now or timezone.now()
    if not can_book_for(cancelled_by, booking.attendee):
        raise ValidationError("You cannot cancel this booking.")
    with transaction.atomic():
        session = _lock(booking)
        _refuse_unless(
            booking,
            CANCELLABLE_STATUSES,
            instead={
                BookingStatus.CANCELLED: "This booking has already been cancelled.",
                BookingStatus.LATE_CANCELLED: "This booking has already been cancelled.",
            },
        )
        held_place = booking.status in PLACE_HOLDING_STATUSES
        late = False
        if booking.status == BookingStatus.CONFIRMED:
            if session.starts_at is not None and session.starts_at <= now:
                raise ValidationError(
                    "This session has already started, so the booking cannot be cancelled."
                )
            late = is_late_cancellation(session, at=now)
        booking.status = BookingStatus.LATE_CANCELLED if late else BookingStatus.CANCELLED
        booking.cancelled_at, booking.cancelled_by = now, cancelled_by
        booking.cancellation_reason = reason.strip()
        _save(booking, actor=cancelled_by, why="Cancelled late" if late else "Cancelled")
        if late:
            charge_create(booking=booking, kind=ChargeKind.LATE_CANCELLATION, actor=cancelled_by)
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.BOOKING_CANCELLED)
        if held_place:
            waiting_list_offer_next(session=session, now=now)
    return booking


def session_cancel(
    *, session: Session, cancelled_by: User, reason: str, now: datetime | None = None
) -> int:
    """The partnership team cancels a session: every active booking ends, with no charge, and
    everyone is told. Returns how many bookings were cancelled."""
    now = now or timezone.now()
    reason = reason.strip()
    if not can_manage_sessions(cancelled_by):
        raise ValidationError("Only the partnership team can cancel a session.")
    if not reason:
        raise ValidationError("Enter a reason for cancelling the session.")
    with transaction.atomic():
        session.refresh_from_db(from_queryset=Session.objects.select_for_update(of=("self",)))
        if session.status == SessionStatus.CANCELLED:
            raise ValidationError("This session has already been cancelled.")
        if session.starts_at is not None and session.starts_at <= now:
            raise ValidationError("This session has already started, so it cannot be cancelled.")
        session.status = SessionStatus.CANCELLED
        session.cancelled_at, session.cancellation_reason = now, reason
        session.sequence += 1
        session.save(update_fields=["status", "cancelled_at", "cancellation_reason", "sequence"])
        bookings = list(
            session.bookings.filter(status__in=sorted(ACTIVE_STATUSES)).select_for_update()
        )
        for booking in bookings:
            booking.status = BookingStatus.SESSION_CANCELLED
            booking.cancelled_at, booking.cancelled_by = now, cancelled_by
            booking.cancellation_reason = reason
        bulk_update_with_history(
            bookings,
            Booking,
            ["status", "cancelled_at", "cancelled_by", "cancellation_reason"],
            default_user=cancelled_by,
            default_change_reason="Session cancelled",
        )
        for booking in bookings:
            notify_on_commit(booking_id=booking.pk, kind=NotificationKind.SESSION_CANCELLED)
    logger.info("Session cancelled", extra={"session": session.pk, "bookings": len(bookings)})
    return len(bookings)


# The waiting list --------------------------------------------------------------------------------


def waiting_list_offer_next(*, session: Session, now: datetime | None = None) -> Booking | None:
    """Offer a free place to the first person on the waiting list who may take it.

    People who may not (a booking hold, a missing prerequisite, the agency-mix rule, no
    manager to approve) are passed over and keep their place in the queue. The offer lasts
    `BookingRules.offer_hours`, or `offer_hours_near_session` close to the session, and never
    beyond its start. Returns the offered booking, or None when there is no free place or
    nobody to offer it to.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session.pk)
        if session_closed_reason(session, on=now) is not None or _places_left(session) <= 0:
            return None
        waiting = (
            Booking.objects.waiting()
            .filter(session=session)
            .select_related("attendee__organisation", "attendee__user")
        )
        audience: CourseAudience | None = None
        for booking in waiting:
            booking.session = session
            audience = audience or CourseAudience.of(session.course)
            if not _may_be_offered(booking, audience=audience, now=now):
                continue
            booking.status = BookingStatus.OFFERED
            booking.offer_expires_at = _offer_expires_at(session, now=now)
            _save(booking, actor=None, why="Offered a place from the waiting list")
            notify_on_commit(booking_id=booking.pk, kind=NotificationKind.OFFER)
            logger.info("Place offered", extra={"booking": booking.pk, "session": session.pk})
            return booking
    return None


def waiting_list_fill(*, session: Session, now: datetime | None = None) -> list[Booking]:
    """Offer every free place on the session that someone waiting may take.

    For places that free up without a cancellation: the session grows, the agency-mix rule is
    released, a waiting person's booking hold ends. Returns the offers made.
    """
    offers = []
    while (offer := waiting_list_offer_next(session=session, now=now)) is not None:
        offers.append(offer)
    return offers


def waiting_lists_offer_free_places(*, now: datetime | None = None) -> int:
    """Fill the waiting lists of every upcoming session with free places (beat).

    Returns how many offers were made.
    """
    now = now or timezone.now()
    sessions = sessions_with_places(Session.objects.scheduled().filter(starts_at__gt=now)).filter(
        places_left__gt=0, waiting_count__gt=0
    )
    return sum(len(waiting_list_fill(session=session, now=now)) for session in sessions)


def offer_accept(*, booking: Booking, accepted_by: User, now: datetime | None = None) -> Booking:
    """Take an offered place: confirmed, or held awaiting the manager's approval when the
    course needs it and nobody has approved yet (see the module's notes)."""
    now = now or timezone.now()
    if not can_book_for(accepted_by, booking.attendee):
        raise ValidationError("You cannot accept this place for this person.")
    with transaction.atomic():
        session = _lock(booking)
        _refuse_unless(booking, {BookingStatus.OFFERED})
        _refuse_if_closed(session, now=now)
        if booking.offer_expires_at is not None and booking.offer_expires_at <= now:
            raise ValidationError("This offer has expired.")
        attendee = booking.attendee
        needs_approval = session.course.requires_manager_approval and booking.decided_by_id is None
        if needs_approval and accepted_by.pk != attendee.user_id:
            # can_book_for says they manage the attendee: accepting for them is approving.
            needs_approval = not can_decide_bookings_for(accepted_by, attendee)
            if not needs_approval:
                booking.decided_by, booking.decided_at = accepted_by, now
        kinds: list[NotificationKind]
        if needs_approval:
            blocker = approval_route_blocker(session.course, attendee, on=now, viewer=accepted_by)
            if blocker is not None:
                raise ValidationError(blocker)
            booking.status = BookingStatus.AWAITING_APPROVAL
            booking.approval_expires_at = _approval_expires_at(session, now=now)
            kinds = [NotificationKind.AWAITING_APPROVAL, NotificationKind.APPROVAL_REQUESTED]
        else:
            booking.status = BookingStatus.CONFIRMED
            kinds = [NotificationKind.BOOKING_CONFIRMED]
        _save(booking, actor=accepted_by, why="Accepted the offered place")
        for kind in kinds:
            notify_on_commit(booking_id=booking.pk, kind=kind)
    return booking


def offer_decline(*, booking: Booking, declined_by: User, now: datetime | None = None) -> Booking:
    """Turn down an offered place: the booking is cancelled and the next person is offered it."""
    now = now or timezone.now()
    if not can_book_for(declined_by, booking.attendee):
        raise ValidationError("You cannot decline this place for this person.")
    with transaction.atomic():
        session = _lock(booking)
        _refuse_unless(booking, {BookingStatus.OFFERED})
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at, booking.cancelled_by = now, declined_by
        booking.cancellation_reason = "Offer declined"
        _save(booking, actor=declined_by, why="Declined the offered place")
        waiting_list_offer_next(session=session, now=now)
    return booking


def offers_expire(*, now: datetime | None = None) -> int:
    """Offers not accepted in time are cancelled and passed to the next person (beat)."""

    def expire(booking: Booking, now: datetime) -> None:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancellation_reason = "Offer not accepted in time"
        _save(booking, actor=None, why="Offer not accepted in time")
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.BOOKING_CANCELLED)

    return _expire_due(
        status=BookingStatus.OFFERED,
        deadline_field="offer_expires_at",
        expire=expire,
        now=now or timezone.now(),
        log_message="Waiting-list offers expired",
    )


# Substitution ----------------------------------------------------------------------------------


def booking_substitute(
    *,
    booking: Booking,
    substitute: Membership,
    substituted_by: User,
    now: datetime | None = None,
) -> Booking:
    """Pass a booked place to a colleague from the same organisation, free of charge.

    The old booking is cancelled ("Substituted") and the colleague's booking is confirmed,
    pointing back to it. The place was already approved, so the colleague does not need
    approval again. Returns the colleague's booking.
    """
    now = now or timezone.now()
    if not can_substitute_for(substituted_by, booking.attendee):
        raise ValidationError("You cannot pass this place to someone else.")
    with transaction.atomic():
        session = _lock(booking)
        _refuse_unless(
            booking,
            {BookingStatus.CONFIRMED},
            instead=dict.fromkeys(
                (BookingStatus.AWAITING_APPROVAL, BookingStatus.WAITLISTED, BookingStatus.OFFERED),
                "Only a booked place can be passed to a colleague.",
            ),
        )
        _refuse_if_closed(session, now=now)
        if substitute.user_id == booking.user_id:
            raise ValidationError("Choose a colleague other than the person already booked.")
        if substitute.organisation_id != booking.attendee.organisation_id:
            raise ValidationError(
                f"Choose a colleague from {booking.attendee.organisation}: a place can only be "
                "passed to someone in the same organisation."
            )
        if substitute.kind != booking.attendee.kind:
            # A staff place goes to staff; a coordinator does not manage the school's governors.
            member = MEMBER_PHRASES[MembershipKind(booking.attendee.kind)]
            raise ValidationError(
                f"Choose a colleague who is {member} at {booking.attendee.organisation}, as the "
                "person booked is."
            )
        _refuse_if_already_booked(session=session, membership=substitute, actor=substituted_by)
        blockers = audience_blockers(
            CourseAudience.of(session.course), substitute, on=now, viewer=substituted_by
        )
        if blockers:
            raise ValidationError(blockers)

        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at, booking.cancelled_by = now, substituted_by
        booking.cancellation_reason = "Substituted"
        _save(booking, actor=substituted_by, why="Substituted")
        replacement = Booking(
            session=session,
            attendee=substitute,
            user_id=substitute.user_id,
            booked_by=substituted_by,
            status=BookingStatus.CONFIRMED,
            substituted_from=booking,
            decided_by_id=booking.decided_by_id,
            decided_at=booking.decided_at,
        )
        try:
            with transaction.atomic():
                _save(replacement, actor=substituted_by, why="Took a colleague's place")
        except IntegrityError:
            _refuse_if_already_booked(session=session, membership=substitute, actor=substituted_by)
            raise
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.BOOKING_CANCELLED)
        notify_on_commit(booking_id=replacement.pk, kind=NotificationKind.BOOKING_CONFIRMED)
    return replacement


# Inside the lock -------------------------------------------------------------------------------


def _lock_session(session_pk: int) -> Session:
    """The session, locked until the transaction ends. Only its own row: locking the course
    too would queue bookings for every other session of the course behind this one."""
    return (
        Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session_pk)
    )


def _lock(booking: Booking) -> Session:
    """Lock the booking's session, then the booking, and reload the booking as it is now (so
    the caller's object shows the result too)."""
    session = _lock_session(booking.session_id)
    booking.refresh_from_db(
        from_queryset=Booking.objects.select_for_update(of=("self",)).select_related(
            "attendee__organisation", "attendee__user"
        )
    )
    booking.session = session
    return session


def _lock_by_pk(booking_pk: int, session_pk: int) -> tuple[Session, Booking]:
    session = _lock_session(session_pk)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("attendee__organisation", "attendee__user")
        .get(pk=booking_pk)
    )
    booking.session = session
    return session, booking


def _places_left(session: Session) -> int:
    """Counted afresh: only trustworthy with the session row locked."""
    return session.capacity - Booking.objects.holding_places().filter(session=session).count()


def _save(booking: Booking, *, actor: User | None, why: str) -> None:
    """Check and save the booking, recording who changed it and why in its history."""
    booking.full_clean(exclude=_LOADED_RELATIONS, validate_constraints=False)
    # Outside a request (Celery, the shell) the history middleware knows nobody.
    booking._history_user = actor  # type: ignore[attr-defined]
    booking._change_reason = why  # type: ignore[attr-defined]
    booking.save()


def _refuse_unless(
    booking: Booking,
    allowed: Collection[str],
    *,
    instead: Mapping[str, str] | None = None,
) -> None:
    if booking.status in allowed:
        return
    sentence = (instead or {}).get(booking.status) or STATE_SENTENCES[booking.status]
    raise ValidationError(sentence)


def _refuse_if_closed(session: Session, *, now: datetime) -> None:
    closed = session_closed_reason(session, on=now)
    if closed is not None:
        raise ValidationError(closed)


def _refuse_if_already_booked(*, session: Session, membership: Membership, actor: User) -> None:
    """One active booking per person per session (also a database constraint)."""
    status = (
        Booking.objects.active()
        .filter(session=session, user_id=membership.user_id)
        .values_list("status", flat=True)
        .first()
    )
    if status is not None:
        raise ValidationError(_already_booked_sentence(status, membership, actor=actor))


def _already_booked_sentence(status: str, membership: Membership, *, actor: User) -> str:
    sentences: dict[str, str]
    if actor.pk == membership.user_id:
        sentences = {
            BookingStatus.WAITLISTED: "You are already on the waiting list for this session.",
            BookingStatus.AWAITING_APPROVAL: (
                "You have already asked for a place on this session. "
                "Your manager has not answered yet."
            ),
            BookingStatus.OFFERED: "You have already been offered a place on this session.",
        }
        return sentences.get(status, "You already have a place on this session.")
    name = membership.user.get_full_name() or membership.user.email
    sentences = {
        BookingStatus.WAITLISTED: f"{name} is already on the waiting list for this session.",
        BookingStatus.AWAITING_APPROVAL: (
            f"{name} has already asked for a place on this session. "
            "Their manager has not answered yet."
        ),
        BookingStatus.OFFERED: f"{name} has already been offered a place on this session.",
    }
    return sentences.get(status, f"{name} already has a place on this session.")


def _may_be_offered(booking: Booking, *, audience: CourseAudience, now: datetime) -> bool:
    """Whether a waiting person may be offered a place now. The booking window does not
    apply: they joined the list while it was open."""
    attendee = booking.attendee
    if audience_blockers(audience, attendee, on=now):
        return False
    if (
        audience.course.requires_manager_approval
        and booking.decided_by_id is None
        and approval_route_blocker(audience.course, attendee, on=now) is not None
    ):
        return False  # nobody could approve the place they would be offered
    return mix_rule_message(session=booking.session, membership=attendee, on=now) is None


def _approval_expires_at(session: Session, *, now: datetime) -> datetime:
    """When an unanswered request lapses: a set time before the session, or (when asked later
    than that) at its start."""
    assert session.starts_at is not None  # sessions without a date are not bookable
    rules = BookingRules.load()
    deadline = session.starts_at - timedelta(hours=rules.approval_expires_hours_before)
    return deadline if deadline > now else session.starts_at


def _offer_expires_at(session: Session, *, now: datetime) -> datetime:
    assert session.starts_at is not None  # sessions without a date are not bookable
    rules = BookingRules.load()
    near = session.starts_at - now <= timedelta(days=rules.near_session_days)
    hours = rules.offer_hours_near_session if near else rules.offer_hours
    return min(now + timedelta(hours=hours), session.starts_at)
