"""The host's page and an organisation's page (shadowing/views/host.py): requests to answer,
checks still to do and which, confirmed visits by month, feedback to give, the opportunities;
an organisation's placements as home and as host; constant query counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from organisations.models import Organisation
from shadowing.enums import Status
from shadowing.models import Opportunity, Placement
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    HostFactory,
    OpportunityFactory,
    PlacementCheckFactory,
    agreement_condition,
    briefing_condition,
    dbs_condition,
    placement_in,
)
from tests.shadowing.test_views_placement import privileged

pytestmark = pytest.mark.django_db


def host_user(organisation: Organisation) -> User:
    return HostFactory.create(membership__organisation=organisation).membership.user


def test_the_host_page_shows_what_waits_for_the_host(client: Client) -> None:
    opportunity = OpportunityFactory.create(
        conditions=[dbs_condition(), agreement_condition(), briefing_condition()]
    )
    host = opportunity.organisation
    incoming = placement_in(Status.AWAITING_HOST, opportunity=opportunity)
    not_yet_approved = placement_in(Status.AWAITING_MANAGER, opportunity=opportunity)
    checks = placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)
    PlacementCheckFactory.create(placement=checks, condition=briefing_condition())
    confirmed = placement_in(
        Status.CONFIRMED, opportunity=OpportunityFactory.create(organisation=host)
    )
    elsewhere = placement_in(Status.AWAITING_HOST)
    client.force_login(host_user(host))
    response = client.get(reverse("shadowing:host"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.incoming == [incoming]
    assert not_yet_approved not in page.incoming
    assert elsewhere not in page.incoming
    assert [(c.placement, set(c.conditions)) for c in page.checks] == [
        (checks, {dbs_condition(), agreement_condition()})
    ]
    assert [(m.month, m.placements) for m in page.calendar] == [
        (confirmed.visit_date.replace(day=1), [confirmed])
    ]
    assert set(page.opportunities) == set(Opportunity.objects.filter(organisation=host))
    assert confirmed.visit_date.strftime("%B %Y") in response.content.decode()


def test_visits_are_grouped_by_month_in_date_order(client: Client) -> None:
    host = OrganisationFactory.create()
    today = timezone.localdate()
    days = [today + timedelta(days=d) for d in (70, 20, 25)]
    placements = []
    for day in days:
        opportunity = OpportunityFactory.create(organisation=host, offered_dates=[day])
        placements.append(placement_in(Status.CONFIRMED, opportunity=opportunity))
    client.force_login(host_user(host))
    calendar = client.get(reverse("shadowing:host")).context["page"].calendar
    flat = [p.visit_date for month in calendar for p in month.placements]
    assert flat == sorted(days)
    assert [m.month for m in calendar] == sorted({d.replace(day=1) for d in days})


def test_the_supervisor_is_asked_for_feedback_once(client: Client) -> None:
    """A supervisor who is not marked as a host still gets the page, with their feedback."""
    to_give = placement_in(Status.AWAITING_REFLECTION)
    supervisor = to_give.supervisor
    given = placement_in(
        Status.COMPLETED,
        opportunity=OpportunityFactory.create(
            organisation=supervisor.organisation, supervisor=supervisor
        ),
    )
    Placement.objects.filter(pk=given.pk).update(supervisor_feedback="Thanks.")
    client.force_login(supervisor.user)
    page = client.get(reverse("shadowing:host")).context["page"]
    assert page.feedback == [to_give]
    assert page.organisations == []


def test_someone_who_neither_hosts_nor_supervises_gets_a_404(client: Client) -> None:
    client.force_login(MembershipFactory.create().user)
    assert client.get(reverse("shadowing:host")).status_code == 404


def test_the_host_page_makes_the_same_queries_for_3_and_15_placements(
    client: Client, django_assert_num_queries: Any
) -> None:
    opportunity = OpportunityFactory.create(conditions=[dbs_condition(), briefing_condition()])
    host = opportunity.organisation
    statuses = [Status.AWAITING_HOST, Status.AWAITING_CHECKS, Status.AWAITING_REFLECTION]

    def add(count: int) -> None:
        for index in range(count):
            other = OpportunityFactory.create(
                organisation=host,
                supervisor=opportunity.supervisor,
                conditions=[dbs_condition(), briefing_condition()],
            )
            placement = placement_in(statuses[index % 3], opportunity=other)
            if placement.status == Status.AWAITING_CHECKS:
                PlacementCheckFactory.create(placement=placement, condition=briefing_condition())

    add(3)
    client.force_login(opportunity.supervisor.user)
    HostFactory.create(membership=opportunity.supervisor)
    client.get(reverse("shadowing:host"))
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("shadowing:host"))
    add(12)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(reverse("shadowing:host"))
    page = response.context["page"]
    assert (len(page.incoming), len(page.checks), len(page.feedback)) == (5, 5, 5)


def test_the_organisation_page_shows_its_placements_as_home_and_as_host(client: Client) -> None:
    away = placement_in(Status.CONFIRMED)
    organisation = away.home_organisation
    hosted = placement_in(
        Status.AWAITING_HOST, opportunity=OpportunityFactory.create(organisation=organisation)
    )
    unapproved = placement_in(
        Status.AWAITING_MANAGER, opportunity=OpportunityFactory.create(organisation=organisation)
    )
    coordinator = privileged(
        MembershipFactory.create(organisation=organisation, coordinator=True).user
    )
    client.force_login(coordinator)
    response = client.get(reverse("shadowing:organisation", kwargs={"slug": organisation.slug}))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.as_home == [away]
    # A request its line manager has not approved is not yet the host's business.
    assert page.as_host == [hosted]
    assert unapproved not in page.as_host
    other = OrganisationFactory.create()
    assert (
        client.get(reverse("shadowing:organisation", kwargs={"slug": other.slug})).status_code
        == 404
    )
