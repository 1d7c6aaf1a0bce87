"""Who may open which shadowing page: every role to one placement (and some with none) by
every page, with the status each gets. A 404 says nothing of whether the thing exists."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from shadowing.enums import Status
from shadowing.models import Placement
from tests.shadowing.factories import OpportunityFactory, ReflectionFactory, placement_in
from tests.shadowing.test_views_placement import Cast, cast_for

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor",
    "line_manager",
    "home_coordinator",
    "host_coordinator",
    "marked_host",
    "supervisor",
    "unrelated",
    "other_coordinator",
    "team",
]


def _reflection_shown(client: Client, cast: Cast) -> int:
    """200 when the reflection's text is on the page, 204 (say) when the page opens without it,
    404 when the page does not open."""
    response = client.get(cast.placement.get_absolute_url())
    if response.status_code != 200:
        return response.status_code
    text = cast.placement.reflection.surprised_me
    return 200 if text in response.content.decode() else 204


def _ics_of_someone_else(client: Client, cast: Cast) -> int:
    """A calendar file of a placement the viewer has no part in."""
    theirs = placement_in(Status.CONFIRMED, opportunity=OpportunityFactory.create())
    return client.get(reverse("shadowing:placement_ics", kwargs={"pk": theirs.pk})).status_code


PAGES: dict[str, Callable[[Client, Cast], int]] = {
    "placement": lambda c, w: c.get(w.placement.get_absolute_url()).status_code,
    "reflection": _reflection_shown,
    "approvals": lambda c, w: c.get(reverse("shadowing:approvals")).status_code,
    "host": lambda c, w: c.get(reverse("shadowing:host")).status_code,
    "organisation": lambda c, w: (
        c.get(
            reverse("shadowing:organisation", kwargs={"slug": w.placement.home_organisation.slug})
        ).status_code
    ),
    "partnership": lambda c, w: c.get(reverse("shadowing:partnership")).status_code,
    "export": lambda c, w: (
        c.get(reverse("shadowing:partnership_export", kwargs={"fmt": "csv"})).status_code
    ),
    "ics not yours": _ics_of_someone_else,
}

# role: placement, reflection, approvals, host, organisation (home), partnership, export, ics
EXPECTED: dict[str, tuple[int, ...]] = {
    "visitor": (200, 200, 200, 404, 404, 404, 404, 404),
    "line_manager": (200, 200, 200, 404, 404, 404, 404, 404),
    "home_coordinator": (200, 204, 200, 200, 200, 404, 404, 404),
    "host_coordinator": (200, 204, 200, 200, 404, 404, 404, 404),
    "marked_host": (200, 204, 200, 200, 404, 404, 404, 404),
    "supervisor": (200, 200, 200, 200, 404, 404, 404, 404),
    "unrelated": (404, 404, 200, 404, 404, 404, 404, 404),
    "other_coordinator": (404, 404, 200, 200, 404, 404, 404, 404),
    "team": (200, 204, 200, 404, 200, 200, 200, 404),
}


@pytest.fixture
def cast() -> Cast:
    reflection = ReflectionFactory.create()
    return cast_for(reflection.placement)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_it_should_on_every_page(client: Client, cast: Cast, role: str) -> None:
    client.force_login(getattr(cast, role))
    got = tuple(check(client, cast) for check in PAGES.values())
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, EXPECTED[role], strict=True))


@pytest.mark.parametrize("page", ["placement", "approvals", "host", "partnership", "export"])
def test_someone_signed_out_is_sent_to_sign_in(client: Client, cast: Cast, page: str) -> None:
    assert PAGES[page](client, cast) == 302


def test_a_request_not_yet_approved_is_not_the_hosts_business(client: Client) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    cast = cast_for(placement)
    for role, status in [("marked_host", 404), ("host_coordinator", 404), ("visitor", 200)]:
        client.force_login(getattr(cast, role))
        assert client.get(placement.get_absolute_url()).status_code == status, role
    assert Placement.objects.get(pk=placement.pk).status == Status.AWAITING_MANAGER
