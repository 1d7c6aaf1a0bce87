"""Who may open which compliance page, as a matrix of roles x pages, and that no figure counts
anyone the viewer may not see.

Pages someone may not open answer 404 (never 403), so another organisation's slug reveals
nothing; signed-out visitors are sent to sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.compliance.test_views_tables import World, build_world, person, today, trained
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingStandardFactory

pytestmark = pytest.mark.django_db


@dataclass
class Cast:
    world: World
    school: Organisation
    users: dict[str, User | None]


@pytest.fixture
def cast() -> Cast:
    """Everyone the rules distinguish, around Lewisham children's social care (the world of
    test_views_tables), the police and a school with a governing board."""
    world = build_world()
    school = OrganisationFactory.create(name="Addey Primary School", slug="addey", school=True)
    kcsie = TrainingStandardFactory.create(name="KCSIE part one", slug="kcsie")
    RequirementFactory.create(name="KCSIE at schools", standard=kcsie, sector=school.sector)
    governor = person(school, "Gil Green", governor=True)
    trained(governor, kcsie, today() - timedelta(days=30))
    person(school, "Tia Teal")  # staff, whom the clerk may not see
    clerk = person(school, "Cleo Clerk", clerk=True).user
    other_coordinator = person(world.other, "Oli Olive", coordinator=True).user
    team = UserFactory.create(partnership_team=True)
    for user in (clerk, other_coordinator, team):
        enrol_totp(user)
    return Cast(
        world=world,
        school=school,
        users={
            "partnership team": team,
            "coordinator": world.coordinator,
            "coordinator elsewhere": other_coordinator,
            "clerk": clerk,
            "line manager": world.manager.user,
            "practitioner": world.people["Ana Ash"].user,
            "governor": governor.user,
            "signed out": None,
        },
    )


PAGES: dict[str, tuple[str, list[str]]] = {
    "home": ("compliance:home", []),
    "organisation": ("compliance:organisation", ["lewisham-csc"]),
    "organisation export": ("compliance:organisation_export", ["lewisham-csc"]),
    "school": ("compliance:organisation", ["addey"]),
    "school export": ("compliance:organisation_export", ["addey"]),
    "guessed slug": ("compliance:organisation", ["no-such-organisation"]),
    "team": ("compliance:team", []),
    "partnership": ("compliance:partnership", []),
    "partnership export": ("compliance:partnership_export", []),
}

ORGANISATION = reverse("compliance:organisation", args=["lewisham-csc"])
POLICE = reverse("compliance:organisation", args=["met-lewisham"])
SCHOOL = reverse("compliance:organisation", args=["addey"])
HOME = reverse("compliance:home")
TEAM = reverse("compliance:team")
PARTNERSHIP = reverse("compliance:partnership")

# What each role gets on each page: a status code, or where it redirects to.
EXPECTED: dict[str, dict[str, int | str]] = {
    "partnership team": {
        "home": PARTNERSHIP,
        "organisation": 200,
        "organisation export": 200,
        "school": 200,
        "school export": 200,
        "guessed slug": 404,
        "team": HOME,
        "partnership": 200,
        "partnership export": 200,
    },
    "coordinator": {
        "home": ORGANISATION,
        "organisation": 200,
        "organisation export": 200,
        "school": 404,
        "school export": 404,
        "guessed slug": 404,
        "team": HOME,
        "partnership": 404,
        "partnership export": 404,
    },
    "coordinator elsewhere": {
        "home": POLICE,
        "organisation": 404,
        "organisation export": 404,
        "school": 404,
        "school export": 404,
        "guessed slug": 404,
        "team": HOME,
        "partnership": 404,
        "partnership export": 404,
    },
    "clerk": {
        "home": SCHOOL,
        "organisation": 404,
        "organisation export": 404,
        "school": 200,
        "school export": 200,
        "guessed slug": 404,
        "team": HOME,
        "partnership": 404,
        "partnership export": 404,
    },
    "line manager": {
        "home": TEAM,
        "organisation": 404,
        "organisation export": 404,
        "school": 404,
        "school export": 404,
        "guessed slug": 404,
        "team": 200,
        "partnership": 404,
        "partnership export": 404,
    },
    "practitioner": dict.fromkeys(PAGES, 404),
    "governor": dict.fromkeys(PAGES, 404),
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", [*EXPECTED, "signed out"])
def test_who_may_open_each_page(client: Client, cast: Cast, role: str, page: str) -> None:
    """Each role against each page: the page, a redirect to theirs, or a 404."""
    name, args = PAGES[page]
    url = reverse(name, args=args)
    user = cast.users[role]
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    if user is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("account_login"))
        return
    expected = EXPECTED[role][page]
    if isinstance(expected, str):
        assert response.status_code == 302, f"{role} on {page}"
        assert response.headers["Location"] == expected
    else:
        assert response.status_code == expected, f"{role} on {page}"


@pytest.mark.parametrize("url", [ORGANISATION, TEAM, PARTNERSHIP, HOME])
def test_pages_only_answer_get(client: Client, cast: Cast, url: str) -> None:
    client.force_login(cast.users["partnership team"])
    assert client.post(url).status_code == 405


def test_a_coordinator_whose_role_has_ended_sees_nothing(client: Client, cast: Cast) -> None:
    """The coordinator flag counts only on a current membership."""
    cast.world.coordinator.memberships.update(end_date=today() - timedelta(days=1))
    client.force_login(cast.world.coordinator)
    assert client.get(ORGANISATION).status_code == 404
    assert client.get(HOME).status_code == 404


# No figure counts anyone the viewer may not see ----------------------------------------------


def _names(response: Any) -> set[str]:
    return {row.membership.user.get_full_name() for row in response.context["page"].object_list}


def test_a_coordinator_counts_only_their_organisation(client: Client, cast: Cast) -> None:
    """The police officer required to hold the same standard is in nobody's figures here."""
    client.force_login(cast.world.coordinator)
    response = client.get(ORGANISATION)
    assert response.context["headline"].total == 5
    assert sum(line.counts.total for line in response.context["by_standard"]) == 5
    assert "Zed Zinc" not in _names(response)


