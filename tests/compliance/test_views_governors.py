"""The governors' pages: who reaches which, a board's page, the take-up by school with its
sorting and export, and a governor's declaration."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from compliance.models import ComplianceRules, GovernorDeclaration
from organisations.enums import Sector
from organisations.models import Membership
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.factories import GovernorDeclarationFactory
from tests.compliance.test_selectors_governors import (
    EDITION,
    LONG_AGO,
    Board,
    Standards,
    build_board,
    governor_standards,
    trained,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def standards() -> Standards:
    ComplianceRules.load()
    return governor_standards()


@pytest.fixture
def alpha(standards: Standards) -> Board:
    return build_board(standards)


@pytest.fixture
def beta(standards: Standards) -> Board:
    return build_board(standards, name="Beta Nursery", slug="beta-nursery")


def _privileged(membership: Membership) -> User:
    enrol_totp(membership.user)
    return membership.user


@pytest.fixture
def people(alpha: Board, beta: Board) -> dict[str, Any]:
    """Someone in each role the rules name, and nobody signed in."""
    team = UserFactory(partnership_team=True)
    enrol_totp(team)
    return {
        "clerk of the board": _privileged(MembershipFactory(organisation=alpha.school, clerk=True)),
        "clerk of another board": _privileged(
            MembershipFactory(organisation=beta.school, clerk=True)
        ),
        "coordinator of the school": _privileged(
            MembershipFactory(organisation=alpha.school, coordinator=True)
        ),
        "governor": alpha.newcomer.user,
        "partnership team": team,
        "practitioner": MembershipFactory().user,
        "anonymous": None,
    }


PAGES: dict[str, Callable[[Client, Board], Any]] = {
    "boards": lambda client, alpha: client.get(reverse("compliance:boards")),
    "board": lambda client, alpha: client.get(
        reverse("compliance:board", kwargs={"slug": alpha.school.slug})
    ),
    "take-up": lambda client, alpha: client.get(reverse("compliance:take_up")),
    "export": lambda client, alpha: client.get(
        reverse("compliance:take_up_export"), {"format": "csv"}
    ),
    "declaration": lambda client, alpha: client.post(
        reverse("compliance:declaration", kwargs={"membership_pk": alpha.newcomer.pk}),
        {"edition": EDITION},
    ),
}

# What each role gets: a status code, or "board" / "take-up" / "my training" for a redirect
# there.
EXPECTED: dict[str, dict[str, int | str]] = {
    "clerk of the board": {
        "boards": "board",
        "board": 200,
        "take-up": 404,
        "export": 404,
        "declaration": 404,
    },
    "clerk of another board": {
        "boards": "other board",
        "board": 404,
        "take-up": 404,
        "export": 404,
        "declaration": 404,
    },
    "coordinator of the school": {
        "boards": "board",
        "board": 200,
        "take-up": 404,
        "export": 404,
        "declaration": 404,
    },
    "governor": {
        "boards": 404,
        "board": 404,
        "take-up": 404,
        "export": 404,
        "declaration": "my training",
    },
    "partnership team": {
        "boards": "take-up",
        "board": 200,
        "take-up": 200,
        "export": 200,
        "declaration": 404,
    },
    "practitioner": {
        "boards": 404,
        "board": 404,
        "take-up": 404,
        "export": 404,
        "declaration": 404,
    },
    "anonymous": dict.fromkeys(PAGES, "sign in"),
}


@pytest.mark.parametrize(("role", "page"), [(role, page) for role in EXPECTED for page in PAGES])
def test_who_reaches_which_page(
    client: Client,
    people: dict[str, Any],
    alpha: Board,
    beta: Board,
    role: str,
    page: str,
) -> None:
    user = people[role]
    if user is not None:
        client.force_login(user)
    response = PAGES[page](client, alpha)
    expected = EXPECTED[role][page]
    redirects = {
        "board": reverse("compliance:board", kwargs={"slug": alpha.school.slug}),
        "other board": reverse("compliance:board", kwargs={"slug": beta.school.slug}),
        "take-up": reverse("compliance:take_up"),
        "my training": f"{reverse('compliance:my_training')}#governor-{alpha.newcomer.pk}",
        "sign in": reverse("account_login"),
    }
    if isinstance(expected, int):
        assert response.status_code == expected
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(redirects[expected])


def test_a_guessed_slug_of_another_board_is_not_found(
    client: Client, people: dict[str, Any], alpha: Board
) -> None:
    client.force_login(people["clerk of another board"])
    assert (
        client.get(reverse("compliance:board", kwargs={"slug": "no-such-school"})).status_code
        == 404
    )
    social_care = OrganisationFactory(slug="social-care")
    MembershipFactory(
        organisation=social_care, coordinator=True, user=people["coordinator of the school"]
    )
    client.force_login(people["coordinator of the school"])
    # Coordinating an organisation without a board gives no board page for it.
    assert (
        client.get(reverse("compliance:board", kwargs={"slug": "social-care"})).status_code == 404
    )


def test_a_clerk_of_two_boards_chooses_one(client: Client, alpha: Board, beta: Board) -> None:
    clerk = _privileged(MembershipFactory(organisation=alpha.school, clerk=True))
    MembershipFactory(organisation=beta.school, clerk=True, user=clerk)
    client.force_login(clerk)

    response = client.get(reverse("compliance:boards"))

    assert response.status_code == 200
    content = response.content.decode()
    for board in (alpha, beta):
        assert reverse("compliance:board", kwargs={"slug": board.school.slug}) in content
    assert [line.name for line in response.context["lines"]] == ["Alpha Primary", "Beta Nursery"]
    assert [line.rate for line in response.context["lines"]] == [50, 50]


# A board's page -------------------------------------------------------------------------------


@pytest.fixture
def clerk(client: Client, alpha: Board) -> User:
    user = _privileged(MembershipFactory(organisation=alpha.school, clerk=True))
    client.force_login(user)
    return user


def _board_page(client: Client, board: Board) -> Any:
    return client.get(reverse("compliance:board", kwargs={"slug": board.school.slug}))


def test_board_page_shows_governors_training_and_declarations(
    client: Client, clerk: User, alpha: Board
) -> None:
    response = _board_page(client, alpha)

    content = response.content.decode()
    assert "50.0% (2 of 4)" in content
    assert "1 new starter not counted yet" in content
    assert "2 governors" in content  # overdue or missing
    assert "20.0% (1 of 5)" in content  # read this year's edition
    for name in ("Chair", "Link", "Higher", "Newcomer", "Lapsed"):
        assert f"{name} Governor" in content
    for name in ("Ended", "Closed"):
        assert f"{name} Governor" not in content
    assert "(extra for the chair)" in content
    assert "(extra for the safeguarding link governor)" in content
    assert "Ends soon" in content
    grace_ends_on = alpha.newcomer.start_date + relativedelta(months=3)
    assert f"New starter: complete by {grace_ends_on:%-d %B %Y}" in content
    assert content.count("Not yet") == 4
    assert timezone.localdate().strftime("%-d %B %Y") in content


def test_board_page_query_count_does_not_grow_with_governors(
    client: Client, clerk: User, alpha: Board, django_assert_num_queries: Any
) -> None:
    _board_page(client, alpha)
    with CaptureQueriesContext(connection) as few:
        _board_page(client, alpha)
    for _ in range(5):
        governor = MembershipFactory(organisation=alpha.school, governor=True, start_date=LONG_AGO)
        GovernorDeclarationFactory(membership=governor, edition=EDITION)
    with django_assert_num_queries(len(few.captured_queries)):
        response = _board_page(client, alpha)
    assert len(response.context["board"].governors) == 10


# Take-up by school ----------------------------------------------------------------------------


@pytest.fixture
def team(client: Client) -> User:
    user = UserFactory(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    return user


@pytest.fixture
def schools(standards: Standards) -> list[Board]:
    """Alpha (50 % in date, 2 overdue or missing), Zeta (100 %, none) and an empty school."""
    alpha = build_board(standards)
    zeta = build_board(standards, name="Zeta Primary", slug="zeta-primary")
    trained(zeta.link, standards.link)
    trained(zeta.lapsed, standards.governor)
    OrganisationFactory(name="Empty School", slug="empty-school", sector=Sector.SCHOOL)
    return [alpha, zeta]


def _take_up(client: Client, **query: str) -> Any:
    return client.get(reverse("compliance:take_up"), query)


def _school_order(response: Any) -> list[str]:
    return [line.name for line in response.context["lines"]]


@pytest.mark.parametrize(
    ("query", "order", "sorted_header"),
    [
        ({}, ["Alpha Primary", "Empty School", "Zeta Primary"], ("school", "ascending")),
        (
            {"sort": "school", "order": "desc"},
            ["Zeta Primary", "Empty School", "Alpha Primary"],
            ("school", "descending"),
        ),
        (
            {"sort": "rate", "order": "asc"},
            ["Alpha Primary", "Zeta Primary", "Empty School"],
            ("rate", "ascending"),
        ),
        (
            {"sort": "overdue", "order": "desc"},
            ["Alpha Primary", "Empty School", "Zeta Primary"],
            ("overdue", "descending"),
        ),
        (
            {"sort": "nonsense"},
            ["Alpha Primary", "Empty School", "Zeta Primary"],
            ("school", "ascending"),
        ),
    ],
)
def test_take_up_sorts_with_aria_sort(
    client: Client,
    team: User,
    schools: list[Board],
    query: dict[str, str],
    order: list[str],
    sorted_header: tuple[str, str],
) -> None:
    response = _take_up(client, **query)

    assert _school_order(response) == order
    headers = response.context["headers"]
    key, direction = sorted_header
    assert {k: h["aria_sort"] for k, h in headers.items()} == {
        k: direction if k == key else "none" for k in headers
    }
    assert f'aria-sort="{direction}"' in response.content.decode()


def test_take_up_page_shows_each_schools_figures(
    client: Client, team: User, schools: list[Board]
) -> None:
    content = _take_up(client).content.decode()
    assert reverse("compliance:board", kwargs={"slug": "alpha-primary"}) in content
    assert "50.0%" in content
    assert "100.0%" in content
    assert "75.0% (6 of 8)" in content  # all schools
    assert "Nobody in this role" in content  # the empty school's chair


def test_take_up_query_count_does_not_grow_with_schools(
    client: Client, team: User, standards: Standards, django_assert_num_queries: Any
) -> None:
    build_board(standards)
    _take_up(client)
    with CaptureQueriesContext(connection) as few:
        _take_up(client)
    for n in range(4):
        build_board(standards, name=f"School {n}", slug=f"school-{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = _take_up(client)
    assert len(response.context["lines"]) == 5


def _export(client: Client, fmt: str, **query: str) -> Any:
    return client.get(reverse("compliance:take_up_export"), {"format": fmt, **query})


def test_export_csv(client: Client, team: User, schools: list[Board]) -> None:
    OrganisationFactory(name="=HYPERLINK(1)", slug="formula", sector=Sector.SCHOOL)

    response = _export(client, "csv", sort="rate", order="desc")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="governor-take-up-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["School", "Governors", "In date", "Counted", "In date (%)"]
    assert [row[0] for row in rows[1:]] == [
        "Zeta Primary",
        "Alpha Primary",
        "'=HYPERLINK(1)",
        "Empty School",
    ]
    assert rows[2] == [
        "Alpha Primary",
        "5",
        "2",
        "4",
        "50.0",
        "1",
        "2",
        "In date",
        "Missing",
        "1",
        "20.0",
    ]


def test_export_xlsx(client: Client, team: User, schools: list[Board]) -> None:
    response = _export(client, "xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "School"
    assert rows[1][:5] == ("Alpha Primary", 5, 2, 4, 50)
    assert rows[2][0] == "Empty School"
    assert rows[2][4] is None


def test_export_in_an_unknown_format_is_not_found(client: Client, team: User) -> None:
    assert _export(client, "pdf").status_code == 404


# The declaration ------------------------------------------------------------------------------


def _declare(client: Client, membership: Membership, edition: str = EDITION) -> Any:
    return client.post(
        reverse("compliance:declaration", kwargs={"membership_pk": membership.pk}),
        {"edition": edition},
        follow=True,
    )


def test_a_governor_declares_once(client: Client, alpha: Board) -> None:
    client.force_login(alpha.newcomer.user)

    response = _declare(client, alpha.newcomer)

    assert f"You have declared that you have read {EDITION}." in response.content.decode()
    declaration = GovernorDeclaration.objects.get(membership=alpha.newcomer)
    assert declaration.declared_on == timezone.localdate()
    assert f"You have read {EDITION} on" in response.content.decode()

    again = _declare(client, alpha.newcomer)

    assert f"You have already declared that you have read {EDITION}" in again.content.decode()
    assert GovernorDeclaration.objects.filter(membership=alpha.newcomer).count() == 1


def test_a_declaration_of_an_old_edition_is_not_recorded(client: Client, alpha: Board) -> None:
    """The page was opened before a new edition was published: the governor is asked to read
    the new one."""
    client.force_login(alpha.newcomer.user)
    response = _declare(client, alpha.newcomer, edition="Keeping children safe in education 2025")
    assert f"The guidance has a new edition: read {EDITION}" in response.content.decode()
    assert not GovernorDeclaration.objects.filter(membership=alpha.newcomer).exists()


def test_only_for_ones_own_current_governor_membership(client: Client, alpha: Board) -> None:
    """Another governor's membership, an ended one or a staff membership: not found."""
    user = alpha.newcomer.user
    ended = MembershipFactory(
        user=user,
        governor=True,
        start_date=LONG_AGO,
        end_date=timezone.localdate() - timedelta(days=1),
    )
    staff = MembershipFactory(user=user, start_date=LONG_AGO)
    client.force_login(user)
    for membership in (alpha.lapsed, ended, staff):
        assert _declare(client, membership).status_code == 404
    assert (
        client.get(
            reverse("compliance:declaration", kwargs={"membership_pk": alpha.newcomer.pk})
        ).status_code
        == 405
    )
    assert not GovernorDeclaration.objects.filter(membership__user=user).exists()


def test_another_organisations_board_slug_gives_nothing_away(
    client: Client, clerk: User, beta: Board
) -> None:
    response = _board_page(client, beta)
    assert response.status_code == 404
    assert "Beta Nursery" not in response.content.decode()
