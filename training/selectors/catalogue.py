"""Reads for the catalogue, course pages and session pages.

Set-based: a page costs the same number of queries however many courses, sessions and
bookings there are. Places come from `training.selectors.eligibility.sessions_with_places`,
the one place that counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from organisations.models import Membership
from training.enums import ACTIVE_STATUSES, Delivery
from training.models import (
    Booking,
    Course,
    CourseAudienceSector,
    Session,
    SessionPart,
    TrainingStandard,
)
from training.selectors.eligibility import booking_blockers, sessions_with_places

if TYPE_CHECKING:
    from accounts.models import User

# Enough dates to choose from without making each catalogue entry long; the course page
# lists them all.
NEXT_DATES_SHOWN = 3


@dataclass(frozen=True)
class CatalogueFilters:
    """What the person asked the catalogue for. Empty values filter nothing."""

    standard: TrainingStandard | None = None
    delivery: str = ""
    multi_agency: bool = False
    date_from: date | None = None
    date_to: date | None = None
    has_places: bool = False
    eligible_for: Sequence[Membership] | None = None

    @property
    def narrows_sessions(self) -> bool:
        return bool(self.date_from or self.date_to or self.has_places)


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def upcoming_sessions(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    has_places: bool = False,
    now: datetime | None = None,
) -> QuerySet[Session]:
    """Scheduled sessions that have not started, with their places counted."""
    sessions: QuerySet[Session] = Session.objects.scheduled().filter(
        starts_at__gt=now or timezone.now()
    )
    if date_from:
        sessions = sessions.filter(starts_at__gte=_start_of_day(date_from))
    if date_to:
        sessions = sessions.filter(starts_at__lt=_start_of_day(date_to + timedelta(days=1)))
    sessions = sessions_with_places(sessions)
    if has_places:
        sessions = sessions.filter(places_left__gt=0)
    return sessions


def audience_includes_q(memberships: Iterable[Membership]) -> Q:
    """Courses whose audience includes at least one of the memberships.

    A course with no audience sectors is for every sector, and one with no job roles is for
    every job role; otherwise the membership's organisation's sector and its job role must be
    listed. The same rule `booking_blockers` applies to one person and one session.
    """
    sectors = CourseAudienceSector.objects.filter(course=OuterRef("pk"))
    roles = Course.eligible_job_roles.through.objects.filter(course=OuterRef("pk"))
    open_to_every_sector = ~Exists(sectors)
    open_to_every_role = ~Exists(roles)
    matches = Q(pk__in=[])  # no memberships: no course
    for membership in memberships:
        sector_ok = Q(open_to_every_sector) | Q(
            Exists(sectors.filter(sector=membership.organisation.sector))
        )
        role_ok = Q(open_to_every_role)
        if membership.job_role_id:
            role_ok |= Q(Exists(roles.filter(jobrole_id=membership.job_role_id)))
        matches |= sector_ok & role_ok
    return matches


def catalogue_courses(
    *, filters: CatalogueFilters, now: datetime | None = None
) -> QuerySet[Course]:
    """Published courses with upcoming sessions that match the filters, and e-learning courses
    (which have no dates, so date and place filters do not hide them). Soonest first.

    Each course carries `next_starts_at` and `upcoming_count` for the matching sessions; call
    `catalogue_sessions_attach` on a page of them for the dates themselves.
    """
    matching = upcoming_sessions(
        date_from=filters.date_from,
        date_to=filters.date_to,
        has_places=filters.has_places,
        now=now,
    ).filter(course=OuterRef("pk"))
    courses = Course.objects.published().annotate(
        next_starts_at=Subquery(matching.order_by("starts_at").values("starts_at")[:1]),
        upcoming_count=Coalesce(
            Subquery(
                matching.order_by()
                .values("course")
                .annotate(count=Count("pk"))
                .values("count")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        ),
    )
    courses = courses.filter(Q(Exists(matching)) | Q(delivery=Delivery.ELEARNING))
    if filters.standard:
        # Courses meeting the standard, directly or through a higher one (level 3 for level 2).
        courses = courses.filter(
            Exists(
                Course.standards.through.objects.filter(
                    course_id=OuterRef("pk"),
                    trainingstandard__covers__covered=filters.standard,
                )
            )
        )
    if filters.delivery:
        courses = courses.filter(delivery=filters.delivery)
    if filters.multi_agency:
        courses = courses.filter(is_multi_agency=True)
    if filters.eligible_for is not None:
        courses = courses.filter(audience_includes_q(filters.eligible_for))
    return courses.prefetch_related(
        Prefetch("standards", queryset=TrainingStandard.objects.order_by("name"))
    ).order_by(F("next_starts_at").asc(nulls_last=True), "title", "pk")


def catalogue_sessions_attach(
    courses: Sequence[Course], *, filters: CatalogueFilters, now: datetime | None = None
) -> None:
    """Give each course `next_sessions`: its first few matching sessions, with places counted.

    One query for the whole page: the sessions are cut to NEXT_DATES_SHOWN per course in the
    database (a window function), not in Python.
    """
    if not courses:
        return
    sessions = (
        upcoming_sessions(
            date_from=filters.date_from,
            date_to=filters.date_to,
            has_places=filters.has_places,
            now=now,
        )
        .filter(course__in=[course.pk for course in courses])
        .order_by("starts_at", "pk")
    )
    by_course: dict[int, list[Session]] = {course.pk: [] for course in courses}
    for session in _first_per_course(sessions, NEXT_DATES_SHOWN):
        by_course[session.course_id].append(session)
    for course in courses:
        course.next_sessions = by_course[course.pk]


def _first_per_course(sessions: QuerySet[Session], count: int) -> list[Session]:
    """The first `count` sessions of each course, by a window function over the queryset."""
    ranked = sessions.annotate(
        position=Window(RowNumber(), partition_by=F("course_id"), order_by=F("starts_at").asc())
    )
    return list(ranked.filter(position__lte=count))


def published_course(*, slug: str) -> Course | None:
    """A published course with what its page shows, or None."""
    return (
        Course.objects.published()
        .filter(slug=slug)
        .prefetch_related(
            Prefetch("standards", queryset=TrainingStandard.objects.order_by("name")),
            Prefetch("audience_sectors", queryset=CourseAudienceSector.objects.order_by("sector")),
            "eligible_job_roles",
            Prefetch("prerequisites", queryset=Course.objects.order_by("title")),
            "fees",
        )
        .first()
    )


def _parts_prefetch() -> Prefetch:
    return Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at"))


def _viewer_booking_status(viewer: User) -> Subquery:
    """The viewer's active booking status on each session, or null."""
    return Subquery(
        Booking.objects.filter(
            session=OuterRef("pk"), user=viewer.pk, status__in=ACTIVE_STATUSES
        ).values("status")[:1]
    )


