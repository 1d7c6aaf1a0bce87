"""The home page and the account overview."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_home_offers_sign_in(client):
    """Someone not signed in sees what the service is and how to sign in."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Sign in" in response.content
    assert b"call 999" in response.content


def test_home_lists_organisations_and_roles(client):
    """A signed-in person sees each organisation they belong to and their roles there."""
    membership = MembershipFactory(organisation__name="Lewisham Children's Social Care")
    membership.job_role = None
    client.force_login(membership.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Lewisham Children&#x27;s Social Care" in response.content.decode()


def test_home_of_practitioner_does_not_link_to_people(client):
    """A practitioner is not offered the people pages they may not open."""
    user = UserFactory()
    MembershipFactory(user=user)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert reverse("organisations:index").encode() not in response.content
