"""Whether a person may book a session and, if not, why; and how many places a session has.

`booking_blockers` answers in plain English, one sentence a reason, so a page can show the
reasons instead of a "Book a place" button and `training.services.booking` can refuse with the
same words. The agency-mix rule is not a blocker: someone it stops joins the waiting list, and
`mix_rule_message` says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.formats import date_format

from organisations.enums import Sector
from organisations.models import JobRole, Membership
from training.enums import PLACE_HOLDING_STATUSES, BookingStatus, MixScope, SessionStatus
from training.models import Booking, BookingHold, Course, Session, TrainingRecord
from training.permissions import can_decide_bookings_for, has_line_manager
from training.working_days import LONDON

if TYPE_CHECKING:
    from accounts.models import User
    from training.models.bookings import BookingQuerySet


# Places ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionPlaces:
    """A session's places: how many it has, how many are held and how many people wait."""

    capacity: int
    taken: int
    waiting: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.left == 0


def session_places(session: Session) -> SessionPlaces:
    """The session's places, counted now in one query."""
    counts = Booking.objects.filter(session=session).aggregate(
        taken=Count("pk", filter=Q(status__in=sorted(PLACE_HOLDING_STATUSES))),
        waiting=Count("pk", filter=Q(status=BookingStatus.WAITLISTED)),
    )
    return SessionPlaces(
        capacity=session.capacity, taken=counts["taken"], waiting=counts["waiting"]
    )


def _booking_count(statuses: Sequence[str]) -> Coalesce:
    bookings = (
        Booking.objects.filter(session=OuterRef("pk"), status__in=sorted(statuses))
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(bookings), Value(0), output_field=IntegerField())


def sessions_with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """The sessions annotated with `places_taken`, `places_left` and `waiting_count`.

    Counted by subqueries in the same query as the sessions, so a listing costs no query per
    row, and joins elsewhere in the queryset cannot inflate the counts.
    """
    return sessions.annotate(
        places_taken=_booking_count(list(PLACE_HOLDING_STATUSES)),
        waiting_count=_booking_count([BookingStatus.WAITLISTED]),
    ).annotate(
        places_left=Greatest(
            ExpressionWrapper(F("capacity") - F("places_taken"), output_field=IntegerField()),
            Value(0),
            output_field=IntegerField(),
        )
    )


# The agency-mix rule -----------------------------------------------------------------------------


