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


def test_home_lists_a_managers_direct_reports(client):
    """A line manager finds the people who report to them from the home page, and nobody else."""
    manager = MembershipFactory()
    report = MembershipFactory(organisation=manager.organisation, line_manager=manager)
    colleague = MembershipFactory(organisation=manager.organisation)
    client.force_login(manager.user)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "People who report to you" in body
    assert reverse("organisations:person", args=[report.organisation.slug, report.pk]) in body
    assert colleague.user.get_full_name() not in body


def test_home_query_count_does_not_grow_with_reports(client, django_assert_num_queries):
    """The home page costs the same number of queries for 2 reports as for 20."""
    manager = MembershipFactory()
    MembershipFactory.create_batch(2, organisation=manager.organisation, line_manager=manager)
    client.force_login(manager.user)
    client.get(reverse("home"))  # Wagtail caches the site's root paths on the first request.
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200
    MembershipFactory.create_batch(18, organisation=manager.organisation, line_manager=manager)
    with django_assert_num_queries(HOME_QUERIES):
        assert client.get(reverse("home")).status_code == 200


# Session and user, roles, the site and home page, the safeguarding contacts, the index pages,
# the person's memberships and reports, the organisations whose people they see, and the
# guides and procedures they are asked to read, and whether they visit or host for shadowing.
HOME_QUERIES = 20


@pytest.mark.parametrize(
    ("role", "sees_registers", "sees_charges"),
    [
        ("practitioner", False, False),
        ("trainer", True, False),
        ("coordinator", False, True),
        ("partnership_team", True, True),
    ],
)
def test_home_and_navigation_link_to_registers_and_charges_by_role(
    client, role, sees_registers, sees_charges
):
    """Only trainers and the partnership team are offered registers; only coordinators and the
    partnership team are offered charges."""
    from tests.accounts.factories import enrol_totp

    user = UserFactory(is_trainer=role == "trainer", is_partnership_team=role == "partnership_team")
    MembershipFactory(user=user, is_coordinator=role == "coordinator")
    if role != "practitioner":
        enrol_totp(user)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert (reverse("training:registers") in body) is sees_registers
    assert (reverse("training:charges") in body) is sees_charges
