"""The visitor's pages: the catalogue, an opportunity (a 404 when unpublished, but for its
hosts), the request form (what it shows, errors that keep what was typed, refusals, a return
visit), and the home page's and My training's links to shadowing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from organisations.enums import Sector
from organisations.models import Membership
from shadowing.enums import Status
from shadowing.models import Opportunity, Placement, ReturnInvitation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    HostFactory,
    OpportunityFactory,
    agreement_condition,
    dbs_condition,
    placement_in,
    visitor_membership,
)

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("shadowing:catalogue")
MINE = reverse("shadowing:mine")
GOALS = "How the MASH decides what happens to a referral from the police."


def _request_url(opportunity: Opportunity) -> str:
    return reverse("shadowing:request", args=[opportunity.pk])


def _signed_in(client: Client, membership: Membership) -> Client:
    client.force_login(membership.user)
    return client


def _weekday(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _saturday(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def _date_post(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


@pytest.fixture
def visitor() -> Membership:
    return visitor_membership()


# Who may open the pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["catalogue", "mine", "opportunity", "request"])
def test_the_pages_ask_people_to_sign_in(client: Client, name: str) -> None:
    args = [OpportunityFactory().pk] if name in {"opportunity", "request"} else []
    response = client.get(reverse(f"shadowing:{name}", args=args))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_an_unpublished_opportunity_is_not_found_but_by_its_hosts(
    client: Client, visitor: Membership
) -> None:
    opportunity = OpportunityFactory(is_published=False)
    host = HostFactory(membership=MembershipFactory(organisation=opportunity.organisation))

    for url in (opportunity.get_absolute_url(), _request_url(opportunity)):
        assert _signed_in(client, visitor).get(url).status_code == 404
    client.logout()
    response = _signed_in(client, host.membership).get(opportunity.get_absolute_url())
    assert response.status_code == 200
    assert "only its hosts can see it" in response.content.decode()


# The catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_shows_each_opportunity_its_places_and_who_may_ask(
    client: Client, visitor: Membership
) -> None:
    today = timezone.localdate()
    open_one = OpportunityFactory(title="A day in the MASH", offered_dates=[today + timedelta(30)])
    schools = OpportunityFactory(title="A day in a school", eligible_sectors=[Sector.SCHOOL])

    response = _signed_in(client, visitor).get(CATALOGUE)

    body = response.content.decode()
    assert response.status_code == 200
    assert open_one.get_absolute_url() in body
    assert f"{today + timedelta(30):%A %-d %B %Y}: 1 place left" in body
    assert "Open to you" in body
    assert schools.get_absolute_url() in body
    assert "This opportunity is open to staff of school organisations only." in body


def test_the_catalogue_filters_by_sector_and_keeps_the_choice(
    client: Client, visitor: Membership
) -> None:
    OpportunityFactory(title="Custody suite")  # Children's social care host.

    police = OpportunityFactory(
        title="Public protection unit", organisation=OrganisationFactory(sector=Sector.POLICE)
    )

    response = _signed_in(client, visitor).get(CATALOGUE, {"sector": Sector.POLICE})

    assert [row.opportunity for row in response.context["rows"]] == [police]
    assert f'<option value="{Sector.POLICE}" selected>' in response.content.decode()


def test_a_bad_date_in_the_filters_is_shown_not_a_crash(
    client: Client, visitor: Membership
) -> None:
    OpportunityFactory()
    response = _signed_in(client, visitor).get(
        CATALOGUE, {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2027"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert len(response.context["rows"]) == 1


# The request form -------------------------------------------------------------------------------


def test_the_form_offers_dates_with_places_and_says_what_to_expect(
    client: Client, visitor: Membership
) -> None:
    today = timezone.localdate()
    full_day, free_day = today + timedelta(30), today + timedelta(45)
    opportunity = OpportunityFactory(
        offered_dates=[full_day, free_day],
        conditions=[dbs_condition(), agreement_condition()],
        other_conditions="Wear your staff badge at all times.",
    )
    placement_in(Status.CONFIRMED, opportunity=opportunity)  # Takes the first date's place.

    response = _signed_in(client, visitor).get(_request_url(opportunity))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Do not write anything that could identify a child or family." in body
    assert "Enhanced DBS check confirmed" in body
    assert "Confidentiality agreement signed" in body
    assert "Wear your staff badge at all times." in body
    assert escape(opportunity.not_included) in body
    free = opportunity.dates.get(date=free_day)
    assert f'value="{free.pk}"' in body
    assert f"{free_day:%A %-d %B %Y} (1 place left)" in body
    assert f"{full_day:%A %-d %B %Y}" not in body


def test_sending_the_form_makes_the_request_and_goes_to_my_shadowing(
    client: Client, visitor: Membership
) -> None:
    opportunity = OpportunityFactory()
    chosen = opportunity.dates.last()

    response = _signed_in(client, visitor).post(
        _request_url(opportunity),
        {"requested_date": chosen.pk, "learning_goals": GOALS},
        follow=True,
    )

    placement = Placement.objects.get()
    assert response.redirect_chain == [(MINE, 302)]
    assert "Your request has been sent to your line manager to approve." in (
        response.content.decode()
    )
    assert placement.visitor == visitor
    assert placement.requested_date == chosen
    assert placement.learning_goals == GOALS
    assert placement.status == Status.AWAITING_MANAGER


def test_an_error_is_summarised_and_keeps_what_was_typed(
    client: Client, visitor: Membership
) -> None:
    opportunity = OpportunityFactory()

    response = _signed_in(client, visitor).post(
        _request_url(opportunity), {"learning_goals": GOALS}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'href="#id_requested_date_0">Choose the date you would like to visit.' in body
    assert escape(GOALS) in body
    assert not Placement.objects.exists()


def test_by_arrangement_up_to_three_dates_are_proposed(client: Client, visitor: Membership) -> None:
    opportunity = OpportunityFactory(by_arrangement=True)
    first, second = _weekday(20), _weekday(40)

    response = _signed_in(client, visitor).post(
        _request_url(opportunity),
        {
            **_date_post("proposed_date_1", first),
            **_date_post("proposed_date_3", second),
            "learning_goals": GOALS,
        },
    )

    assert response.status_code == 302
    assert Placement.objects.get().proposed_dates == [first.isoformat(), second.isoformat()]


def test_a_weekend_date_is_refused_and_every_date_typed_is_kept(
    client: Client, visitor: Membership
) -> None:
    opportunity = OpportunityFactory(by_arrangement=True)
    saturday, weekday = _saturday(20), _weekday(30)

    response = _signed_in(client, visitor).post(
        _request_url(opportunity),
        {
            **_date_post("proposed_date_1", saturday),
            **_date_post("proposed_date_2", weekday),
            "learning_goals": GOALS,
        },
    )

    body = response.content.decode()
    assert "Each date must be a weekday (Monday to Friday)." in body
    assert f'name="proposed_date_1_day" type="text" inputmode="numeric" value="{saturday.day}"' in (
        body
    )
    assert f'name="proposed_date_2_day" type="text" inputmode="numeric" value="{weekday.day}"' in (
        body
    )
    assert escape(GOALS) in body
    assert not Placement.objects.exists()


def test_someone_who_may_not_ask_is_told_why_and_cannot_send(client: Client) -> None:
    opportunity = OpportunityFactory()
    colleague = visitor_membership(organisation=opportunity.organisation)
    chosen = opportunity.dates.first()

    page = _signed_in(client, colleague).get(_request_url(opportunity))
    sent = client.post(
        _request_url(opportunity), {"requested_date": chosen.pk, "learning_goals": GOALS}
    )

    assert "You cannot shadow your own organisation." in page.content.decode()
    assert 'name="learning_goals"' not in page.content.decode()
    assert sent.status_code == 200
    assert not Placement.objects.exists()


def test_a_return_visit_is_asked_for_from_the_invitation(client: Client) -> None:
    """From My shadowing's link (?return=), through the catalogue and the opportunity, the
    request records the placement it returns, made by the member invited."""
    first = placement_in(Status.COMPLETED)
    invited = visitor_membership(organisation=first.host_organisation)
    ReturnInvitation.objects.create(
        placement=first, invited_visitor=invited, invited_at=timezone.now()
    )
    opportunity = OpportunityFactory(organisation=first.home_organisation)
    query = f"?return={first.pk}"
    _signed_in(client, invited)

    listing = client.get(
        f"{CATALOGUE}?organisation={opportunity.organisation_id}&return={first.pk}"
    )
    detail = client.get(opportunity.get_absolute_url() + query)
    sent = client.post(
        _request_url(opportunity) + query,
        {"requested_date": opportunity.dates.first().pk, "learning_goals": GOALS},
    )

    assert opportunity.get_absolute_url() + query in listing.content.decode()
    assert escape(_request_url(opportunity) + query) in detail.content.decode()
    assert sent.status_code == 302
    placement = Placement.objects.get(opportunity=opportunity)
    assert placement.reciprocal_of == first
    assert placement.visitor == invited


def test_a_return_query_for_someone_else_is_ignored(client: Client, visitor: Membership) -> None:
    first = placement_in(Status.COMPLETED)
    ReturnInvitation.objects.create(
        placement=first,
        invited_visitor=visitor_membership(organisation=first.host_organisation),
        invited_at=timezone.now(),
    )
    opportunity = OpportunityFactory(organisation=first.home_organisation)

    _signed_in(client, visitor).post(
        _request_url(opportunity) + f"?return={first.pk}",
        {"requested_date": opportunity.dates.first().pk, "learning_goals": GOALS},
    )

    assert Placement.objects.get(opportunity=opportunity).reciprocal_of is None


# Home page and My training ----------------------------------------------------------------------


def _home(client: Client, user: Any) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_the_home_page_offers_shadowing_to_staff(client: Client, visitor: Membership) -> None:
    body = _home(client, visitor.user)
    assert f'href="{CATALOGUE}">Find a shadowing opportunity' in body
    assert f'href="{MINE}">My shadowing' in body
    assert reverse("shadowing:host") not in body
    assert reverse("shadowing:partnership") not in body
    assert reverse("shadowing:approvals") not in body


def test_the_home_page_offers_hosting_to_hosts(client: Client) -> None:
    host = HostFactory()
    body = _home(client, host.membership.user)
    assert f'href="{reverse("shadowing:host")}">Hosting visitors' in body


def test_the_home_page_offers_line_managers_the_requests_to_approve(
    client: Client, visitor: Membership
) -> None:
    approvals = reverse("shadowing:approvals")
    assert approvals not in _home(client, visitor.user)
    manager = visitor.line_manager
    assert manager is not None
    assert f'href="{approvals}">Answer requests to shadow' in _home(client, manager.user)


def test_the_home_page_offers_the_partnership_view_to_the_team(client: Client) -> None:
    team = UserFactory(partnership_team=True)
    enrol_totp(team)
    body = _home(client, team)
    assert f'href="{reverse("shadowing:partnership")}">Shadowing across the partnership' in body
    assert "Find a shadowing opportunity" not in body  # No staff membership to visit through.


def test_a_governor_is_not_offered_shadowing(client: Client) -> None:
    governor = MembershipFactory(governor=True)
    body = _home(client, governor.user)
    assert "Find a shadowing opportunity" not in body
    assert f'href="{MINE}"' not in body


def test_my_training_sums_up_shadowing(client: Client, visitor: Membership) -> None:
    placement_in(Status.AWAITING_MANAGER, visitor=visitor)
    placement_in(Status.AWAITING_REFLECTION, visitor=visitor)
    placement_in(Status.COMPLETED, visitor=visitor)
    placement_in(
        Status.COMPLETED, visitor=visitor, opportunity=OpportunityFactory(cpd_hours=Decimal("3.5"))
    )

    client.force_login(visitor.user)
    body = client.get(reverse("compliance:my_training")).content.decode()

    section = body.split('id="shadowing"')[1]
    assert (
        'Requests and visits to come</dt>\n    <dd class="govuk-summary-list__value">1' in section
    )
    assert 'Reflections to write</dt>\n    <dd class="govuk-summary-list__value">1' in section
    assert "2, 10.5 CPD hours in all" in section
    assert f'href="{MINE}"' in section


def test_my_training_has_no_shadowing_section_before_any_request(
    client: Client, visitor: Membership
) -> None:
    client.force_login(visitor.user)
    assert 'id="shadowing"' not in client.get(reverse("compliance:my_training")).content.decode()
