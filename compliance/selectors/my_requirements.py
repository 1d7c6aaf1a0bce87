"""What a person must hold in each of their memberships, where they stand, and what would
satisfy anything they need to act on.

Everything is read for the whole person at once, in a fixed number of queries however many
memberships, requirements, courses and sessions there are:

1. their current memberships;
2. their requirement rows with dates (`compliance.selectors.statuses`);
3. the published courses that would satisfy the requirements they must act on: a course
   satisfies a requirement when one of its standards covers the requirement's standard
   (`StandardCover`), and is suggested through a membership only when the course's audience
   includes it (`audience_includes_q`, the rule the booking pages apply);
4. the first few upcoming sessions of each of those courses (a window function);
5. the person's own bookings on upcoming sessions of those courses;
6. the declarations of their governor memberships.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from compliance.enums import ACTION_STATUSES, ComplianceStatus
from compliance.models import AppliedRequirement, ComplianceRules, GovernorDeclaration
from compliance.selectors.statuses import ComplianceDay, requirement_rows, with_dates
from organisations.enums import MembershipKind
from organisations.models import Membership
from training.enums import ACTIVE_STATUSES, BookingStatus, Delivery
from training.models import Booking, Course, Session, TrainingRecord
from training.selectors.catalogue import NEXT_DATES_SHOWN, audience_includes_q, upcoming_sessions

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class RequirementStatus:
    """One requirement row (an `AppliedRequirement` with its status and `with_dates` dates)
    and what the person could do about it."""

    row: AppliedRequirement
    sessions: list[Session] = field(default_factory=list)
    elearning: list[Course] = field(default_factory=list)
    booked: list[Booking] = field(default_factory=list)
    # Courses that would satisfy it but need other courses done first.
    needs_prerequisites: list[Course] = field(default_factory=list)

    @property
    def status(self) -> ComplianceStatus:
        return ComplianceStatus(self.row.status)  # type: ignore[attr-defined]

    @property
    def needs_action(self) -> bool:
        return self.status in ACTION_STATUSES

    @property
    def has_suggestions(self) -> bool:
        return bool(self.sessions or self.elearning or self.booked or self.needs_prerequisites)


@dataclass
class MembershipRequirements:
    """A membership with what it requires, and, for a governor, their declarations."""

    membership: Membership
    requirements: list[RequirementStatus] = field(default_factory=list)
    # The declaration of the current edition of the guidance, and the latest of any edition.
    declaration: GovernorDeclaration | None = None
    last_declaration: GovernorDeclaration | None = None

    @property
    def is_governor(self) -> bool:
        return self.membership.kind == MembershipKind.GOVERNOR


@dataclass
class RequirementsForMe:
    memberships: list[MembershipRequirements]
    guidance_edition: str
    guidance_url: str

    @property
    def requirement_count(self) -> int:
        return sum(len(item.requirements) for item in self.memberships)


def requirements_for(
    *, user: User, day: ComplianceDay | None = None, now: datetime | None = None
) -> RequirementsForMe:
    """Each of the person's current memberships with its requirements, statuses and dates,
    and for those needing action the courses, sessions and bookings that would satisfy them."""
    rules = ComplianceRules.load()
    if day is None:
        day = ComplianceDay(on=timezone.localdate(), due_soon_days=rules.due_soon_days)
    now = now or timezone.now()
    memberships = list(
        Membership.objects.current(day.on)
        .filter(user=user.pk)
        .select_related("organisation", "job_role")
        .order_by("organisation__name", "pk")
    )
    rows = list(
        with_dates(requirement_rows(day).filter(membership__user=user.pk), day)
        .select_related("requirement", "standard")
        .order_by("requirement__name", "requirement_id")
    )
    by_membership: dict[int, list[RequirementStatus]] = defaultdict(list)
    for row in rows:
        by_membership[row.membership_id].append(RequirementStatus(row=row))
    items = [
        MembershipRequirements(membership=m, requirements=by_membership.get(m.pk, []))
        for m in memberships
    ]
    _suggest(items, user=user, now=now)
    _attach_declarations(items, edition=rules.guidance_edition)
    return RequirementsForMe(
        memberships=items,
        guidance_edition=rules.guidance_edition,
        guidance_url=rules.guidance_url,
    )


def _flag(membership: Membership) -> str:
    return f"for_membership_{membership.pk}"


def _completed_courses(user: User) -> QuerySet[Course]:
    """Courses the person has a record of or attended (as `booking_blockers` counts
    prerequisites)."""
    return Course.objects.filter(
        Q(Exists(TrainingRecord.objects.filter(user_id=user.pk, course=OuterRef("pk"))))
        | Q(
            Exists(
                Booking.objects.filter(
                    user_id=user.pk,
                    session__course=OuterRef("pk"),
                    status=BookingStatus.ATTENDED,
                )
            )
        )
    )


def _satisfying_courses(
    *, standard_ids: set[int], memberships: Sequence[Membership], user: User
) -> list[Course]:
    """Published courses meeting any of the standards, once for each standard they meet
    (`covered_id`), with whether each membership may book them (`for_membership_<pk>`) and
    whether the person still lacks a prerequisite (`needs_prerequisites`). One query."""
    missing_prerequisite = Course.prerequisites.through.objects.filter(
        from_course_id=OuterRef("pk")
    ).exclude(to_course_id__in=_completed_courses(user).values("pk"))
    flags = {
        _flag(m): Case(When(audience_includes_q([m]), then=Value(True)), default=Value(False))
        for m in memberships
    }
    return list(
        Course.objects.published()
        .annotate(covered_id=F("standards__covers__covered_id"))
        .filter(covered_id__in=standard_ids)
        .filter(audience_includes_q(memberships))
        .annotate(
            needs_prerequisites=Exists(missing_prerequisite),
            **flags,
        )
        .order_by("title", "pk")
        .distinct()
    )


def _first_sessions(course_ids: Iterable[int], *, now: datetime) -> dict[int, list[Session]]:
    """The first few upcoming sessions of each course, cut in the database. One query."""
    ranked = (
        upcoming_sessions(now=now)
        .filter(course_id__in=list(course_ids))
        .exclude(booking_closes_at__lte=now)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=F("course_id"),
                order_by=[F("starts_at").asc(), F("pk").asc()],
            )
        )
        .filter(position__lte=NEXT_DATES_SHOWN)
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    by_course: dict[int, list[Session]] = defaultdict(list)
    for session in ranked:
        by_course[session.course_id].append(session)
    return by_course


def _own_bookings(course_ids: Iterable[int], *, user: User, now: datetime) -> list[Booking]:
    """The person's active bookings on upcoming sessions of the courses. One query."""
    return list(
        Booking.objects.filter(
            user_id=user.pk,
            status__in=sorted(ACTIVE_STATUSES),
            session__course_id__in=list(course_ids),
            session__starts_at__gt=now,
        )
        .select_related("session__course")
        .order_by("session__starts_at", "pk")
    )


