"""The results pages and exports (evaluations/views/results.py): who may open each (a role by
page matrix), what each sees, the filters' plain-English errors, and constant query counts."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from evaluations.enums import Step
from evaluations.selectors.results import FEWER_THAN_MINIMUM
from tests.accounts.factories import UserFactory, enrol_totp
from tests.evaluations.test_selectors_results import (
    World,
    build_world,
    learner,
    respond,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def privileged(user: User) -> User:
    enrol_totp(user)
    return user


# Who: each returns the person (None for anonymous) for a world.
VIEWERS: dict[str, Callable[[World], User | None]] = {
    "trainer of the session": lambda w: privileged(w.trainer),
    "trainer of another session": lambda w: privileged(w.other_trainer),
    "partnership team": lambda w: privileged(UserFactory.create(partnership_team=True)),
    "coordinator of the organisation": lambda w: privileged(w.coordinator),
    "coordinator of another organisation": lambda w: privileged(
        MembershipFactory.create(organisation=OrganisationFactory.create(), coordinator=True).user
    ),
    "learner": lambda w: w.bookings[0].user,
    "anonymous": lambda w: None,
}


def _asked_after_on_page(response: Any) -> int:
    step = next(s for s in response.context["results"].steps if s.step == Step.AFTER)
    return int(step.invited)


def _asked_after_in_csv(response: Any) -> int:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    for line in text.decode("utf-8-sig").splitlines():
        cells = line.split(",")
        if cells[0] == "Response rate" and cells[1] == str(Step.AFTER.label):
            return int(cells[4])
    return 0


def _asked_after_in_xlsx(response: Any) -> int:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    for row in workbook["Results"].iter_rows(values_only=True):
        if row[0] == "Response rate" and row[1] == str(Step.AFTER.label):
            return int(row[4])
    return 0


PAGES: dict[str, tuple[Callable[[World], str], Callable[[Any], int]]] = {
    "results": (lambda w: reverse("evaluations_results:results"), _asked_after_on_page),
    "session": (
        lambda w: reverse("evaluations_results:session", args=[w.session.pk]),
        _asked_after_on_page,
    ),
    "csv": (
        lambda w: reverse("evaluations_results:export", args=["csv"]) + f"?session={w.session.pk}",
        _asked_after_in_csv,
    ),
    "xlsx": (
        lambda w: reverse("evaluations_results:export", args=["xlsx"]) + f"?session={w.session.pk}",
        _asked_after_in_xlsx,
    ),
}

LOGIN = "login"
NOT_FOUND = 404
BACK_TO_RESULTS = "back to results"

# For each viewer and page: what happens, or how many people asked "straight after" they see.
# The session has six learners: five Lewisham staff and one police officer. The other trainer's
# session, and the other coordinator's organisation, have nobody asked. An export for a session
# the viewer cannot choose goes back to the results page with an error.
MATRIX: dict[str, dict[str, int | str]] = {
    "trainer of the session": {"results": 6, "session": 6, "csv": 6, "xlsx": 6},
    "trainer of another session": {
        "results": 0,
        "session": NOT_FOUND,
        "csv": BACK_TO_RESULTS,
        "xlsx": BACK_TO_RESULTS,
    },
    "partnership team": {"results": 6, "session": 6, "csv": 6, "xlsx": 6},
    "coordinator of the organisation": {"results": 5, "session": 5, "csv": 5, "xlsx": 5},
    "coordinator of another organisation": {
        "results": 0,
        "session": NOT_FOUND,
        "csv": BACK_TO_RESULTS,
        "xlsx": BACK_TO_RESULTS,
    },
    "learner": dict.fromkeys(PAGES, NOT_FOUND),
    "anonymous": dict.fromkeys(PAGES, LOGIN),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", list(VIEWERS))
def test_who_sees_which_results(client: Client, world: World, who: str, page: str) -> None:
    viewer = VIEWERS[who](world)
    if viewer is not None:
        client.force_login(viewer)
    url, asked_after = PAGES[page]
    response = client.get(url(world))
    expected = MATRIX[who][page]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == BACK_TO_RESULTS:
        assert response.status_code == 302
        assert response["Location"] == reverse("evaluations_results:results")
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert asked_after(response) == expected


def test_a_clerk_or_line_manager_has_no_results(client: Client, world: World) -> None:
    """Seeing people's compliance is not seeing their evaluations."""
    clerk = privileged(
        MembershipFactory.create(
            organisation=OrganisationFactory.create(school=True), clerk=True
        ).user
    )
    client.force_login(clerk)
    assert client.get(reverse("evaluations_results:results")).status_code == 404


def test_a_former_trainer_sees_nothing(client: Client, world: World) -> None:
    world.trainer.is_trainer = False
    world.trainer.save()
    client.force_login(privileged(world.trainer))
    url = reverse("evaluations_results:session", args=[world.session.pk])
    assert client.get(url).status_code == 404


# What the pages show -------------------------------------------------------------------------


