"""Joining by invitation: new people sign up with the invited address, others sign in first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.adapters import INVITATION_SESSION_KEY
from accounts.forms import NOT_IN_PARTNERSHIP
from accounts.models import Invitation, User
from organisations.models import Membership
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.organisations.factories import EmailDomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def signup_data(email: str, **extra: str) -> dict[str, str]:
    return {
        "first_name": "Grace",
        "last_name": "Okafor",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


@pytest.fixture
def invitation():
    """A governor invitation to a school whose domain is not a partnership domain."""
    school = OrganisationFactory(name="Brockley Primary School", school=True)
    return InvitationFactory(
        email="grace.okafor@home.example",
        first_name="Grace",
        last_name="Okafor",
        organisation=school,
        kind="governor",
        governor_category="parent",
    )


def test_new_person_is_sent_to_sign_up_with_the_invited_address(client, invitation):
    """Following the link leads to sign-up, with the address and names filled in."""
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302
    signup = client.get(response.headers["Location"])
    form = signup.context["form"]
    assert form["email"].value() == "grace.okafor@home.example"
    assert form["first_name"].value() == "Grace"
    assert form["last_name"].value() == "Okafor"
    assert client.session[INVITATION_SESSION_KEY] == invitation.token


def test_invited_sign_up_gets_the_invited_membership_and_is_verified(
    client, invitation, django_capture_on_commit_callbacks
):
    """An invited sign-up is signed in at once, verified, with the invitation's membership."""
    client.get(invitation.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data(invitation.email))
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
    user = User.objects.get(email=invitation.email)
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.kind, membership.governor_category) == (
        invitation.organisation,
        "governor",
        "parent",
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.membership == membership
    assert mail.outbox == []
    assert INVITATION_SESSION_KEY not in client.session


def test_invitation_counts_only_for_the_invited_address(client, invitation):
    """Another address outside the partnership's domains is refused, invitation or not."""
    client.get(invitation.get_absolute_url())
    response = client.post(reverse("account_signup"), signup_data("someone.else@home.example"))
    assert response.status_code == 200
    assert NOT_IN_PARTNERSHIP in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.exists()


def test_domain_address_in_an_invited_browser_still_needs_confirming(
    client, invitation, django_capture_on_commit_callbacks
):
    """Signing up with a domain address after following an invitation is a domain sign-up."""
    organisation = OrganisationFactory()
    EmailDomainFactory(organisation=organisation, domain="agency.example")
    client.get(invitation.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data("grace@agency.example"))
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="grace@agency.example")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("grace@agency.example", False)
    ]
    assert Membership.objects.get(user=user).organisation == organisation
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_existing_person_is_asked_to_sign_in_then_accepts(client, invitation, sign_in):
    """Someone with an account signs in, then confirms on the invitation page."""
    user = UserFactory(email=invitation.email)
    response = client.get(invitation.get_absolute_url())
    login_url = response.headers["Location"]
    assert login_url.startswith(reverse("account_login"))
    assert "next=" in login_url
    response = sign_in(user.email, next=invitation.get_absolute_url())
    assert response.headers["Location"] == invitation.get_absolute_url()
    page = client.get(invitation.get_absolute_url())
    assert b"Join Brockley Primary School" in page.content
    assert not Membership.objects.filter(user=user).exists()
    response = client.post(invitation.get_absolute_url())
    assert response.headers["Location"] == reverse("home")
    assert Membership.objects.get(user=user).organisation == invitation.organisation


def test_looking_at_an_invitation_does_not_accept_it(client, invitation):
    """Only the button accepts: a link checker or preview that opens the page changes nothing."""
    user = UserFactory(email=invitation.email)
    client.force_login(user)
    client.get(invitation.get_absolute_url())
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_for_someone_else_is_refused(client, invitation):
    """A person signed in with another address cannot take someone else's invitation."""
    client.force_login(UserFactory(email="other@home.example"))
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 403
    assert not Membership.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"revoked_at": timezone.now()},
        {"accepted_at": timezone.now()},
    ],
    ids=["expired", "revoked", "used"],
)
def test_unusable_invitation_explains_itself(client, invitation, change):
    """An expired, withdrawn or used invitation says it cannot be used, and starts nothing."""
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 404
    assert b"This invitation cannot be used" in response.content
    assert INVITATION_SESSION_KEY not in client.session


def test_invitation_link_with_a_wrong_token_is_not_found(client):
    """A guessed or mistyped link finds nothing."""
    response = client.get(reverse("accounts:invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 404
