"""What a person must hold in each membership, where they stand, and what would satisfy what
they must act on (`compliance.selectors.my_requirements`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from compliance.enums import ComplianceStatus
from compliance.models import ComplianceRules, Requirement
from compliance.selectors.my_requirements import RequirementStatus, requirements_for
from organisations.enums import GovernorRole, MembershipKind, Sector
from organisations.models import Membership
from tests.compliance.factories import GovernorDeclarationFactory, RequirementFactory
from tests.organisations.factories import JobRoleFactory, MembershipFactory
from tests.training.factories import (
    BookingFactory,
    CourseAudienceSectorFactory,
    CourseFactory,
    SessionFactory,
    TrainingRecordFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, Delivery, SessionStatus
from training.models import TrainingStandard

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - timedelta(days=3 * 365)


@pytest.fixture(autouse=True)
def _rules() -> ComplianceRules:
    """The settings row exists, as it does once the site has run (the first load creates it)."""
    return ComplianceRules.load()


@pytest.fixture
def levels() -> dict[int, TrainingStandard]:
    """Levels 1 to 3, each satisfying the one below, valid for three years."""
    level_1 = TrainingStandardFactory.create(name="Level 1", slug="level-1", validity_months=36)
    level_2 = TrainingStandardFactory.create(name="Level 2", slug="level-2", validity_months=36)
    level_3 = TrainingStandardFactory.create(name="Level 3", slug="level-3", validity_months=36)
    level_2.satisfies.add(level_1)
    level_3.satisfies.add(level_2)
    return {1: level_1, 2: level_2, 3: level_3}


@pytest.fixture
def staff() -> Membership:
    """A social worker who joined long ago (so no grace period applies)."""
    return MembershipFactory(
        start_date=LONG_AGO,
        organisation__name="Lewisham Children's Social Care",
        job_role=JobRoleFactory(name="Social worker"),
    )


def _requirement(standard: TrainingStandard, **kwargs: Any) -> Requirement:
    kwargs.setdefault("applies_from", LONG_AGO)
    return RequirementFactory(standard=standard, name=kwargs.pop("name", standard.name), **kwargs)


def _record(membership: Membership, standard: TrainingStandard, completed_on: date) -> None:
    TrainingRecordFactory(
        user=membership.user, membership=membership, completed_on=completed_on, standards=[standard]
    )


def _only(membership: Membership) -> list[RequirementStatus]:
    result = requirements_for(user=membership.user)
    (item,) = result.memberships
    assert item.membership == membership
    return item.requirements


def test_each_status_with_its_dates(levels: dict[int, TrainingStandard], staff: Membership) -> None:
    """In date, due soon, overdue and missing, with when each was met, expires and changes."""
    in_date = _requirement(levels[1], name="A in date", renewal_months=36)
    due_soon = _requirement(levels[2], name="B due soon", renewal_months=12)
    overdue = _requirement(TrainingStandardFactory(name="Neglect"), name="C overdue")
    missing = _requirement(TrainingStandardFactory(name="Domestic abuse"), name="D missing")
    met_on = TODAY - relativedelta(months=12) + timedelta(days=20)
    _record(staff, levels[2], met_on)  # meets levels 2 and 1
    _record(staff, overdue.standard, TODAY - relativedelta(months=40))

    rows = {r.row.requirement: r for r in _only(staff)}

    assert [r.status for r in rows.values()] == [
        ComplianceStatus.IN_DATE,
        ComplianceStatus.DUE_SOON,
        ComplianceStatus.OVERDUE,
        ComplianceStatus.MISSING,
    ]
    assert rows[in_date].row.effective_on == met_on
    assert rows[in_date].row.expires_on == met_on + relativedelta(months=36)
    assert rows[in_date].row.status_changes_on == met_on + relativedelta(months=36) - timedelta(
        days=60
    )
    assert rows[due_soon].row.expires_on == met_on + relativedelta(months=12)
    assert rows[due_soon].row.status_changes_on == met_on + relativedelta(months=12)
    assert rows[overdue].row.status_changes_on is None
    assert rows[missing].row.effective_on is None
    assert [r.needs_action for r in rows.values()] == [False, True, True, True]


def test_met_through_a_higher_standard(
    levels: dict[int, TrainingStandard], staff: Membership
) -> None:
    """A level 3 record meets a level 1 requirement; a level 1 record does not meet level 3."""
    _requirement(levels[1], name="Level 1 for everyone")
    _requirement(levels[3], name="Level 3 for social workers")
    _record(staff, levels[3], TODAY - timedelta(days=30))
    TrainingRecordFactory(user=staff.user, standards=[levels[1]], completed_on=TODAY)

    statuses = [(r.row.requirement.name, r.status) for r in _only(staff)]

    assert statuses == [
        ("Level 1 for everyone", ComplianceStatus.IN_DATE),
        ("Level 3 for social workers", ComplianceStatus.IN_DATE),
    ]


def test_new_starter_has_until_the_end_of_their_grace_period(
    levels: dict[int, TrainingStandard],
) -> None:
    joined = TODAY - timedelta(days=10)
    newcomer = MembershipFactory(start_date=joined)
    _requirement(levels[1], grace_months=3)

    (row,) = _only(newcomer)

    assert row.status == ComplianceStatus.NEW_STARTER
    assert row.row.grace_ends_on == joined + relativedelta(months=3)
    assert row.row.status_changes_on == joined + relativedelta(months=3)
    assert row.needs_action


def test_grace_ending_today_makes_a_new_starter_missing(
    levels: dict[int, TrainingStandard],
) -> None:
    newcomer = MembershipFactory(start_date=TODAY - relativedelta(months=3))
    _requirement(levels[1], grace_months=3)
    (row,) = _only(newcomer)
    assert row.status == ComplianceStatus.MISSING


def test_requirements_are_listed_under_each_membership(levels: dict[int, TrainingStandard]) -> None:
    """A health visitor who is also a school governor sees each membership's requirements
    under it; an ended membership is not listed."""
    staff = MembershipFactory(
        start_date=LONG_AGO,
        organisation__name="A Health Trust",
        organisation__sector=Sector.HEALTH_TRUST,
    )
    governor = MembershipFactory(
        user=staff.user,
        governor=True,
        start_date=LONG_AGO,
        organisation__name="B Primary School",
        organisation__sector=Sector.SCHOOL,
    )
    MembershipFactory(
        user=staff.user, start_date=LONG_AGO, end_date=TODAY - timedelta(days=1)
    )  # ended
    _requirement(levels[3], name="Health level 3", sector=Sector.HEALTH_TRUST)
    _requirement(
        TrainingStandardFactory(name="Governor safeguarding"),
        name="Governors",
        membership_kind=MembershipKind.GOVERNOR,
    )

    result = requirements_for(user=staff.user)

    assert [(item.membership, [r.row.requirement.name for r in item.requirements])
            for item in result.memberships] == [
        (staff, ["Health level 3"]),
        (governor, ["Governors"]),
    ]  # fmt: skip
    assert [item.is_governor for item in result.memberships] == [False, True]


# What would satisfy it -----------------------------------------------------------------------


def _names(sessions: Any) -> list[str]:
    return [f"{s.course.title} {s.starts_at:%d %m}" for s in sessions]


def test_suggests_sessions_of_courses_whose_standards_cover_the_requirement(
    levels: dict[int, TrainingStandard], staff: Membership
) -> None:
    """The next three upcoming sessions across the courses meeting the standard, soonest
    first; courses that do not meet it, unpublished courses, cancelled, past and closed
    sessions are left out."""
    _requirement(levels[2])
    level_3 = CourseFactory(title="Level 3 course")
    level_3.standards.set([levels[3]])  # covers level 2
    level_2 = CourseFactory(title="Level 2 course")
    level_2.standards.set([levels[2]])
    level_1 = CourseFactory(title="Level 1 course")
    level_1.standards.set([levels[1]])  # does not cover level 2
    hidden = CourseFactory(title="Unpublished", is_published=False)
    hidden.standards.set([levels[2]])
    for course, days in [
        (level_3, 10),
        (level_3, 40),
        (level_3, 50),
        (level_3, 60),
        (level_2, 20),
        (level_1, 5),
        (hidden, 6),
    ]:
        SessionFactory(course=course, parts__days_ahead=days)
    SessionFactory(course=level_2, parts__days_ahead=7, status=SessionStatus.CANCELLED)
    SessionFactory(course=level_2, parts__days_ahead=8, booking_closes_at=timezone.now())
    SessionFactory(course=level_2, parts__days_ahead=-3)

    (row,) = _only(staff)

    def day(days: int) -> str:
        return f"{timezone.localtime() + timedelta(days=days):%d %m}"

    assert _names(row.sessions) == [
        f"Level 3 course {day(10)}",
        f"Level 2 course {day(20)}",
        f"Level 3 course {day(40)}",
    ]
    assert row.sessions[0].places_left == 20


def test_suggests_only_courses_open_to_the_membership(
    levels: dict[int, TrainingStandard], staff: Membership
) -> None:
    """A course for another sector or another job role is not offered."""
    _requirement(levels[1])
    for_police = CourseFactory(title="For police")
    for_police.standards.set([levels[1]])
    CourseAudienceSectorFactory(course=for_police, sector=Sector.POLICE)
    for_teachers = CourseFactory(title="For teachers")
    for_teachers.standards.set([levels[1]])
    for_teachers.eligible_job_roles.set([JobRoleFactory(name="Teacher")])
    for_social_workers = CourseFactory(title="For social workers")
    for_social_workers.standards.set([levels[1]])
    for_social_workers.eligible_job_roles.set([staff.job_role])
    CourseAudienceSectorFactory(course=for_social_workers, sector=staff.organisation.sector)
    for course in (for_police, for_teachers, for_social_workers):
        SessionFactory(course=course)

    (row,) = _only(staff)

    assert [s.course.title for s in row.sessions] == ["For social workers"]


def test_each_membership_gets_the_courses_open_to_it(levels: dict[int, TrainingStandard]) -> None:
    """Someone in two sectors sees, under each membership, only the courses for that sector."""
    police = MembershipFactory(start_date=LONG_AGO, organisation__sector=Sector.POLICE)
    school = MembershipFactory(
        user=police.user, start_date=LONG_AGO, organisation__sector=Sector.SCHOOL
    )
    _requirement(levels[1])
    for sector in (Sector.POLICE, Sector.SCHOOL):
        course = CourseFactory(title=f"For {sector}")
        course.standards.set([levels[1]])
        CourseAudienceSectorFactory(course=course, sector=sector)
        SessionFactory(course=course)

    result = requirements_for(user=police.user)

    titles = {
        item.membership: [s.course.title for s in item.requirements[0].sessions]
        for item in result.memberships
    }
    assert titles == {police: ["For police"], school: ["For school"]}


def test_e_learning_bookings_and_prerequisites(
    levels: dict[int, TrainingStandard], staff: Membership
) -> None:
    """E-learning is listed without dates; a session the person already booked is shown as
    their booking rather than offered; a course whose prerequisite they lack is flagged."""
    _requirement(levels[1])
    elearning = CourseFactory(title="Level 1 e-learning", delivery=Delivery.ELEARNING)
    elearning.standards.set([levels[1]])
    classroom = CourseFactory(title="Level 1 classroom")
    classroom.standards.set([levels[1]])
    booked = SessionFactory(course=classroom, parts__days_ahead=5)
    SessionFactory(course=classroom, parts__days_ahead=15)
    BookingFactory(session=booked, attendee=staff, status=BookingStatus.WAITLISTED)
    gateway = CourseFactory(title="Gateway")
    advanced = CourseFactory(title="Advanced")
    advanced.standards.set([levels[3]])
    advanced.prerequisites.set([gateway])
    SessionFactory(course=advanced)
    done_gateway = CourseFactory(title="Done gateway")
    after_gateway = CourseFactory(title="After gateway")
    after_gateway.standards.set([levels[2]])
    after_gateway.prerequisites.set([done_gateway])
    TrainingRecordFactory(user=staff.user, course=done_gateway)
    SessionFactory(course=after_gateway, parts__days_ahead=30)

    (row,) = _only(staff)

    assert [c.title for c in row.elearning] == ["Level 1 e-learning"]
    assert [b.session for b in row.booked] == [booked]
    assert [s.course.title for s in row.sessions] == ["Level 1 classroom", "After gateway"]
    assert [c.title for c in row.needs_prerequisites] == ["Advanced"]


def test_nothing_is_suggested_for_training_in_date(
    levels: dict[int, TrainingStandard], staff: Membership
) -> None:
    _requirement(levels[1])
    _record(staff, levels[1], TODAY - timedelta(days=10))
    course = CourseFactory()
    course.standards.set([levels[1]])
    SessionFactory(course=course)

    (row,) = _only(staff)

    assert row.status == ComplianceStatus.IN_DATE
    assert not row.has_suggestions


# Governors -----------------------------------------------------------------------------------


def test_a_governor_sees_their_extra_requirement_and_declaration(
    levels: dict[int, TrainingStandard],
) -> None:
    chair = MembershipFactory(
        governor=True,
        governor_role=GovernorRole.CHAIR,
        start_date=LONG_AGO,
        organisation__sector=Sector.SCHOOL,
    )
    governor_standard = TrainingStandardFactory(name="Governor safeguarding")
    _requirement(governor_standard, name="All governors", membership_kind=MembershipKind.GOVERNOR)
    _requirement(
        TrainingStandardFactory(name="Chair's safeguarding"),
        name="Chairs",
        membership_kind=MembershipKind.GOVERNOR,
        governor_role=GovernorRole.CHAIR,
    )
    GovernorDeclarationFactory(
        membership=chair, edition="Keeping children safe in education 2025", declared_on=LONG_AGO
    )

    result = requirements_for(user=chair.user)

    (item,) = result.memberships
    assert [r.row.requirement.name for r in item.requirements] == ["All governors", "Chairs"]
    assert item.declaration is None
    assert item.last_declaration.edition == "Keeping children safe in education 2025"
    assert result.guidance_edition == "Keeping children safe in education 2026"

    current = GovernorDeclarationFactory(membership=chair)
    assert requirements_for(user=chair.user).memberships[0].declaration == current


# Queries -------------------------------------------------------------------------------------


def _add_everything(user: Any, levels: dict[int, TrainingStandard], n: int) -> None:
    """Another membership, requirement, course, session and record for the person."""
    membership = MembershipFactory(user=user, start_date=LONG_AGO)
    _requirement(TrainingStandardFactory(name=f"Extra {n}"), name=f"Extra {n}")
    for level in (1, 2, 3):
        course = CourseFactory()
        course.standards.set([levels[level]])
        SessionFactory(course=course)
        SessionFactory(course=course, parts__days_ahead=30)
    elearning = CourseFactory(delivery=Delivery.ELEARNING)
    elearning.standards.set([levels[2]])
    _record(membership, levels[1], TODAY - relativedelta(years=5))


def test_query_count_does_not_grow_with_memberships_requirements_or_courses(
    levels: dict[int, TrainingStandard], staff: Membership, django_assert_num_queries: Any
) -> None:
    """Settings, memberships, rows, courses, sessions, bookings, declarations: seven queries
    whatever the numbers."""
    _requirement(levels[1])
    _requirement(levels[2])
    MembershipFactory(user=staff.user, governor=True, start_date=LONG_AGO)
    _add_everything(staff.user, levels, 0)
    with django_assert_num_queries(7):
        few = requirements_for(user=staff.user)
    for n in range(1, 4):
        _add_everything(staff.user, levels, n)
    with django_assert_num_queries(7):
        many = requirements_for(user=staff.user)
    assert many.requirement_count > few.requirement_count
    assert sum(len(r.sessions) for item in many.memberships for r in item.requirements) > sum(
        len(r.sessions) for item in few.memberships for r in item.requirements
    )