def mix_limit(session: Session) -> int | None:
    """The most places one organisation (or sector) may hold while the rule is in force."""
    limits = []
    if session.mix_max_places is not None:
        limits.append(session.mix_max_places)
    if session.mix_max_percent is not None:
        # Rounded down so "no more than 25 %" holds, but any agency may hold at least one place.
        limits.append(max(1, session.capacity * session.mix_max_percent // 100))
    return min(limits) if limits else None


def mix_rule_in_force(session: Session, *, on: datetime) -> bool:
    """A session with a limit keeps it until its release time (for good if none is set)."""
    if mix_limit(session) is None:
        return False
    return session.mix_release_at is None or on < session.mix_release_at


def mix_group_bookings(session: Session, membership: Membership) -> BookingQuerySet:
    """Place-holding bookings on the session from the membership's organisation or sector."""
    bookings = Booking.objects.holding_places().filter(session=session)
    if session.mix_scope == MixScope.SECTOR:
        return bookings.filter(attendee__organisation__sector=membership.organisation.sector)
    return bookings.filter(attendee__organisation_id=membership.organisation_id)


def mix_rule_message(
    *, session: Session, membership: Membership, on: datetime | None = None
) -> str | None:
    """Why the agency-mix rule keeps this person off a free place now, or None if it does not.

    Someone it stops joins the waiting list and is offered a place when the rule allows.
    """
    on = on or timezone.now()
    limit = mix_limit(session)
    if limit is None or not mix_rule_in_force(session, on=on):
        return None
    held = mix_group_bookings(session, membership).count()
    if held < limit:
        return None
    if session.mix_scope == MixScope.SECTOR:
        scope, group = "sector", Sector(membership.organisation.sector).label
    else:
        scope, group = "organisation", membership.organisation.name
    until = ""
    if session.mix_release_at is not None:
        until = f" until {_day(session.mix_release_at)}"
    places = "place" if limit == 1 else "places"
    return (
        f"To keep the session multi-agency, no single {scope} may hold more than {limit} "
        f"{places}{until}. {group} already holds {held}."
    )


# Who may book ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseAudience:
    """Who a course is for: its sectors, job roles and prerequisites. Empty means anyone.

    Loaded once (three queries, none when prefetched) and checked against many people, such as
    everyone on a waiting list.
    """

    course: Course
    sectors: tuple[str, ...]
    job_roles: tuple[JobRole, ...]
    prerequisites: tuple[Course, ...]

    @classmethod
    def of(cls, course: Course) -> CourseAudience:
        return cls(
            course=course,
            sectors=tuple(row.sector for row in course.audience_sectors.all()),
            job_roles=tuple(course.eligible_job_roles.all()),
            prerequisites=tuple(course.prerequisites.all()),
        )


@dataclass(frozen=True)
class _Wording:
    """Sentences say "you" to the person, and name them to anyone else (a coordinator)."""

    name: str | None

    @classmethod
    def of(cls, membership: Membership, viewer: User | None) -> _Wording:
        if viewer is None or viewer.pk == membership.user_id:
            return cls(None)
        user = membership.user
        return cls(user.get_full_name() or user.email)

    @property
    def subject(self) -> str:
        return self.name or "You"

    @property
    def possessive(self) -> str:
        return f"{self.name}'s" if self.name else "Your"

    @property
    def pronoun(self) -> str:
        return "they" if self.name else "you"

    @property
    def needs(self) -> str:
        return f"{self.name} needs" if self.name else "You need"


def _day(moment: datetime) -> str:
    return date_format(moment.astimezone(LONDON).date(), "j F Y")


def _and(words: Sequence[str], *, joiner: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def _sector_phrase(sector: str) -> str:
    """ "Children's social care" reads "children's social care"; "GP practice" stays."""
    label = str(Sector(sector).label)
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def active_booking_hold(*, user: User, on: datetime | None = None) -> BookingHold | None:
    """The person's booking hold in force at that moment, the longest if several."""
    return _active_hold(user_id=user.pk, on=on or timezone.now())


def _active_hold(*, user_id: int, on: datetime) -> BookingHold | None:
    return (
        BookingHold.objects.filter(
            user_id=user_id, lifted_at__isnull=True, starts_at__lte=on, ends_at__gt=on
        )
        .order_by("-ends_at")
        .first()
    )


def session_closed_reason(session: Session, *, on: datetime) -> str | None:
    """Why nobody can book, join the waiting list or take an offered place any more."""
    if session.status == SessionStatus.CANCELLED:
        return "This session has been cancelled."
    if session.starts_at is None:
        return "This session has no date yet."
    if session.ends_at is not None and session.ends_at <= on:
        return "This session has already taken place."
    if session.starts_at <= on:
        return "This session has already started."
    return None


def _booking_window_blockers(session: Session, *, on: datetime) -> list[str]:
    if not session.course.is_published:
        return ["This course is not open for booking."]
    if session.booking_opens_at is not None and on < session.booking_opens_at:
        return [f"Booking opens on {_day(session.booking_opens_at)}."]
    if session.booking_closes_at is not None and on >= session.booking_closes_at:
        return [f"Booking closed on {_day(session.booking_closes_at)}."]
    return []


def audience_blockers(
    audience: CourseAudience,
    membership: Membership,
    *,
    on: datetime | None = None,
    viewer: User | None = None,
) -> list[str]:
    """Why this person may not take a place on the course: their membership, sector, job role,
    missing prerequisites or a booking hold. Two queries at most (prerequisites and holds)."""
    on = on or timezone.now()
    wording = _Wording.of(membership, viewer)
    blockers = []
    today = on.astimezone(LONDON).date()
    if membership.start_date > today:
        blockers.append(
            f"{wording.possessive} membership of {membership.organisation} starts on "
            f"{date_format(membership.start_date, 'j F Y')}."
        )
    elif membership.end_date is not None and membership.end_date < today:
        blockers.append(
            f"{wording.possessive} membership of {membership.organisation} ended on "
            f"{date_format(membership.end_date, 'j F Y')}."
        )
    if audience.sectors and membership.organisation.sector not in audience.sectors:
        sectors = [_sector_phrase(sector) for sector in sorted(audience.sectors)]
        blockers.append(f"This course is for {_and(sectors)} staff.")
    if audience.job_roles and membership.job_role_id not in {r.pk for r in audience.job_roles}:
        roles = [role.name for role in audience.job_roles]
        blockers.append(
            f"This course is only for people whose job role is {_and(roles, joiner='or')}."
        )
    if audience.prerequisites:
        missing = _missing_prerequisites(audience.prerequisites, user_id=membership.user_id)
        if missing:
            titles = _and([course.title for course in missing])
            blockers.append(f"{wording.needs} to complete {titles} first.")
    hold = _active_hold(user_id=membership.user_id, on=on)
    if hold is not None:
        # Holds give their reason as what the person did: "did not attend 2 sessions".
        reason = hold.reason.strip().rstrip(".")
        blockers.append(
            f"{wording.subject} cannot book until {_day(hold.ends_at)} because "
            f"{wording.pronoun} {reason}."
        )
    return blockers


def _missing_prerequisites(prerequisites: Sequence[Course], *, user_id: int) -> list[Course]:
    """Prerequisites the person has neither a training record for nor attended."""
    done = set(
        Course.objects.filter(pk__in=[course.pk for course in prerequisites])
        .filter(
            Exists(TrainingRecord.objects.filter(user_id=user_id, course=OuterRef("pk")))
            | Exists(
                Booking.objects.filter(
                    user_id=user_id,
                    session__course=OuterRef("pk"),
                    status=BookingStatus.ATTENDED,
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return [course for course in prerequisites if course.pk not in done]


def approval_route_blocker(
    course: Course, membership: Membership, *, on: datetime, viewer: User | None = None
) -> str | None:
    """A course that needs a manager's approval needs someone to give it.

    Booked by the person, that is their line manager; booked by someone who may decide for
    them (their coordinator), the booking itself is the approval.
    """
    if not course.requires_manager_approval:
        return None
    if has_line_manager(membership, on=on.astimezone(LONDON).date()):
        return None
    if viewer is not None and can_decide_bookings_for(viewer, membership):
        return None
    if viewer is None or viewer.pk == membership.user_id:
        return (
            "You need a line manager on your record to book this course. "
            "Ask your training coordinator."
        )
    name = membership.user.get_full_name() or membership.user.email
    return f"{name} needs a line manager on their record to book this course."


def booking_blockers(
    *,
    session: Session,
    membership: Membership,
    on: datetime | None = None,
    viewer: User | None = None,
) -> list[str]:
    """Plain-English reasons the person cannot book the session; empty if they can.

    Pass `viewer` when someone else (a coordinator) is booking for the person: the sentences
    then name the person instead of saying "you". A full session is not a blocker (the
    person joins the waiting list), nor is the agency-mix rule (see `mix_rule_message`).
    About five queries, fewer when the course's audience is prefetched.
    """
    on = on or timezone.now()
    closed = session_closed_reason(session, on=on)
    if closed is not None:
        return [closed]
    blockers = _booking_window_blockers(session, on=on)
    blockers += audience_blockers(
        CourseAudience.of(session.course), membership, on=on, viewer=viewer
    )
    approval = approval_route_blocker(session.course, membership, on=on, viewer=viewer)
    if approval is not None:
        blockers.append(approval)
    return blockers
