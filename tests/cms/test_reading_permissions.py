"""Who may open the published-guides pages and confirm reading a guide, role by role.

The guides pages show people's reading, so they follow `organisations.permissions`:
coordinators see their own organisation, the partnership team every organisation, nobody else
anything (a 404, never a 403). Anyone signed in may confirm reading any guide.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cms.models import Acknowledgement
from tests.accounts.factories import UserFactory, enrol_totp
from tests.cms import factories
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a redirect to sign in
BACK = "back"  # confirmed: a redirect back to the guide

PAGES = ("overview", "organisation_a", "organisation_b", "acknowledge_a")

# role: (overview, organisation A's page, organisation B's page, confirm A's guide)
MATRIX = {
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN),
    "practitioner": (404, 404, 404, BACK),
    "line_manager": (404, 404, 404, BACK),
    "clerk": (404, 404, 404, BACK),
    "coordinator_a": (200, 200, 404, BACK),
    "coordinator_b": (200, 404, 200, BACK),
    "web_editor_a": (404, 404, 404, BACK),
    "trainer": (404, 404, 404, BACK),
    "partnership_team": (200, 200, 200, BACK),
}


def _viewer(role: str, a: Any, b: Any) -> Any:
    """A signed-in person holding `role` (None for anonymous); privileged roles have MFA."""
    if role == "anonymous":
        return None
    if role == "practitioner":
        return MembershipFactory(organisation=a).user
    if role == "line_manager":
        manager = MembershipFactory(organisation=a)
        MembershipFactory(organisation=a, line_manager=manager)
        return manager.user
    user: Any
    if role == "clerk":
        user = MembershipFactory(organisation=a, clerk=True).user
    elif role == "coordinator_a":
        user = MembershipFactory(organisation=a, coordinator=True).user
    elif role == "coordinator_b":
        user = MembershipFactory(organisation=b, coordinator=True).user
    elif role == "web_editor_a":
        user = MembershipFactory(organisation=a, web_editor=True).user
    elif role == "trainer":
        user = UserFactory(trainer=True)
    else:
        user = UserFactory(partnership_team=True)
    enrol_totp(user)
    return user


@pytest.mark.parametrize(
    ("role", "page", "expected"),
    [(role, page, row[i]) for role, row in MATRIX.items() for i, page in enumerate(PAGES)],
)
def test_who_may_open_what(client: Client, role: str, page: str, expected: Any) -> None:
    # A school, so that a clerk there is a real clerk with a governing board.
    a = OrganisationFactory(school=True)
    b = OrganisationFactory()
    guide = factories.guide_page(factories.organisation_page(a))
    factories.guide_page(factories.organisation_page(b))
    MembershipFactory(organisation=a)
    MembershipFactory(organisation=b)
    user = _viewer(role, a, b)
    if user is not None:
        client.force_login(user)

    if page == "acknowledge_a":
        response = client.post(reverse("cms:acknowledge", args=[guide.pk]), {"confirmed": "yes"})
    else:
        url = {
            "overview": reverse("cms:guides_overview"),
            "organisation_a": reverse("cms:organisation_guides", args=[a.slug]),
            "organisation_b": reverse("cms:organisation_guides", args=[b.slug]),
        }[page]
        response = client.get(url)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("account_login"))
    elif expected == BACK:
        assert response.status_code == 302
        assert response.headers["Location"] == guide.url
        assert Acknowledgement.objects.filter(user=user, page_id=guide.pk).exists()
    else:
        assert response.status_code == expected
