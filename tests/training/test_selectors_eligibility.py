"""Who may book a session and why not, and how many places sessions have."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from organisations.enums import Sector
from tests.accounts.factories import UserFactory
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import (
    BookingFactory,
    BookingHoldFactory,
    CourseAudienceSectorFactory,
    CourseFactory,
    SessionFactory,
    TrainingRecordFactory,
)
from training.enums import BookingStatus, MixScope, SessionStatus
from training.models import Session
from training.selectors.eligibility import (
    booking_blockers,
    mix_limit,
    mix_rule_message,
    session_places,
    sessions_with_places,
)
from training.working_days import LONDON

pytestmark = pytest.mark.django_db


def _london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def person() -> Any:
    """A social worker in children's social care, in post for years."""
    return MembershipFactory(
        user=UserFactory(first_name="Sam", last_name="Patel"),
        organisation=OrganisationFactory(name="Lewisham Children's Social Care"),
        start_date=date(2020, 1, 1),
    )


def test_someone_eligible_has_no_blockers(person: Any) -> None:
    assert booking_blockers(session=SessionFactory(), membership=person) == []


# The session itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session_fields", "blocker"),
    [
        ({"status": SessionStatus.CANCELLED}, "This session has been cancelled."),
        (
            {"booking_opens_at": _london(2026, 12, 3, 9, 0)},
            "Booking opens on 3 December 2026.",
        ),
        (
            {"booking_closes_at": _london(2026, 11, 20, 17, 0)},
            "Booking closed on 20 November 2026.",
        ),
    ],
)
def test_the_session_may_not_be_open_for_booking(
    person: Any, session_fields: dict[str, Any], blocker: str
) -> None:
    """A cancelled session, or one outside its booking window, says so."""
    session = SessionFactory(parts=[(_london(2027, 1, 12, 9, 30), _london(2027, 1, 12, 16, 30))])
    Session.objects.filter(pk=session.pk).update(**session_fields)
    session.refresh_from_db()
    on = _london(2026, 11, 25, 12, 0)
    assert booking_blockers(session=session, membership=person, on=on) == [blocker]


@pytest.mark.parametrize(
    ("on", "blocker"),
    [
        (_london(2027, 1, 12, 9, 30), "This session has already started."),
        (_london(2027, 1, 12, 12, 0), "This session has already started."),
        (_london(2027, 1, 12, 16, 30), "This session has already taken place."),
        (_london(2027, 2, 1, 9, 0), "This session has already taken place."),
    ],
)
def test_a_session_that_has_started_cannot_be_booked(
    person: Any, on: datetime, blocker: str
) -> None:
    session = SessionFactory(parts=[(_london(2027, 1, 12, 9, 30), _london(2027, 1, 12, 16, 30))])
    assert booking_blockers(session=session, membership=person, on=on) == [blocker]


def test_an_unpublished_course_cannot_be_booked(person: Any) -> None:
    session = SessionFactory(course=CourseFactory(is_published=False))
    assert booking_blockers(session=session, membership=person) == [
        "This course is not open for booking."
    ]


# The person ------------------------------------------------------------------------------------


def test_a_course_for_other_sectors_says_who_it_is_for() -> None:
    """Sectors are named in words, in a sentence."""
    course = CourseFactory()
    CourseAudienceSectorFactory(course=course, sector=Sector.CHILDRENS_SOCIAL_CARE)
    CourseAudienceSectorFactory(course=course, sector=Sector.POLICE)
    nurse = MembershipFactory(organisation=OrganisationFactory(sector=Sector.HEALTH_TRUST))
    officer = MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE))
    session = SessionFactory(course=course)

    assert booking_blockers(session=session, membership=nurse) == [
        "This course is for children's social care and police staff."
    ]
    assert booking_blockers(session=session, membership=officer) == []


def test_acronyms_keep_their_capitals_in_the_audience() -> None:
    course = CourseFactory()
    for sector in (Sector.GP_PRACTICE, Sector.SCHOOL, Sector.HEALTH_TRUST):
        CourseAudienceSectorFactory(course=course, sector=sector)
    officer = MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE))
    assert booking_blockers(session=SessionFactory(course=course), membership=officer) == [
        "This course is for GP practice, health trust and school staff."
    ]