def course_sessions(
    *, course: Course, viewer: User, now: datetime | None = None
) -> QuerySet[Session]:
    """The course's upcoming sessions with places, parts and the viewer's booking status
    (`viewer_status`, null when they have none)."""
    return (
        upcoming_sessions(now=now)
        .filter(course=course)
        .annotate(viewer_status=_viewer_booking_status(viewer))
        .prefetch_related(_parts_prefetch())
        .order_by("starts_at", "pk")
    )


def session_for_page(*, pk: int) -> Session | None:
    """A session of a published course, with its parts and places counted, or None.

    Cancelled and past sessions are found too: their page says what happened.
    """
    return (
        sessions_with_places(Session.objects.filter(pk=pk, course__is_published=True))
        .select_related("course")
        .prefetch_related(_parts_prefetch())
        .first()
    )


def current_memberships_of(viewer: User) -> list[Membership]:
    """The viewer's current memberships, with what eligibility and labels need."""
    return list(
        Membership.objects.current()
        .filter(user=viewer.pk)
        .select_related("organisation", "job_role")
        .order_by("organisation__name", "pk")
    )


@dataclass(frozen=True)
class BookingOptions:
    """What the viewer may do about one session.

    `booking` is their active booking, if any. Without one, `eligible` lists the memberships
    they may book through and `refused` each other membership with the reasons it may not.
    """

    booking: Booking | None
    memberships: list[Membership]
    eligible: list[Membership]
    refused: list[tuple[Membership, list[str]]]

    @property
    def reasons(self) -> list[str]:
        """Every reason, once each, for someone who may book through none of their
        memberships."""
        return list(dict.fromkeys(reason for _, reasons in self.refused for reason in reasons))


def viewer_booking(*, session: Session, viewer: User) -> Booking | None:
    """The viewer's active booking on the session, if any."""
    return (
        Booking.objects.filter(session=session, user=viewer.pk, status__in=ACTIVE_STATUSES)
        .select_related("attendee__organisation")
        .first()
    )


def booking_options(*, session: Session, viewer: User) -> BookingOptions:
    """The viewer's booking on the session, or the memberships they may book it through."""
    booking = viewer_booking(session=session, viewer=viewer)
    memberships = current_memberships_of(viewer)
    eligible: list[Membership] = []
    refused: list[tuple[Membership, list[str]]] = []
    if booking is None:
        for membership in memberships:
            reasons = booking_blockers(session=session, membership=membership)
            if reasons:
                refused.append((membership, reasons))
            else:
                eligible.append(membership)
    return BookingOptions(
        booking=booking, memberships=memberships, eligible=eligible, refused=refused
    )