def test_a_coordinator_elsewhere_counts_only_theirs(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["coordinator elsewhere"])
    response = client.get(POLICE)
    assert _names(response) == {"Zed Zinc"}
    assert response.context["headline"].total == 1
    assert response.context["headline"].missing == 1


def test_a_clerk_counts_the_governors_not_the_staff(client: Client, cast: Cast) -> None:
    """On the school's page a clerk sees the board (and their own row), never the staff."""
    client.force_login(cast.users["clerk"])
    response = client.get(SCHOOL)
    assert _names(response) == {"Gil Green", "Cleo Clerk"}
    figures = response.context["headline"]
    assert (figures.total, figures.in_date, figures.missing) == (2, 1, 1)
    assert "Tia Teal" not in response.content.decode()
    teams = response.context["form"].fields["team"].queryset
    assert list(teams) == []


def test_a_coordinator_of_a_school_sees_staff_and_governors(client: Client, cast: Cast) -> None:
    """The coordinator rule covers the whole organisation, its governors included."""
    head = person(cast.school, "Hana Head", coordinator=True).user
    enrol_totp(head)
    client.force_login(head)
    response = client.get(SCHOOL)
    assert _names(response) == {"Gil Green", "Tia Teal", "Cleo Clerk", "Hana Head"}


def test_a_line_manager_counts_only_their_reports(client: Client, cast: Cast) -> None:
    """Morgan's figures hold his four reports: not Eve, not himself, not his colleagues."""
    client.force_login(cast.world.manager.user)
    response = client.get(TEAM)
    assert _names(response) == {"Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale"}
    assert response.context["headline"].total == 4


def test_a_line_manager_sees_reports_in_each_organisation_they_manage(
    client: Client, cast: Cast
) -> None:
    """Reports through another of the manager's memberships count too, with the organisation
    named."""
    manager_at_school = MembershipFactory.create(
        user=cast.world.manager.user, organisation=cast.school
    )
    person(cast.school, "Uma Umber", line_manager=manager_at_school)
    client.force_login(cast.world.manager.user)
    response = client.get(TEAM)
    assert "Uma Umber" in _names(response)
    assert response.context["show_organisation"]


def test_the_partnership_figures_count_everyone(client: Client, cast: Cast) -> None:
    client.force_login(cast.users["partnership team"])
    response = client.get(PARTNERSHIP)
    # Lewisham 5, the police 1, the school 3 (governor, staff, clerk).
    assert response.context["figures"].total.counts.total == 9