def test_a_course_for_other_job_roles_says_which(person: Any) -> None:
    dsl = JobRoleFactory(name="Designated safeguarding lead")
    deputy = JobRoleFactory(name="Deputy safeguarding lead")
    course = CourseFactory()
    course.eligible_job_roles.set([dsl, deputy])
    session = SessionFactory(course=course)

    assert booking_blockers(session=session, membership=person) == [
        "This course is only for people whose job role is Deputy safeguarding lead or "
        "Designated safeguarding lead."
    ]
    person.job_role = dsl
    assert booking_blockers(session=session, membership=person) == []


def test_a_missing_prerequisite_is_named(person: Any) -> None:
    gateway = CourseFactory(title="Working Together to Safeguard Children")
    course = CourseFactory()
    course.prerequisites.add(gateway)
    assert booking_blockers(session=SessionFactory(course=course), membership=person) == [
        "You need to complete Working Together to Safeguard Children first."
    ]


@pytest.mark.parametrize(
    ("evidence", "met"),
    [
        ("training record", True),
        (BookingStatus.ATTENDED, True),
        (BookingStatus.PARTIALLY_ATTENDED, False),
        (BookingStatus.NO_SHOW, False),
        (BookingStatus.CONFIRMED, False),
        ("record for another course", False),
    ],
)
def test_a_prerequisite_is_met_by_a_record_or_by_attending(
    person: Any, evidence: str, met: bool
) -> None:
    """A training record for the course, or having attended it in full, meets it."""
    gateway = CourseFactory(title="Working Together to Safeguard Children")
    course = CourseFactory()
    course.prerequisites.add(gateway)
    if evidence == "training record":
        TrainingRecordFactory(user=person.user, course=gateway)
    elif evidence == "record for another course":
        TrainingRecordFactory(user=person.user, course=CourseFactory())
    else:
        BookingFactory(session=SessionFactory(course=gateway), attendee=person, status=evidence)

    blockers = booking_blockers(session=SessionFactory(course=course), membership=person)
    assert (blockers == []) is met


def test_every_missing_prerequisite_is_named_once(person: Any) -> None:
    first = CourseFactory(title="Level 1 e-learning")
    second = CourseFactory(title="Working Together to Safeguard Children")
    course = CourseFactory()
    course.prerequisites.set([first, second])
    TrainingRecordFactory(user=person.user, course=first)
    TrainingRecordFactory(user=UserFactory(), course=second)  # someone else's

    assert booking_blockers(session=SessionFactory(course=course), membership=person) == [
        "You need to complete Working Together to Safeguard Children first."
    ]


def test_a_booking_hold_says_until_when_and_why(person: Any) -> None:
    BookingHoldFactory(
        user=person.user,
        starts_at=_london(2026, 12, 3, 10, 0),
        ends_at=_london(2027, 3, 3, 10, 0),
        reason="did not attend 2 sessions",
    )
    session = SessionFactory(parts=[(_london(2027, 5, 4, 9, 30), _london(2027, 5, 4, 16, 30))])

    assert booking_blockers(session=session, membership=person, on=_london(2027, 1, 5, 9, 0)) == [
        "You cannot book until 3 March 2027 because you did not attend 2 sessions."
    ]
    assert booking_blockers(session=session, membership=person, on=_london(2027, 3, 3, 10)) == []


def test_a_lifted_hold_no_longer_blocks(person: Any) -> None:
    BookingHoldFactory(user=person.user, lifted_at=timezone.now())
    assert booking_blockers(session=SessionFactory(), membership=person) == []