def _suggest(items: list[MembershipRequirements], *, user: User, now: datetime) -> None:
    """Attach to each requirement needing action the bookings, sessions and e-learning that
    would satisfy it."""
    needing = [
        (item.membership, requirement)
        for item in items
        for requirement in item.requirements
        if requirement.needs_action
    ]
    if not needing:
        return
    memberships = list({m.pk: m for m, _ in needing}.values())
    courses = _satisfying_courses(
        standard_ids={r.row.standard_id for _, r in needing}, memberships=memberships, user=user
    )
    dated = {c.pk for c in courses if c.delivery != Delivery.ELEARNING}
    sessions = _first_sessions(dated, now=now) if dated else {}
    bookings = _own_bookings({c.pk for c in courses}, user=user, now=now) if courses else []
    courses_by_standard: dict[int, list[Course]] = defaultdict(list)
    for course in courses:
        courses_by_standard[course.covered_id].append(course)
    for membership, requirement in needing:
        _suggest_one(
            requirement,
            courses=[
                c
                for c in courses_by_standard[requirement.row.standard_id]
                if getattr(c, _flag(membership))
            ],
            sessions=sessions,
            bookings=bookings,
        )


def _suggest_one(
    requirement: RequirementStatus,
    *,
    courses: list[Course],
    sessions: dict[int, list[Session]],
    bookings: list[Booking],
) -> None:
    course_ids = {c.pk for c in courses}
    requirement.booked = [b for b in bookings if b.session.course_id in course_ids]
    booked_sessions = {b.session_id for b in requirement.booked}
    bookable = [c for c in courses if not c.needs_prerequisites]
    requirement.needs_prerequisites = [c for c in courses if c.needs_prerequisites]
    requirement.elearning = [c for c in bookable if c.delivery == Delivery.ELEARNING]
    upcoming = sorted(
        (
            session
            for course in bookable
            for session in sessions.get(course.pk, [])
            if session.pk not in booked_sessions
        ),
        key=lambda session: (session.starts_at, session.pk),
    )
    requirement.sessions = upcoming[:NEXT_DATES_SHOWN]


def _attach_declarations(items: list[MembershipRequirements], *, edition: str) -> None:
    """Each governor membership's declaration of the current edition, and its latest. One
    query."""
    governors = {item.membership.pk: item for item in items if item.is_governor}
    if not governors:
        return
    declarations = GovernorDeclaration.objects.filter(membership_id__in=list(governors)).order_by(
        "-declared_on", "-pk"
    )
    for declaration in declarations:
        item = governors[declaration.membership_id]
        if item.last_declaration is None:
            item.last_declaration = declaration
        if declaration.edition == edition and item.declaration is None:
            item.declaration = declaration
