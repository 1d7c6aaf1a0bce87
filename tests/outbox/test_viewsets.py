"""The outbox in Wagtail's admin: the partnership team sees what was emailed and whether it
went, never an email's text, and cannot change anything."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import NoReverseMatch, reverse
from post_office.models import Email
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from outbox.services import outbox_send
from tests.accounts.factories import enrol_totp
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

RESET_LINK = "https://hub.partnership.example/accounts/password/reset/key/secret-key/"


@pytest.fixture
def refused_email(mail_server_down: Callable[[str], None]) -> Email:
    """A password reset the mail server refused once."""
    EmailMessage("Reset your password", f"Follow {RESET_LINK}\n", to=["pat@agency.example"]).send()
    outbox_send()
    return Email.objects.get()


def test_partnership_team_sees_each_email_and_why_it_failed(
    client: Client, team_member: User, refused_email: Email
) -> None:
    """The list and an email's page show who it was for, its state and each attempt's error,
    but not its text, which holds a password-reset link."""
    client.force_login(team_member)

    listing = client.get(reverse("outbox:index"))
    assertContains(listing, "Reset your password")
    assertContains(listing, "pat@agency.example")
    assertContains(listing, "requeued")

    page = client.get(reverse("outbox:inspect", args=[refused_email.pk]))
    assertContains(page, "pat@agency.example")
    assertContains(page, "ConnectionRefusedError")
    assertNotContains(page, "secret-key")
    assertNotContains(listing, "secret-key")
    assertNotContains(page, reverse("wagtailadmin_home") + "outbox/edit/")


def test_the_outbox_has_no_pages_to_change_it() -> None:
    """No add, edit or delete page exists, whoever asks."""
    for name in ("add", "edit", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"outbox:{name}", args=[] if name == "add" else [1])


def test_only_the_partnership_team_sees_the_outbox(client: Client, refused_email: Email) -> None:
    """A coordinator, who may reach other parts of the admin, is refused."""
    coordinator = MembershipFactory(coordinator=True).user
    enrol_totp(coordinator)
    client.force_login(coordinator)

    for url in (reverse("outbox:index"), reverse("outbox:inspect", args=[refused_email.pk])):
        response = client.get(url)
        assert response.status_code in {302, 403}