def test_the_session_page_shows_the_figures_without_names(client: Client, world: World) -> None:
    client.force_login(privileged(world.trainer))
    response = client.get(reverse("evaluations_results:session", args=[world.session.pk]))
    page = response.content.decode()
    assert "Recognise neglect" in page
    assert "+2.0" in page
    assert "+1.6" in page
    assert "Check the chronology before every meeting." in page
    assert "Comment 0: more confident in strategy meetings." in page
    for booking in world.bookings:
        assert booking.user.last_name not in page
        assert booking.user.email not in page
    # Four answered the referral question at follow-up.
    assert FEWER_THAN_MINIMUM in page


def test_a_coordinator_sees_only_their_staff(client: Client, world: World) -> None:
    """The police officer's free text is not among Lewisham's coordinator's."""
    client.force_login(privileged(world.coordinator))
    response = client.get(reverse("evaluations_results:session", args=[world.session.pk]))
    page = response.content.decode()
    assert "Challenge drift in plans." not in page  # the police officer's answer
    assert "Check the chronology before every meeting." in page


def test_filters_narrow_the_results(client: Client, world: World) -> None:
    client.force_login(privileged(UserFactory.create(partnership_team=True)))
    response = client.get(reverse("evaluations_results:results"), {"organisation": world.police.pk})
    assert response.status_code == 200
    assert _asked_after_on_page(response) == 1
    assert FEWER_THAN_MINIMUM in response.content.decode()


def test_a_period_narrows_the_results_to_its_sessions(client: Client, world: World) -> None:
    client.force_login(privileged(UserFactory.create(partnership_team=True)))
    day = timezone.localdate() - timedelta(days=59)
    response = client.get(
        reverse("evaluations_results:results"),
        {"date_from_day": day.day, "date_from_month": day.month, "date_from_year": day.year},
    )
    assert _asked_after_on_page(response) == 0
    day = timezone.localdate() - timedelta(days=61)
    response = client.get(
        reverse("evaluations_results:results"),
        {"date_from_day": day.day, "date_from_month": day.month, "date_from_year": day.year},
    )
    assert _asked_after_on_page(response) == 6


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"course": "999999"}, "Choose a course from the list."),
        ({"session": "999999"}, "Choose a session from the list."),
        ({"organisation": "999999"}, "Choose an organisation from the list."),
        (
            {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
            "Enter a real date, for example 27 3 2026.",
        ),
        (
            {
                "date_from_day": "2",
                "date_from_month": "3",
                "date_from_year": "2026",
                "date_to_day": "1",
                "date_to_month": "3",
                "date_to_year": "2026",
            },
            "The end of the period must be the same as or after its start.",
        ),
    ],
)
def test_a_filter_that_does_not_parse_says_so_and_filters_nothing(
    client: Client, world: World, query: dict[str, str], error: str
) -> None:
    client.force_login(privileged(world.trainer))
    response = client.get(reverse("evaluations_results:results"), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert "govuk-error-summary" in page
    assert _asked_after_on_page(response) == 6


def test_a_session_of_another_course_is_an_error(client: Client, world: World) -> None:
    client.force_login(privileged(UserFactory.create(partnership_team=True)))
    other = SessionFactory.create()
    respond(learner(other, world.organisation), Step.AFTER, {})
    response = client.get(
        reverse("evaluations_results:results"), {"course": world.course.pk, "session": other.pk}
    )
    assert "Choose a session of the course you chose, or all sessions." in response.content.decode()


def test_an_unknown_export_format_is_not_found(client: Client, world: World) -> None:
    client.force_login(privileged(world.trainer))
    assert client.get(reverse("evaluations_results:export", args=["pdf"])).status_code == 404


# Query counts --------------------------------------------------------------------------------


def _grow(world: World, sessions: int) -> None:
    """More sessions trained by the trainer, each with learners answering more questions."""
    from tests.evaluations.factories import QuestionFactory

    extra = [QuestionFactory.create() for _ in range(sessions * 2)]
    for _ in range(sessions):
        session = SessionFactory.create(course=world.course)
        session.trainers.add(world.trainer)
        for _ in range(5):
            respond(
                learner(session, world.organisation),
                Step.AFTER,
                dict.fromkeys(extra, 4),
                manager_comment="",
            )


# The request's session, user and MFA (three), roles (one), the filter's courses, sessions and
# organisations (three), then the results (six).
RESULTS_QUERIES = 13
# The request's session, user and MFA (three), roles (one), the session (one), the results (six).
SESSION_QUERIES = 11


@pytest.mark.parametrize("sessions", [0, 4])
def test_the_results_page_takes_the_same_queries_whatever_its_size(
    client: Client, world: World, django_assert_num_queries: Any, sessions: int
) -> None:
    _grow(world, sessions)
    client.force_login(privileged(world.trainer))
    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(reverse("evaluations_results:results"))
    assert _asked_after_on_page(response) == 6 + 5 * sessions


@pytest.mark.parametrize("sessions", [0, 4])
def test_the_session_page_takes_the_same_queries_whatever_its_size(
    client: Client, world: World, django_assert_num_queries: Any, sessions: int
) -> None:
    _grow(world, sessions)
    client.force_login(privileged(world.trainer))
    with django_assert_num_queries(SESSION_QUERIES):
        response = client.get(reverse("evaluations_results:session", args=[world.session.pk]))
    assert _asked_after_on_page(response) == 6
