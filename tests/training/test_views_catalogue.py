"""The catalogue and course pages: what they list, their filters, and what they cost in queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.enums import Sector
from organisations.models import Membership
from tests.accounts.html import page_title, parse
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, Delivery, SessionStatus
from training.models import Course, CourseAudienceSector, CourseFee

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("training:catalogue")


@pytest.fixture
def practitioner(client: Client) -> Membership:
    """A police constable, signed in (no MFA needed: they see only their own record)."""
    membership = MembershipFactory(
        organisation=OrganisationFactory(name="Met Police South East", sector=Sector.POLICE),
        job_role=JobRoleFactory(name="Police constable", sector=Sector.POLICE),
        user__first_name="Pat",
    )
    client.force_login(membership.user)
    return membership


def _titles(response: Any) -> list[str]:
    return [course.title for course in response.context["page"].object_list]


def _session_on(course: Course, days_ahead: int, **kwargs: Any) -> Any:
    return SessionFactory(course=course, parts__days_ahead=days_ahead, **kwargs)


# The catalogue -----------------------------------------------------------------------------------


def test_catalogue_is_for_signed_in_people(client: Client, db: None) -> None:
    """The catalogue names the partnership's venues, so someone signed out is sent to sign in."""
    response = client.get(CATALOGUE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_catalogue_lists_courses_with_upcoming_dates_and_elearning(
    client: Client, practitioner: Membership
) -> None:
    """Published courses with a scheduled date ahead are listed, soonest first, then e-learning;
    unpublished courses and those with only past or cancelled dates are not."""
    later = CourseFactory(title="Neglect: recognising and responding")
    sooner = CourseFactory(title="Working Together to Safeguard Children")
    _session_on(later, 30)
    _session_on(sooner, 10)
    CourseFactory(title="Safeguarding level 1 e-learning", delivery=Delivery.ELEARNING)
    _session_on(CourseFactory(title="Draft course", is_published=False), 10)
    _session_on(CourseFactory(title="Cancelled course"), 10, status=SessionStatus.CANCELLED)
    past = timezone.now() - timedelta(days=3)
    SessionFactory(
        course=CourseFactory(title="Past course"), parts=[(past, past + timedelta(hours=3))]
    )

    response = client.get(CATALOGUE)

    assert response.status_code == 200
    assert _titles(response) == [
        "Working Together to Safeguard Children",
        "Neglect: recognising and responding",
        "Safeguarding level 1 e-learning",
    ]


def test_catalogue_shows_next_dates_and_places_left(
    client: Client, practitioner: Membership
) -> None:
    """Each course shows its first three dates with the places left, and how many more."""
    course = CourseFactory(title="Domestic abuse and its impact on children")
    full = _session_on(course, 7, capacity=2)
    BookingFactory.create_batch(2, session=full)
    BookingFactory(session=full, status=BookingStatus.WAITLISTED)
    roomy = _session_on(course, 14, capacity=20)
    BookingFactory.create_batch(3, session=roomy)
    BookingFactory(session=roomy, status=BookingStatus.CANCELLED)
    one_left = _session_on(course, 21, capacity=1)
    for days in (28, 35):
        _session_on(course, days)

    content = client.get(CATALOGUE).content.decode()

    assert "full, waiting list open" in content
    assert "17 places left" in content
    assert "1 place left" in content
    assert one_left.get_absolute_url() in content
    assert "See all 5 dates" in content


def _filter_world() -> None:
    level_2 = TrainingStandardFactory(name="Safeguarding children level 2", slug="level-2")
    level_3 = TrainingStandardFactory(name="Safeguarding children level 3", slug="level-3")
    level_3.satisfies.add(level_2)
    police_only = JobRoleFactory(name="Police constable", sector=Sector.POLICE)
    teacher = JobRoleFactory(name="Teacher", sector=Sector.SCHOOL)

    working_together = CourseFactory(title="Working together", is_multi_agency=True)
    working_together.standards.add(level_2)
    _session_on(working_together, 10)

    conferences = CourseFactory(title="Conferences", is_multi_agency=True)
    conferences.standards.add(level_3)
    full = _session_on(conferences, 40, capacity=1)
    BookingFactory(session=full)

    online = CourseFactory(title="Online neglect", delivery=Delivery.VIRTUAL, is_multi_agency=False)
    _session_on(online, 60)

    schools = CourseFactory(title="Schools only", is_multi_agency=False)
    CourseAudienceSector.objects.create(course=schools, sector=Sector.SCHOOL)
    _session_on(schools, 12)

    police = CourseFactory(title="Police constables", is_multi_agency=False)
    CourseAudienceSector.objects.create(course=police, sector=Sector.POLICE)
    police.eligible_job_roles.add(police_only)
    _session_on(police, 15)

    teachers = CourseFactory(title="Teachers anywhere", is_multi_agency=False)
    teachers.eligible_job_roles.add(teacher)
    _session_on(teachers, 16)

    CourseFactory(title="E-learning level 1", delivery=Delivery.ELEARNING, is_multi_agency=False)


def _days(days: int, prefix: str) -> dict[str, str]:
    day = timezone.localdate() + timedelta(days=days)
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Level 3 meets level 2, so its course is listed for level 2 too.
        ({"standard": "level-2"}, {"Working together", "Conferences"}),
        ({"delivery": Delivery.VIRTUAL}, {"Online neglect"}),
        ({"delivery": Delivery.ELEARNING}, {"E-learning level 1"}),
        ({"multi_agency": "on"}, {"Working together", "Conferences"}),
        (
            {"has_places": "on"},
            {
                "Working together",
                "Online neglect",
                "Schools only",
                "Police constables",
                "Teachers anywhere",
                "E-learning level 1",
            },
        ),
        (
            {"eligible": "on"},
            {
                "Working together",
                "Conferences",
                "Online neglect",
                "Police constables",
                "E-learning level 1",
            },
        ),
        (
            {**_days(11, "date_from"), **_days(20, "date_to")},
            {"Schools only", "Police constables", "Teachers anywhere", "E-learning level 1"},
        ),
        ({**_days(50, "date_from")}, {"Online neglect", "E-learning level 1"}),
        ({**_days(12, "date_to")}, {"Working together", "Schools only", "E-learning level 1"}),
        ({"standard": "level-3", "has_places": "on"}, set()),
    ],
)
def test_catalogue_filters(
    client: Client, practitioner: Membership, query: dict[str, str], expected: set[str]
) -> None:
    """Each filter narrows the list; "eligible for me" uses the viewer's sector and job role,
    and a course with no audience is for everyone. E-learning has no dates to filter out."""
    _filter_world()
    response = client.get(CATALOGUE, query)
    assert response.status_code == 200
    assert set(_titles(response)) == expected
    assert "There is a problem" not in response.content.decode()


