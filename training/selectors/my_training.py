"""Reads about people's bookings: a person's own training, the requests a manager answers,
and the bookings and staff a coordinator acts for.

Every list starts from who the viewer is (their own bookings, their reports, the memberships
`organisations.permissions` lets them manage), so it is scoped in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from organisations.models import Membership
from organisations.permissions import memberships_manageable_by, memberships_visible_to
from training.enums import ACTIVE_STATUSES, BookingStatus
from training.models import (
    Booking,
    BookingHold,
    Session,
    SessionPart,
    TrainingRecord,
    TrainingStandard,
)
from training.selectors.eligibility import active_booking_hold

if TYPE_CHECKING:
    from organisations.permissions import Viewer

# Bookings still to happen or to be answered, shown at the top of My training.
OPEN_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.AWAITING_APPROVAL,
    BookingStatus.WAITLISTED,
    BookingStatus.OFFERED,
)
# Past bookings worth showing: those that held a place until the session.
PAST_STATUSES = (
    BookingStatus.ATTENDED,
    BookingStatus.PARTIALLY_ATTENDED,
    BookingStatus.NO_SHOW,
    BookingStatus.LATE_CANCELLED,
    BookingStatus.CONFIRMED,  # the register is not marked yet
)
# Past sessions shown on My training; the training records below them cover everything older.
PAST_SHOWN = 20
# People listed at once when a coordinator chooses someone; more than this needs a search.
PEOPLE_SHOWN = 100


@dataclass
class MyTraining:
    """Everything on a person's My training page."""

    upcoming: list[Booking] = field(default_factory=list)
    awaiting_approval: list[Booking] = field(default_factory=list)
    waiting: list[Booking] = field(default_factory=list)
    offers: list[Booking] = field(default_factory=list)
    past: list[Booking] = field(default_factory=list)
    records: list[TrainingRecord] = field(default_factory=list)
    hold: BookingHold | None = None


def _with_session(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("session__course", "attendee__organisation").prefetch_related(
        Prefetch("session__parts", queryset=SessionPart.objects.order_by("starts_at"))
    )


def _waiting_position() -> Subquery:
    """Where a waiting-list booking stands: 1 is next in line (first come, first served)."""
    ahead = (
        Booking.objects.filter(
            session=OuterRef("session"),
            status=BookingStatus.WAITLISTED,
        )
        .filter(
            Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
            | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    )
    return Subquery(ahead)


def my_training_for(*, user: Viewer, now: datetime | None = None) -> MyTraining:
    """A person's bookings, requests, waiting lists, past sessions, records and any hold."""
    now = now or timezone.now()
    mine = Booking.objects.filter(user=user.pk)
    result = MyTraining()
    open_bookings = _with_session(
        mine.filter(status__in=OPEN_STATUSES, session__ends_at__gte=now)
    ).annotate(waiting_position=_waiting_position())
    for booking in open_bookings.order_by("session__starts_at", "pk"):
        {
            BookingStatus.CONFIRMED: result.upcoming,
            BookingStatus.AWAITING_APPROVAL: result.awaiting_approval,
            BookingStatus.WAITLISTED: result.waiting,
            BookingStatus.OFFERED: result.offers,
        }[BookingStatus(booking.status)].append(booking)
    result.past = list(
        _with_session(mine.filter(status__in=PAST_STATUSES, session__ends_at__lt=now)).order_by(
            "-session__starts_at", "-pk"
        )[:PAST_SHOWN]
    )
    result.records = list(
        TrainingRecord.objects.filter(user=user.pk)
        .prefetch_related(Prefetch("standards", queryset=TrainingStandard.objects.order_by("name")))
        .order_by("-completed_on", "-pk")
    )
    result.hold = active_booking_hold(user=user, on=now)  # type: ignore[arg-type]
    return result


def booking_with_session(*, pk: int) -> Booking | None:
    """One booking with its session, course, person and organisation, for a page that then
    checks the viewer may act on it (`training.permissions`)."""
    return (
        _with_session(Booking.objects.filter(pk=pk))
        .select_related("user", "attendee__user", "attendee__organisation")
        .first()
    )


def staff_bookings_on(*, session: Session, viewer: Viewer) -> QuerySet[Booking]:
    """Active bookings on the session of people the viewer manages or line-manages (not the
    viewer's own), so they can pass on their staff's places, and cancel them where they
    manage the person (`manageable`)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Booking.objects.none()
    mine = Membership.objects.current().filter(user=viewer.pk)
    return (
        Booking.objects.filter(session=session, status__in=ACTIVE_STATUSES)
        .filter(
            Q(attendee__line_manager__in=mine) | Q(attendee__in=memberships_manageable_by(viewer))
        )
        .exclude(user=viewer.pk)
        .annotate(
            manageable=Exists(memberships_manageable_by(viewer).filter(pk=OuterRef("attendee")))
        )
        .select_related("user", "attendee__organisation")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def bookings_approvable_by(viewer: Viewer) -> QuerySet[Booking]:
    """Bookings whose requests the viewer may answer, in any state.

    Their reports' (the viewer is the line manager on a current membership), and those of
    people they manage. Never their own.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return Booking.objects.none()
    mine = Membership.objects.current().filter(user=viewer.pk)
    return Booking.objects.filter(
        Q(attendee__line_manager__in=mine) | Q(attendee__in=memberships_manageable_by(viewer))
    ).exclude(user=viewer.pk)


def approval_requests_for(*, viewer: Viewer) -> QuerySet[Booking]:
    """Requests waiting for the viewer's answer, the soonest session first."""
    return (
        bookings_approvable_by(viewer)
        .filter(status=BookingStatus.AWAITING_APPROVAL)
        .select_related("session__course", "attendee__organisation", "attendee__job_role", "user")
        .order_by("session__starts_at", "created_at", "pk")
    )


def people_bookable_by(
    *, viewer: Viewer, search: str = "", organisation_id: int | None = None
) -> QuerySet[Membership]:
    """Current staff, volunteers and governors the viewer may book for, by name (not the
    viewer: they book for themselves from the session page)."""
    people = (
        memberships_manageable_by(viewer)
        .current()
        .exclude(user=viewer.pk)
        .select_related("user", "organisation", "job_role")
        .order_by("user__last_name", "user__first_name", "organisation__name", "pk")
    )
    if organisation_id is not None:
        people = people.filter(organisation_id=organisation_id)
    return _matching(people, search)


def colleagues_of(*, viewer: Viewer, booking: Booking, search: str = "") -> QuerySet[Membership]:
    """Current people of the booked person's organisation, of the same kind (staff for a staff
    place), whom the viewer may see, to pass the place to. A practitioner sees nobody else, so
    finds nobody here."""
    people = (
        memberships_visible_to(viewer)
        .current()
        .filter(organisation_id=booking.attendee.organisation_id, kind=booking.attendee.kind)
        .exclude(user_id=booking.user_id)
        .select_related("user", "organisation", "job_role")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return _matching(people, search)


def _matching(people: QuerySet[Membership], search: str) -> QuerySet[Membership]:
    """People whose name or email address contains every word of the search ("sam tay" finds
    Sam Taylor)."""
    for word in search.split():
        people = people.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return people
