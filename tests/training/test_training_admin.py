"""The partnership team's training pages in Wagtail's admin (standards, courses, sessions) and
the page that cancels a session."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import User
from organisations.enums import Sector
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, NotificationKind, SessionStatus
from training.models import Course, NotificationLog, Session, TrainingStandard

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, team_member: User) -> Client:
    client.force_login(team_member)
    return client


def _when(day: date, hour: int, minute: int = 0) -> str:
    """A date and time as the admin's date-time picker sends it (UK time)."""
    return f"{day:%Y-%m-%d} {hour:02d}:{minute:02d}"


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


NEXT_MONTH = timezone.localdate() + timedelta(days=30)
DAY_TWO = NEXT_MONTH + timedelta(days=1)


def _session_data(
    *,
    course: Course,
    parts: list[dict[str, Any]] | None = None,
    parts_initial: int = 0,
    trainers: list[User] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """The session form as the admin posts it, parts included."""
    if parts is None:
        parts = [{"starts_at": _when(NEXT_MONTH, 9, 30), "ends_at": _when(NEXT_MONTH, 16, 30)}]
    data = nested_form_data(
        {
            "course": course.pk,
            "venue": "Laurence House, Catford",
            "joining_link": "",
            "joining_details": "",
            "capacity": "20",
            "minimum_numbers": "6",
            "booking_opens_at": "",
            "booking_closes_at": "",
            "mix_scope": "organisation",
            "mix_max_places": "",
            "mix_max_percent": "",
            "mix_release_at": "",
            **fields,
            "parts": inline_formset(parts, initial=parts_initial),
        }
    )
    # A list is a multiple choice here, not an inline formset, so it goes in as it is.
    data["trainers"] = [trainer.pk for trainer in trainers or []]
    return data


def _course_data(*, standards: list[int] | None = None, **fields: Any) -> dict[str, Any]:
    data = nested_form_data(
        {
            "title": "Neglect: recognising and responding",
            "slug": "",
            "summary": "Spotting neglect early and acting on it together.",
            "outcomes": "",
            "delivery": "classroom",
            "length_hours": "6.5",
            "cpd_hours": "6",
            "late_arrival_cutoff_minutes": "20",
            "is_multi_agency": "on",
            "cancellation_deadline_working_days": "3",
            "late_cancellation_charge": "40",
            "no_show_charge": "60",
            "is_published": "on",
            **{k: v for k, v in fields.items() if k not in ("audience_sectors", "fees")},
            "audience_sectors": inline_formset(fields.get("audience_sectors", [])),
            "fees": inline_formset(fields.get("fees", [])),
        }
    )
    data["standards"] = standards or []
    return data


# Who gets in ---------------------------------------------------------------------------------

ADMIN_PAGES = [
    "session_admin:index",
    "session_admin:add",
    "course_admin:index",
    "course_admin:add",
    "trainingstandard_admin:index",
    "trainingstandard_admin:add",
]


def test_the_team_reaches_every_training_page(admin_client: Client) -> None:
    """Sessions, courses and standards, listed and added, under a "Training" menu."""
    for name in ADMIN_PAGES:
        assert admin_client.get(reverse(name)).status_code == 200, name
    home = admin_client.get(reverse("wagtailadmin_home"))
    assertContains(home, "Training")
    assertContains(home, reverse("session_admin:index"))


@pytest.mark.parametrize("role", ["trainer", "coordinator", "practitioner", "admin-user"])
def test_nobody_else_reaches_the_training_pages(client: Client, role: str) -> None:
    """Trainers mark registers on their own pages; nobody else manages the programme, even
    with access to the admin for other work."""
    if role == "trainer":
        user = UserFactory.create(trainer=True)
    elif role == "coordinator":
        user = MembershipFactory.create(coordinator=True).user
    elif role == "admin-user":
        user = UserFactory.create(is_staff=True)
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    else:
        user = MembershipFactory.create().user
    enrol_totp(user)
    client.force_login(user)
    course = CourseFactory.create()
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 302, name
    response = client.post(reverse("session_admin:add"), _session_data(course=course))
    assert response.status_code == 302
    assert not Session.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("session_admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


# Sessions: times follow the parts ------------------------------------------------------------


def test_adding_a_session_sets_its_times_from_its_parts(admin_client: Client) -> None:
    """A two-day session starts when its first part starts and ends when its last part ends,
    whatever order the parts were entered in."""
    course = CourseFactory.create()
    trainer = UserFactory.create(trainer=True)
    data = _session_data(
        course=course,
        parts=[
            {"starts_at": _when(DAY_TWO, 9, 30), "ends_at": _when(DAY_TWO, 13, 0)},
            {"starts_at": _when(NEXT_MONTH, 9, 30), "ends_at": _when(NEXT_MONTH, 16, 30)},
        ],
        trainers=[trainer],
    )
    response = admin_client.post(reverse("session_admin:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get()
    assert session.starts_at == _aware(NEXT_MONTH, 9, 30)
    assert session.ends_at == _aware(DAY_TWO, 13, 0)
    assert session.parts.count() == 2
    assert list(session.trainers.all()) == [trainer]
    assert session.status == SessionStatus.SCHEDULED


def test_editing_the_parts_moves_the_session(admin_client: Client) -> None:
    """Moving the only part moves the session's start and end with it."""
    session = SessionFactory.create()
    part = session.parts.get()
    data = _session_data(
        course=session.course,
        parts=[
            {
                "id": part.pk,
                "starts_at": _when(DAY_TWO, 10, 0),
                "ends_at": _when(DAY_TWO, 15, 0),
            }
        ],
        parts_initial=1,
    )
    response = admin_client.post(reverse("session_admin:edit", args=[session.pk]), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.starts_at == _aware(DAY_TWO, 10, 0)
    assert session.ends_at == _aware(DAY_TWO, 15, 0)


def _edit(admin_client: Client, session: Session, **changes: Any) -> Any:
    part = session.parts.get()
    local_start = timezone.localtime(part.starts_at)
    local_end = timezone.localtime(part.ends_at)
    row = {
        "id": part.pk,
        "starts_at": changes.pop("starts_at", f"{local_start:%Y-%m-%d %H:%M}"),
        "ends_at": changes.pop("ends_at", f"{local_end:%Y-%m-%d %H:%M}"),
    }
    fields = {"venue": session.venue, "capacity": session.capacity, **changes}
    data = _session_data(course=session.course, parts=[row], parts_initial=1, **fields)
    return admin_client.post(reverse("session_admin:edit", args=[session.pk]), data)


@pytest.mark.parametrize(
    ("change", "told"),
    [
        pytest.param(
            {"starts_at": _when(DAY_TWO, 10, 0), "ends_at": _when(DAY_TWO, 15, 0)},
            True,
            id="new-time",
        ),
        pytest.param({"venue": "Civic Suite, Catford"}, True, id="new-venue"),
        pytest.param({"capacity": "25"}, False, id="more-places"),
    ],
)
def test_booked_people_are_told_when_the_time_or_place_changes(
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
    change: dict[str, str],
    told: bool,
) -> None:
    """A new time or venue is emailed to everyone booked (and the calendar sequence rises);
    a change they need not hear about is not."""
    session = SessionFactory.create()
    booking = BookingFactory.create(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(admin_client, session, **change)
    assert response.status_code == 302
    sent = NotificationLog.objects.filter(booking=booking, kind=NotificationKind.SESSION_CHANGED)
    assert sent.exists() is told
    session.refresh_from_db()
    assert session.sequence == (1 if told else 0)


def test_a_change_to_a_session_nobody_booked_tells_nobody(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    session = SessionFactory.create()
    BookingFactory.create(session=session, status=BookingStatus.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        _edit(admin_client, session, venue="Civic Suite, Catford")
    assert not NotificationLog.objects.exists()
    session.refresh_from_db()
    assert session.sequence == 0


# Sessions: what is refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        pytest.param(
            [
                {"starts_at": _when(NEXT_MONTH, 9, 30), "ends_at": _when(NEXT_MONTH, 13, 0)},
                {"starts_at": _when(NEXT_MONTH, 12, 30), "ends_at": _when(NEXT_MONTH, 16, 0)},
            ],
            "Parts 1 and 2 overlap. Each part must end before the next one starts.",
            id="overlap",
        ),
        pytest.param(
            [{"starts_at": _when(NEXT_MONTH, 16, 0), "ends_at": _when(NEXT_MONTH, 9, 0)}],
            "The end must be after the start.",
            id="ends-before-it-starts",
        ),
        pytest.param([], "Add at least one date and time for the session.", id="no-parts"),
        pytest.param(
            [{"starts_at": "", "ends_at": _when(NEXT_MONTH, 9, 0)}],
            "Enter when this part starts.",
            id="no-start",
        ),
    ],
)
def test_parts_must_make_sense(
    admin_client: Client, parts: list[dict[str, str]], message: str
) -> None:
    """Parts that overlap, end before they start or are missing are explained; nothing saves."""
    data = _session_data(course=CourseFactory.create(), parts=parts)
    response = admin_client.post(reverse("session_admin:add"), data)
    assert response.status_code == 200
    assertContains(response, message)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"capacity": "10", "minimum_numbers": "12"},
            "The minimum number of people cannot be more than the capacity.",
            id="minimum-above-capacity",
        ),
        pytest.param(
            {
                "booking_opens_at": _when(NEXT_MONTH - timedelta(days=5), 9),
                "booking_closes_at": _when(NEXT_MONTH - timedelta(days=10), 9),
            },
            "Booking must close after it opens.",
            id="closes-before-opening",
        ),
        pytest.param(
            {"booking_closes_at": _when(NEXT_MONTH, 12)},
            "Booking must close before the session starts.",
            id="closes-after-start",
        ),
        pytest.param(
            {"capacity": "20", "mix_max_places": "25"},
            "cannot be more than the capacity.",
            id="mix-above-capacity",
        ),
    ],
)
def test_session_details_must_make_sense(
    admin_client: Client, fields: dict[str, str], message: str
) -> None:
    data = _session_data(course=CourseFactory.create(), **fields)
    response = admin_client.post(reverse("session_admin:add"), data)
    assert response.status_code == 200
    assertContains(response, message)
    assert not Session.objects.exists()


def test_capacity_cannot_drop_below_places_taken(admin_client: Client) -> None:
    """With 12 people booked, 11 places is refused in words that say why."""
    session = SessionFactory.create(capacity=20)
    BookingFactory.create_batch(12, session=session)
    BookingFactory.create_batch(3, session=session, status=BookingStatus.CANCELLED)
    response = _edit(admin_client, session, capacity="11", minimum_numbers="0")
    assertContains(response, "12 people already have places. The capacity cannot be less than 12.")
    session.refresh_from_db()
    assert session.capacity == 20
    assert _edit(admin_client, session, capacity="12", minimum_numbers="0").status_code == 302


def test_only_trainers_can_be_chosen_to_train(admin_client: Client) -> None:
    """The trainers list offers people the partnership made trainers, and no one else."""
    UserFactory.create(trainer=True, first_name="Tess", last_name="Trainer")
    someone = UserFactory.create(first_name="Sam", last_name="Someone")
    page = admin_client.get(reverse("session_admin:add"))
    assertContains(page, "Tess Trainer")
    assertNotContains(page, "Sam Someone")
    data = _session_data(course=CourseFactory.create(), trainers=[someone])
    response = admin_client.post(reverse("session_admin:add"), data)
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_status_is_shown_but_not_edited(admin_client: Client) -> None:
    """Status changes only by cancelling; the edit page links to that instead."""
    session = SessionFactory.create()
    page = admin_client.get(reverse("session_admin:edit", args=[session.pk]))
    assertContains(page, "Scheduled")
    assertNotContains(page, 'name="status"')
    assertContains(page, reverse("training:session_cancel", args=[session.pk]))
    assertContains(page, reverse("training:register", args=[session.pk]))


def test_a_booked_session_cannot_be_deleted(admin_client: Client) -> None:
    """Deleting is refused while anyone has booked; the page says to cancel instead."""
    session = SessionFactory.create()
    BookingFactory.create(session=session)
    page = admin_client.get(reverse("session_admin:delete", args=[session.pk]))
    assertContains(page, "To stop the session going ahead, cancel it instead.")
    admin_client.post(reverse("session_admin:delete", args=[session.pk]))
    assert Session.objects.filter(pk=session.pk).exists()


def test_session_list_shows_places_taken(admin_client: Client) -> None:
    session = SessionFactory.create(capacity=20)
    BookingFactory.create_batch(3, session=session)
    BookingFactory.create(session=session, status=BookingStatus.WAITLISTED)
    response = admin_client.get(reverse("session_admin:index"))
    assertContains(response, "3 of 20")
    assertContains(response, session.course.title)


# Courses and standards -----------------------------------------------------------------------


def test_adding_a_course_with_audience_and_fees(admin_client: Client) -> None:
    """A course saves with its sectors and fees as rows; a blank slug comes from the title."""
    standard = TrainingStandardFactory.create()
    data = _course_data(
        standards=[standard.pk],
        audience_sectors=[{"sector": Sector.SCHOOL}, {"sector": Sector.HEALTH_TRUST}],
        fees=[{"sector": Sector.VOLUNTARY, "amount": "100"}],
    )
    response = admin_client.post(reverse("course_admin:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    course = Course.objects.get()
    assert course.slug == "neglect-recognising-and-responding"
    assert sorted(course.audience_sectors.values_list("sector", flat=True)) == sorted(
        [Sector.SCHOOL, Sector.HEALTH_TRUST]
    )
    assert course.fees.get().amount == 100
    assert list(course.standards.all()) == [standard]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param(
            {"audience_sectors": [{"sector": Sector.SCHOOL}, {"sector": Sector.SCHOOL}]},
            "School is listed more than once. Remove the extra one.",
            id="audience",
        ),
        pytest.param(
            {
                "fees": [
                    {"sector": Sector.VOLUNTARY, "amount": "50"},
                    {"sector": Sector.VOLUNTARY, "amount": "100"},
                ]
            },
            "has more than one fee. Give one fee for each sector.",
            id="fees",
        ),
    ],
)
def test_a_sector_appears_once(
    admin_client: Client, rows: dict[str, list[dict[str, str]]], message: str
) -> None:
    response = admin_client.post(reverse("course_admin:add"), _course_data(**rows))
    assertContains(response, message)
    assert not Course.objects.exists()


def test_a_course_is_not_its_own_prerequisite(admin_client: Client) -> None:
    course = CourseFactory.create(title="Gateway")
    other = CourseFactory.create(title="Level 3")
    page = admin_client.get(reverse("course_admin:edit", args=[course.pk]))
    prerequisites = page.context["form"].fields["prerequisites"].queryset
    assert other in prerequisites
    assert course not in prerequisites


def test_a_standard_cannot_meet_one_that_meets_it(admin_client: Client) -> None:
    """Level 3 meets level 2, so level 2 cannot also meet level 3."""
    level_2 = TrainingStandardFactory.create(name="Level 2", slug="level-2")
    level_3 = TrainingStandardFactory.create(name="Level 3", slug="level-3")
    level_3.satisfies.add(level_2)
    response = admin_client.post(
        reverse("trainingstandard_admin:edit", args=[level_2.pk]),
        {
            "name": "Level 2",
            "slug": "level-2",
            "description": "",
            "validity_months": "36",
            "satisfies": [level_3.pk],
        },
    )
    assertContains(response, "Level 3 already meets this standard")
    assert not level_2.satisfies.exists()


def test_adding_a_standard(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("trainingstandard_admin:add"),
        {"name": "Governor safeguarding", "slug": "", "description": "", "validity_months": "24"},
    )
    assert response.status_code == 302
    standard = TrainingStandard.objects.get()
    assert standard.slug == "governor-safeguarding"
    assert standard.validity_months == 24


# Cancelling a session ------------------------------------------------------------------------


def test_the_team_cancels_a_session_with_a_reason(
    admin_client: Client, team_member: User, django_capture_on_commit_callbacks: Any
) -> None:
    """Everyone booked loses their place and is told; the session is kept, cancelled."""
    session = SessionFactory.create()
    booking = BookingFactory.create(session=session)
    url = reverse("training:session_cancel", args=[session.pk])
    page = admin_client.get(url)
    assertContains(page, "1 person is booked or waiting for a place.")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"reason": "The trainer is unwell."}, follow=True)
    assertContains(response, "The session is cancelled. Everyone booked on it is being told.")
    session.refresh_from_db()
    booking.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancellation_reason == "The trainer is unwell."
    assert booking.status == BookingStatus.SESSION_CANCELLED
    assert NotificationLog.objects.filter(
        booking=booking, kind=NotificationKind.SESSION_CANCELLED
    ).exists()


def test_cancelling_needs_a_reason(admin_client: Client) -> None:
    session = SessionFactory.create()
    response = admin_client.post(
        reverse("training:session_cancel", args=[session.pk]), {"reason": ""}
    )
    assertContains(response, "Enter why the session is cancelled.")
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_a_session_that_has_started_cannot_be_cancelled(admin_client: Client) -> None:
    session = SessionFactory.create(parts__days_ahead=-1)
    response = admin_client.post(
        reverse("training:session_cancel", args=[session.pk]), {"reason": "Too late."}
    )
    assertContains(response, "already started")
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


@pytest.mark.parametrize("role", ["trainer", "coordinator", "practitioner"])
def test_only_the_team_cancels_sessions(client: Client, role: str) -> None:
    session = SessionFactory.create()
    session.trainers.add(trainer := UserFactory.create(trainer=True))
    user = {
        "trainer": lambda: trainer,
        "coordinator": lambda: MembershipFactory.create(coordinator=True).user,
        "practitioner": lambda: MembershipFactory.create().user,
    }[role]()
    enrol_totp(user)
    client.force_login(user)
    url = reverse("training:session_cancel", args=[session.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "No"}).status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
