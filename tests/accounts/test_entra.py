"""Sign-in with Microsoft Entra ID: keyed on tenant and object id, allow-listed, never by email.

Only Microsoft's HTTP endpoints are faked (the token endpoint and Graph's /me), at the point
where allauth sends its requests; everything of ours and allauth's runs for real.
"""

from __future__ import annotations

import json
import time
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from accounts.models import User
from organisations.models import Membership
from tests.accounts.conftest import ALLOWED_TENANT, ENTRA_CLIENT_ID
from tests.accounts.factories import InvitationFactory, UserFactory, enrol_totp
from tests.organisations.factories import EmailDomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

OBJECT_ID = "aaaaaaaa-0000-4000-8000-000000000001"
OTHER_TENANT = "99999999-8888-7777-6666-555555555555"
TOKEN_URL = "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
GRAPH_ME_URL = "https://graph.microsoft.com/v1.0/me"


def id_token(*, tid: str, oid: str, aud: str = ENTRA_CLIENT_ID) -> str:
    """An ID token as Microsoft's token endpoint issues it (unsigned checks: see the adapter)."""
    now = int(time.time())
    claims = {
        "iss": f"https://login.microsoftonline.com/{tid}/v2.0",
        "aud": aud,
        "tid": tid,
        "oid": oid,
        "sub": "pairwise-subject",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, "microsoft-signs-with-its-own-key", algorithm="HS256")