def test_eligible_filter_looks_at_every_membership(client: Client, db: None) -> None:
    """Someone who is a police constable and a school governor sees courses for either."""
    _filter_world()
    constable = MembershipFactory(
        organisation=OrganisationFactory(sector=Sector.POLICE),
        job_role=JobRoleFactory(name="Police constable", sector=Sector.POLICE),
    )
    MembershipFactory(
        user=constable.user, organisation=OrganisationFactory(sector=Sector.SCHOOL), governor=True
    )
    client.force_login(constable.user)

    titles = set(_titles(client.get(CATALOGUE, {"eligible": "on"})))

    assert "Police constables" in titles
    assert "Schools only" in titles
    assert "Teachers anywhere" not in titles  # the governor membership has no job role


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2027"},
            "Enter a real date, for example 27 3 2026.",
        ),
        ({**_days(20, "date_from"), **_days(10, "date_to")}, "Enter a 'to' date on or after"),
    ],
)
def test_catalogue_explains_a_bad_date_and_ignores_it(
    client: Client, practitioner: Membership, query: dict[str, str], message: str
) -> None:
    """A date that is not real, or a range that ends before it starts, is explained in the error
    summary and filters nothing."""
    _filter_world()
    response = client.get(CATALOGUE, query)
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert message in content.replace("&#x27;", "'")
    assert parse(content).title == page_title("Find a course", error=True)
    if "date_to_day" in query:
        # The good "from" date still applies; only the bad "to" date is ignored.
        assert set(_titles(response)) == {"Conferences", "Online neglect", "E-learning level 1"}
    else:
        assert len(_titles(response)) == 7


def test_catalogue_pages_keep_the_filters(client: Client, practitioner: Membership) -> None:
    """Twenty courses a page; the next page is of the same filtered list."""
    for n in range(23):
        _session_on(CourseFactory(title=f"Course {n:02d}", is_multi_agency=True), 10 + n)
    response = client.get(CATALOGUE, {"multi_agency": "on"})
    assert len(response.context["page"].object_list) == 20
    assert response.context["page"].paginator.count == 23
    assert 'href="?multi_agency=on&amp;page=2"' in response.content.decode()
    second = client.get(CATALOGUE, {"multi_agency": "on", "page": "2"})
    assert _titles(second) == ["Course 20", "Course 21", "Course 22"]


def _add_sessions(count: int, *, start: int) -> None:
    standard = TrainingStandardFactory()
    for n in range(count):
        course = CourseFactory()
        course.standards.add(standard)
        session = _session_on(course, start + n, capacity=5)
        BookingFactory.create_batch(2, session=session)
        BookingFactory(session=session, status=BookingStatus.WAITLISTED)