@pytest.mark.parametrize(
    ("start_date", "end_date", "blocker"),
    [
        (
            date(2020, 1, 1),
            date(2026, 10, 31),
            "Your membership of Lewisham Children's Social Care ended on 31 October 2026.",
        ),
        (
            date(2027, 1, 4),
            None,
            "Your membership of Lewisham Children's Social Care starts on 4 January 2027.",
        ),
        (date(2020, 1, 1), date(2026, 11, 25), None),
    ],
)
def test_only_a_current_membership_may_book(
    start_date: date, end_date: date | None, blocker: str | None
) -> None:
    membership = MembershipFactory(
        organisation=OrganisationFactory(name="Lewisham Children's Social Care"),
        start_date=start_date,
        end_date=end_date,
    )
    session = SessionFactory(parts=[(_london(2027, 2, 2, 9, 30), _london(2027, 2, 2, 16, 30))])
    blockers = booking_blockers(
        session=session, membership=membership, on=_london(2026, 11, 25, 12)
    )
    assert blockers == ([blocker] if blocker else [])


def test_reasons_name_the_person_when_someone_else_books(person: Any) -> None:
    """A coordinator booking for Sam reads "Sam Patel needs…", not "You need…"."""
    coordinator = MembershipFactory(organisation=person.organisation, coordinator=True)
    gateway = CourseFactory(title="Level 1 e-learning")
    course = CourseFactory()
    course.prerequisites.add(gateway)
    BookingHoldFactory(
        user=person.user,
        starts_at=_london(2026, 11, 1, 10),
        ends_at=_london(2027, 3, 3, 10),
        reason="did not attend",
    )

    blockers = booking_blockers(
        session=SessionFactory(course=course),
        membership=person,
        viewer=coordinator.user,
        on=_london(2026, 12, 1, 9),
    )
    assert blockers == [
        "Sam Patel needs to complete Level 1 e-learning first.",
        "Sam Patel cannot book until 3 March 2027 because they did not attend.",
    ]


# Manager approval ------------------------------------------------------------------------------


def test_a_course_needing_approval_needs_a_line_manager(person: Any) -> None:
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    assert booking_blockers(session=session, membership=person) == [
        "You need a line manager on your record to book this course. Ask your training coordinator."
    ]


def test_a_line_manager_who_has_left_does_not_count(person: Any) -> None:
    person.line_manager = MembershipFactory(
        organisation=person.organisation, start_date=date(2020, 1, 1), end_date=date(2026, 1, 1)
    )
    person.save()
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    assert len(booking_blockers(session=session, membership=person)) == 1


def test_with_a_line_manager_approval_courses_may_be_booked(person: Any) -> None:
    person.line_manager = MembershipFactory(organisation=person.organisation)
    person.save()
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    assert booking_blockers(session=session, membership=person) == []


def test_a_coordinator_booking_is_the_approval(person: Any) -> None:
    """Someone who may decide for the person needs no line manager to approve."""
    coordinator = MembershipFactory(organisation=person.organisation, coordinator=True)
    session = SessionFactory(course=CourseFactory(needs_approval=True))
    assert booking_blockers(session=session, membership=person, viewer=coordinator.user) == []


def test_the_checks_take_a_handful_of_queries(
    person: Any, django_assert_max_num_queries: Any
) -> None:
    """Every check at once, on a loaded session and membership, stays within six queries."""
    course = CourseFactory(needs_approval=True)
    course.prerequisites.add(CourseFactory())
    course.eligible_job_roles.add(JobRoleFactory())
    CourseAudienceSectorFactory(course=course)
    session = Session.objects.select_related("course").get(pk=SessionFactory(course=course).pk)
    membership = type(person).objects.select_related("organisation", "user").get(pk=person.pk)
    with django_assert_max_num_queries(6):
        assert len(booking_blockers(session=session, membership=membership)) == 3


# Places ----------------------------------------------------------------------------------------


def _bookings(session: Session, statuses: list[str]) -> None:
    for status in statuses:
        BookingFactory(session=session, status=status)


PLACE_STATES = [
    BookingStatus.CONFIRMED,
    BookingStatus.AWAITING_APPROVAL,
    BookingStatus.OFFERED,
    BookingStatus.WAITLISTED,
    BookingStatus.WAITLISTED,
    BookingStatus.CANCELLED,
    BookingStatus.LATE_CANCELLED,
    BookingStatus.DECLINED,
    BookingStatus.EXPIRED,
]