def json_response(data: dict[str, Any], status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers["content-type"] = "application/json; charset=utf-8"
    response._content = json.dumps(data).encode()
    return response


class FakeMicrosoft:
    """Answers allauth's requests to Microsoft; any other request fails the test."""

    def __init__(
        self,
        *,
        email: str | None = "sam.taylor@lewisham.example",
        tid: str = ALLOWED_TENANT,
        oid: str = OBJECT_ID,
        graph_id: str | None = None,
        given_name: str | None = "Sam",
        surname: str | None = "Taylor",
        aud: str = ENTRA_CLIENT_ID,
    ) -> None:
        self.token = {
            "token_type": "Bearer",
            "access_token": "graph-access-token",
            "expires_in": 3600,
            "id_token": id_token(tid=tid, oid=oid, aud=aud),
        }
        self.profile = {
            "id": graph_id or oid,
            "mail": email,
            "userPrincipalName": email,
            "givenName": given_name,
            "surname": surname,
        }
        self.requests: list[str] = []

    def __call__(self, session: Any, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.requests.append(f"{method} {url}")
        if method == "POST" and url == TOKEN_URL:
            assert kwargs["data"]["code"] == "code-from-microsoft"
            assert kwargs["data"]["client_id"] == ENTRA_CLIENT_ID
            return json_response(self.token)
        if method == "GET" and url == GRAPH_ME_URL:
            assert kwargs["headers"]["Authorization"] == "Bearer graph-access-token"
            return json_response(self.profile)
        raise AssertionError(f"unexpected request to {method} {url}")


def microsoft_sign_in(client, microsoft: FakeMicrosoft, *, process: str = "login"):
    """Press "Sign in with Microsoft", then come back from Microsoft with a code."""
    start = client.post(f"{reverse('entra_login')}?process={process}")
    assert start.status_code == 302, start
    authorize = urlparse(start.headers["Location"])
    assert authorize.netloc == "login.microsoftonline.com"
    assert authorize.path == "/organizations/oauth2/v2.0/authorize"
    query = parse_qs(authorize.query)
    assert "openid" in query["scope"][0].split()
    with mock.patch("requests.Session.request", autospec=True, side_effect=microsoft):
        return client.get(
            reverse("entra_callback"), {"code": "code-from-microsoft", "state": query["state"][0]}
        )


@pytest.fixture
def social_care():
    organisation = OrganisationFactory(name="Lewisham Children's Social Care")
    EmailDomainFactory(organisation=organisation, domain="lewisham.example")
    return organisation


def test_without_settings_there_is_no_microsoft_button(client):
    """When Entra is not configured the sign-in page does not offer Microsoft."""
    response = client.get(reverse("account_login"))
    assert b"Microsoft" not in response.content
    assert client.post(reverse("entra_login")).status_code == 404
    assert client.get(reverse("entra_callback")).status_code == 404


def test_with_settings_the_sign_in_page_offers_microsoft(client, entra_settings):
    """Configured, the sign-in page has a "Sign in with Microsoft" button that posts."""
    response = client.get(reverse("account_login"))
    assert b"Sign in with Microsoft" in response.content
    assert f'action="{reverse("entra_login")}?process=login"'.encode() in response.content


def test_new_person_gets_an_account_keyed_on_tenant_and_object_id(
    client, entra_settings, social_care
):
    """A first Microsoft sign-in creates the account, the membership, and signs in."""
    response = microsoft_sign_in(client, FakeMicrosoft())
    assert response.headers["Location"] == reverse("home")
    account = SocialAccount.objects.get(provider="entra")
    assert account.uid == f"{ALLOWED_TENANT}:{OBJECT_ID}"
    user = account.user
    assert (user.email, user.first_name, user.last_name) == (
        "sam.taylor@lewisham.example",
        "Sam",
        "Taylor",
    )
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert Membership.objects.get(user=user).organisation == social_care
    assert client.session["_auth_user_id"] == str(user.pk)


def test_uid_is_the_same_whatever_the_case_of_the_ids(client, entra_settings, social_care):
    """Microsoft's GUIDs in upper case find the same account."""
    microsoft_sign_in(client, FakeMicrosoft())
    client.post(reverse("account_logout"))
    microsoft_sign_in(client, FakeMicrosoft(tid=ALLOWED_TENANT.upper(), oid=OBJECT_ID.upper()))
    assert SocialAccount.objects.count() == 1
    assert User.objects.count() == 1


def test_returning_person_is_found_by_ids_not_email(client, entra_settings, social_care):
    """A connected person signs in even after their Microsoft email address changes."""
    microsoft_sign_in(client, FakeMicrosoft())
    user = User.objects.get()
    client.post(reverse("account_logout"))
    response = microsoft_sign_in(client, FakeMicrosoft(email="sam.new-name@lewisham.example"))
    assert response.headers["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert User.objects.count() == 1


def test_tenant_not_on_the_allow_list_is_refused(client, entra_settings, social_care):
    """Someone from another tenant gets a plain error page and no account."""
    response = microsoft_sign_in(client, FakeMicrosoft(tid=OTHER_TENANT))
    assert response.status_code == 401
    assert b"cannot be used to sign in to this service" in response.content
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_existing_account_with_the_same_email_is_never_joined(client, entra_settings, social_care):
    """A matching email address is not proof of identity: no link, no sign-in, instructions."""
    existing = UserFactory(email="sam.taylor@lewisham.example")
    response = microsoft_sign_in(client, FakeMicrosoft())
    assert response.status_code == 403
    assert b"You already have an account" in response.content
    assert b"Sign in with your email address and password" in response.content
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in client.session
    assert User.objects.get() == existing


def test_existing_secondary_address_also_blocks_sign_up(client, entra_settings, social_care):
    """An address held as a second address on another account counts as taken too."""
    existing = UserFactory(email="someone@lewisham.example")
    EmailAddress.objects.create(user=existing, email="sam.taylor@lewisham.example")
    response = microsoft_sign_in(client, FakeMicrosoft())
    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


def test_address_outside_the_partnership_is_refused(client, entra_settings, social_care):
    """The organisation rule applies: no invitation and no allowed domain, no account."""
    response = microsoft_sign_in(client, FakeMicrosoft(email="sam@elsewhere.example"))
    assert response.status_code == 403
    assert b"You cannot sign in with Microsoft" in response.content
    assert not User.objects.exists()


def test_invitation_gives_the_invited_membership(client, entra_settings):
    """Someone who followed an invitation and signs in with Microsoft at that address joins."""
    school = OrganisationFactory(school=True)
    invitation = InvitationFactory(
        email="sam.taylor@school.example",
        organisation=school,
        kind="governor",
        governor_category="parent",
    )
    client.get(invitation.get_absolute_url())
    response = microsoft_sign_in(client, FakeMicrosoft(email="sam.taylor@school.example"))
    assert response.headers["Location"] == reverse("home")
    membership = Membership.objects.get(user__email="sam.taylor@school.example")
    assert (membership.organisation, membership.kind) == (school, "governor")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_shared_domain_asks_which_organisation(client, entra_settings):
    """A shared domain brings the organisation question; the address stays Microsoft's."""
    hospital = OrganisationFactory(name="University Hospital Lewisham")
    mental_health = OrganisationFactory(name="South London and Maudsley")
    EmailDomainFactory(organisation=hospital, domain="nhs.example")
    EmailDomainFactory(organisation=mental_health, domain="nhs.example")
    response = microsoft_sign_in(client, FakeMicrosoft(email="sam@nhs.example"))
    assert response.headers["Location"] == reverse("socialaccount_signup")
    form_page = client.get(reverse("socialaccount_signup"))
    assert b"Which organisation do you work for?" in form_page.content
    assert b'name="email"' not in form_page.content
    response = client.post(
        reverse("socialaccount_signup"),
        {
            "first_name": "Sam",
            "last_name": "Taylor",
            "organisation": str(mental_health.pk),
            "email": "someone.else@nhs.example",
        },
    )
    assert response.headers["Location"] == reverse("home")
    user = User.objects.get()
    assert user.email == "sam@nhs.example"
    assert Membership.objects.get(user=user).organisation == mental_health
    assert SocialAccount.objects.get(user=user).uid == f"{ALLOWED_TENANT}:{OBJECT_ID}"


def test_missing_names_are_asked_for(client, entra_settings, social_care):
    """When Microsoft has no names for the person, the form asks for them."""
    response = microsoft_sign_in(client, FakeMicrosoft(given_name=None, surname=None))
    assert response.headers["Location"] == reverse("socialaccount_signup")
    response = client.post(
        reverse("socialaccount_signup"), {"first_name": "Sam", "last_name": "Taylor"}
    )
    assert response.headers["Location"] == reverse("home")
    assert User.objects.get().get_full_name() == "Sam Taylor"


@pytest.mark.parametrize(
    "microsoft",
    [
        FakeMicrosoft(graph_id="bbbbbbbb-0000-4000-8000-000000000002"),
        FakeMicrosoft(aud="someone-elses-app"),
    ],
    ids=["graph describes another account", "token for another app"],
)
def test_inconsistent_answers_from_microsoft_are_refused(
    client, entra_settings, social_care, microsoft
):
    """An ID token for another app, or a profile of another account, signs nobody in."""
    response = microsoft_sign_in(client, microsoft)
    assert response.status_code == 401
    assert b"You could not sign in with Microsoft" in response.content
    assert not User.objects.exists()


def test_person_with_an_authenticator_still_enters_a_code(client, entra_settings, social_care):
    """Signing in with Microsoft does not skip the authenticator app."""
    microsoft_sign_in(client, FakeMicrosoft())
    user = User.objects.get()
    enrol_totp(user)
    client.post(reverse("account_logout"))
    response = microsoft_sign_in(client, FakeMicrosoft())
    assert response.headers["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_signed_in_person_can_connect_microsoft(client, entra_settings, sign_in):
    """From their account, a person connects Microsoft, whatever its email address."""
    user = UserFactory(email="sam.personal@agency.example")
    sign_in(user.email)
    response = microsoft_sign_in(client, FakeMicrosoft(), process="connect")
    assert response.headers["Location"] == reverse("socialaccount_connections")
    assert SocialAccount.objects.get().user == user
    client.post(reverse("account_logout"))
    microsoft_sign_in(client, FakeMicrosoft())
    assert client.session["_auth_user_id"] == str(user.pk)


def test_connections_page_lists_the_connected_account(client, entra_settings, sign_in):
    """The account page shows the connection and offers to disconnect it."""
    user = UserFactory()
    sign_in(user.email)
    microsoft_sign_in(client, FakeMicrosoft(), process="connect")
    page = client.get(reverse("socialaccount_connections"))
    assert b"sam.taylor@lewisham.example" in page.content
    assert b"Disconnect" in page.content
    assert b"Connected" in client.get(reverse("accounts:profile")).content


def test_invitation_for_another_address_is_not_added_to_the_account(
    client, entra_settings, social_care
):
    """An invitation for another address is not added to a Microsoft sign-up."""
    invitation = InvitationFactory(email="sam.home@home.example")
    client.get(invitation.get_absolute_url())
    microsoft_sign_in(client, FakeMicrosoft())
    user = User.objects.get()
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "sam.taylor@lewisham.example"
    ]
    assert Membership.objects.get(user=user).organisation == social_care
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_microsoft_sign_in_page_is_a_govuk_page(client, entra_settings):
    """Opening the Microsoft sign-in link shows a GOV.UK page with a button, not a redirect."""
    from tests.accounts.html import page_title, parse

    response = client.get(reverse("entra_login"))
    assert response.status_code == 200
    page = parse(response.content)
    assert page.title == page_title("Sign in with Microsoft")
    assert page.inline_scripts == 0