@pytest.mark.parametrize(
    "query", [{}, {"has_places": "on", "eligible": "on", "multi_agency": "on"}]
)
def test_catalogue_query_count_does_not_grow_with_sessions(
    client: Client,
    practitioner: Membership,
    django_assert_num_queries: Any,
    query: dict[str, str],
) -> None:
    """A page of the catalogue costs the same queries with 5 sessions as with 50."""
    _add_sessions(5, start=5)
    client.get(CATALOGUE, query)  # warm up: sessions, settings and the like
    with CaptureQueriesContext(connection) as few:
        client.get(CATALOGUE, query)
    _add_sessions(45, start=10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(CATALOGUE, query)
    assert response.context["page"].paginator.count == 50


# A course ---------------------------------------------------------------------------------------


def test_course_page_shows_the_course_and_its_dates(
    client: Client, practitioner: Membership
) -> None:
    """The course page says what the course is, who it is for, what cancelling costs, and
    lists each upcoming date with the place and the places left."""
    standard = TrainingStandardFactory(name="Safeguarding children level 3")
    gateway = CourseFactory(title="Working Together to Safeguard Children")
    course = CourseFactory(
        title="Child protection conferences and core groups",
        outcomes="Prepare a report for a conference\nTake part in a core group",
        requires_manager_approval=True,
        late_cancellation_charge=Decimal("40"),
        no_show_charge=Decimal("60"),
        cancellation_deadline_working_days=3,
    )
    course.standards.add(standard)
    course.prerequisites.add(gateway)
    course.eligible_job_roles.add(JobRoleFactory(name="Social worker"))
    CourseAudienceSector.objects.create(course=course, sector=Sector.CHILDRENS_SOCIAL_CARE)
    CourseFee.objects.create(course=course, sector=Sector.VOLUNTARY, amount=Decimal("100"))
    first = _session_on(course, 10, capacity=12)
    BookingFactory.create_batch(2, session=first)
    _session_on(course, 40, status=SessionStatus.CANCELLED)

    response = client.get(course.get_absolute_url())
    content = response.content.decode()

    assert response.status_code == 200
    for text in [
        "Child protection conferences and core groups",
        "Prepare a report for a conference",
        "Safeguarding children level 3",
        "Children&#x27;s social care",
        "Social worker",
        gateway.get_absolute_url(),
        "Your line manager must approve your booking",
        "Voluntary and community: £100",
        "3 working days before the course",
        "your organisation may be charged £40",
        "If you do not attend, your organisation may be charged £60",
        "more than 20 minutes late",
        "Laurence House",
        "Book a place",
    ]:
        assert text in content, text
    assert list(response.context["sessions"]) == [first]
    assert response.context["sessions"][0].places_left == 10


def test_course_page_shows_online_sessions_and_the_viewers_booking(
    client: Client, practitioner: Membership
) -> None:
    """A virtual session is "Online"; a date the viewer has booked links to their booking, and a
    full one offers the waiting list."""
    course = CourseFactory(delivery=Delivery.VIRTUAL)
    booked = _session_on(course, 10)
    BookingFactory(session=booked, attendee=practitioner)
    full = _session_on(course, 20, capacity=1)
    BookingFactory(session=full)

    content = client.get(course.get_absolute_url()).content.decode()

    assert "Online" in content
    assert "Laurence House" not in content
    assert "See your booking" in content
    assert "Join the waiting list" in content


def test_unpublished_course_is_not_found(client: Client, practitioner: Membership) -> None:
    course = CourseFactory(is_published=False)
    assert client.get(course.get_absolute_url()).status_code == 404


def test_elearning_course_page_has_no_dates(client: Client, practitioner: Membership) -> None:
    course = CourseFactory(delivery=Delivery.ELEARNING)
    content = client.get(course.get_absolute_url()).content.decode()
    assert "This course is e-learning" in content
    assert "<table" not in content


def test_course_page_query_count_does_not_grow_with_sessions(
    client: Client, practitioner: Membership, django_assert_num_queries: Any
) -> None:
    """The course page costs the same queries with 2 dates as with 12, bookings included."""
    course = CourseFactory()
    course.standards.add(TrainingStandardFactory())
    course.prerequisites.add(CourseFactory())

    def add(count: int, start: int) -> None:
        for n in range(count):
            session = _session_on(course, start + n)
            BookingFactory.create_batch(3, session=session)
        BookingFactory(session=session, attendee=practitioner)

    add(2, 5)
    url = course.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10, 20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["sessions"]) == 12