def test_places_count_bookings_that_hold_one() -> None:
    """Confirmed, awaiting approval and offered places are taken; the waiting list is counted
    apart; cancelled, declined and expired bookings hold nothing."""
    session = SessionFactory(capacity=5)
    _bookings(session, PLACE_STATES)
    places = session_places(session)
    assert (places.capacity, places.taken, places.left, places.waiting) == (5, 3, 2, 2)
    assert not places.is_full


def test_places_left_is_never_negative() -> None:
    session = SessionFactory(capacity=2)
    _bookings(session, [BookingStatus.CONFIRMED] * 3)
    assert session_places(session).left == 0
    assert session_places(session).is_full


def test_a_listing_counts_places_in_one_query(django_assert_num_queries: Any) -> None:
    """However many sessions, annotating their places costs nothing extra."""
    busy, quiet, full = (
        SessionFactory(capacity=5),
        SessionFactory(capacity=5),
        SessionFactory(capacity=1),
    )
    _bookings(busy, PLACE_STATES)
    _bookings(full, [BookingStatus.CONFIRMED, BookingStatus.CONFIRMED, BookingStatus.WAITLISTED])
    with django_assert_num_queries(1):
        rows = {
            s.pk: (s.places_taken, s.places_left, s.waiting_count)
            for s in sessions_with_places(Session.objects.all())
        }
    assert rows == {busy.pk: (3, 2, 2), quiet.pk: (0, 5, 0), full.pk: (2, 0, 1)}


def test_listings_can_filter_on_places_left() -> None:
    open_session, full = SessionFactory(capacity=2), SessionFactory(capacity=1)
    _bookings(full, [BookingStatus.CONFIRMED])
    with_places = sessions_with_places(Session.objects.all()).filter(places_left__gt=0)
    assert list(with_places) == [open_session]


# The agency-mix rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capacity", "max_places", "max_percent", "limit"),
    [
        (20, None, None, None),
        (20, 4, None, 4),
        (20, None, 25, 5),
        (20, 4, 25, 4),
        (20, 8, 25, 5),
        (10, None, 15, 1),  # 1.5 rounds down
        (10, None, 5, 1),  # but never below one place
    ],
)
def test_the_mix_limit_is_the_tighter_of_places_and_percentage(
    capacity: int, max_places: int | None, max_percent: int | None, limit: int | None
) -> None:
    session = Session(capacity=capacity, mix_max_places=max_places, mix_max_percent=max_percent)
    assert mix_limit(session) == limit


def test_the_mix_rule_says_why_someone_waits() -> None:
    agency = OrganisationFactory(name="Lewisham Children's Social Care")
    release = timezone.now() + timedelta(days=7)
    session = SessionFactory(capacity=20, mix_max_places=2, mix_release_at=release)
    for _ in range(2):
        BookingFactory(session=session, attendee=MembershipFactory(organisation=agency))
    newcomer = MembershipFactory(organisation=agency)

    message = mix_rule_message(session=session, membership=newcomer)
    assert message == (
        "To keep the session multi-agency, no single organisation may hold more than 2 places "
        f"until {release.astimezone(LONDON):%-d %B %Y}. "
        "Lewisham Children's Social Care already holds 2."
    )
    assert mix_rule_message(session=session, membership=MembershipFactory()) is None
    assert mix_rule_message(session=session, membership=newcomer, on=release) is None


def test_the_sector_mix_rule_counts_every_organisation_in_the_sector() -> None:
    session = SessionFactory(capacity=20, mix_scope=MixScope.SECTOR, mix_max_places=1)
    BookingFactory(
        session=session,
        attendee=MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE)),
    )
    other_force = MembershipFactory(organisation=OrganisationFactory(sector=Sector.POLICE))
    assert mix_rule_message(session=session, membership=other_force) == (
        "To keep the session multi-agency, no single sector may hold more than 1 place. "
        "Police already holds 1."
    )
