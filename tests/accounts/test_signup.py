"""Creating an account with a work email address on an organisation's allowed domain."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.forms import CHOOSE_ORGANISATION, NOT_IN_PARTNERSHIP
from accounts.models import User
from organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.accounts.html import parse
from tests.organisations.factories import EmailDomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def signup_data(email: str, **extra: str) -> dict[str, str]:
    return {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


@pytest.fixture
def social_care():
    organisation = OrganisationFactory(name="Lewisham Children's Social Care")
    EmailDomainFactory(organisation=organisation, domain="lewisham.example")
    return organisation


@pytest.fixture
def shared_domain():
    """Two NHS bodies whose staff both use nhs.example addresses."""
    hospital = OrganisationFactory(name="University Hospital Lewisham")
    mental_health = OrganisationFactory(name="South London and Maudsley")
    EmailDomainFactory(organisation=hospital, domain="nhs.example")
    EmailDomainFactory(organisation=mental_health, domain="nhs.example")
    return hospital, mental_health


def test_signup_page_asks_for_names_email_and_password(client):
    """The form asks for first and last name, work email and a new password, each labelled."""
    response = client.get(reverse("account_signup"))
    page = parse(response.content)
    assert [field["name"] for field in page.inputs if field.get("type") != "hidden"] == [
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
    ]
    assert page.input_named("email")["autocomplete"] == "email"
    assert page.input_named("password1")["autocomplete"] == "new-password"
    assert page.input_named("first_name")["autocomplete"] == "given-name"
    assert page.unlabelled_inputs() == []


def test_signup_page_has_no_honeypot_with_inline_style(client):
    """No hidden trap field: allauth's honeypot needs an inline style our CSP forbids."""
    response = client.get(reverse("account_signup"))
    assert b"style=" not in response.content
    assert getattr(settings, "ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD", None) is None


def test_domain_signup_creates_account_and_membership(
    client, social_care, django_capture_on_commit_callbacks
):
    """An address on an organisation's domain gets an account and staff membership there."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"), signup_data("Priya.Shah@Lewisham.example")
        )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="priya.shah@lewisham.example")
    assert (user.first_name, user.last_name) == ("Priya", "Shah")
    membership = Membership.objects.get(user=user)
    assert membership.organisation == social_care
    assert membership.kind == "staff"


def test_domain_signup_must_confirm_email_before_signing_in(
    client, social_care, django_capture_on_commit_callbacks
):
    """A domain sign-up is not signed in, and gets an email to confirm the address."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data("priya@lewisham.example"))
    assert "_auth_user_id" not in client.session
    assert not EmailAddress.objects.get(email="priya@lewisham.example").verified
    [message] = mail.outbox
    assert message.to == ["priya@lewisham.example"]
    assert message.subject == "Confirm your email address to finish creating your account"
    assert settings.PARTNERSHIP_NAME in message.body
    assert "example.com" not in message.body


def test_confirming_the_email_finishes_sign_up(
    client, social_care, django_capture_on_commit_callbacks
):
    """Following the link in the email and confirming verifies the address and signs in."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data("priya@lewisham.example"))
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    page = client.get(path)
    assert b"Confirm your email address" in page.content
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="priya@lewisham.example").verified
    assert client.get(reverse("home")).context["user"].email == "priya@lewisham.example"


def test_unconfirmed_person_cannot_sign_in(
    client, social_care, sign_in, django_capture_on_commit_callbacks
):
    """Until the address is confirmed, signing in only sends the confirmation email again."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data("priya@lewisham.example"))
    client.logout()
    response = sign_in("priya@lewisham.example", NEW_PASSWORD)
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("someone@gmail.example", NOT_IN_PARTNERSHIP),
        ("someone@lewisham.example.evil", NOT_IN_PARTNERSHIP),
        ("someone@sub.lewisham.example", NOT_IN_PARTNERSHIP),
    ],
)
def test_address_outside_the_partnership_is_refused(client, social_care, email, error):
    """Only an organisation's exact domains count; nothing is created for any other address."""
    response = client.post(reverse("account_signup"), signup_data(email))
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert parse(response.content).title.startswith("Error: ")
    assert not User.objects.exists()


def test_shared_domain_asks_which_organisation(client, shared_domain):
    """An address on a shared domain brings up the organisation question, with only its owners."""
    response = client.post(reverse("account_signup"), signup_data("sam@nhs.example"))
    assert response.status_code == 200
    assert CHOOSE_ORGANISATION in response.content.decode()
    options = response.context["form"].fields["organisation"].queryset
    assert set(options) == set(shared_domain)
    assert not User.objects.exists()


def test_shared_domain_joins_the_chosen_organisation(client, shared_domain):
    """With the organisation chosen, the membership is at that organisation."""
    _hospital, mental_health = shared_domain
    response = client.post(
        reverse("account_signup"),
        signup_data("sam@nhs.example", organisation=str(mental_health.pk)),
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__email="sam@nhs.example").organisation == mental_health


def test_shared_domain_refuses_an_organisation_not_on_the_domain(client, shared_domain):
    """Choosing an organisation that does not use the domain is refused."""
    elsewhere = OrganisationFactory()
    response = client.post(
        reverse("account_signup"),
        signup_data("sam@nhs.example", organisation=str(elsewhere.pk)),
    )
    assert response.status_code == 200
    assert CHOOSE_ORGANISATION in response.content.decode()
    assert not User.objects.exists()


def test_organisation_question_is_hidden_for_a_single_domain(client, social_care):
    """Someone whose domain belongs to one organisation is never asked which one."""
    response = client.get(reverse("account_signup") + "?email=priya@lewisham.example")
    assert "organisation" not in response.context["form"].fields


def test_existing_address_gets_an_email_not_a_second_account(
    client, social_care, django_capture_on_commit_callbacks
):
    """Signing up again with a used address tells its owner by email and reveals nothing here."""
    existing = UserFactory(email="priya@lewisham.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), signup_data("priya@lewisham.example"))
    assert response.headers["Location"] == reverse("account_email_verification_sent")
    assert User.objects.count() == 1
    assert not Membership.objects.filter(user=existing).exists()
    [message] = mail.outbox
    assert message.subject == "You already have an account"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "Enter your first name."),
        ("last_name", "", "Enter your last name."),
        ("email", "", "Enter your work email address."),
        ("email", "not-an-address", "Enter an email address in the correct format"),
        ("password1", "short", "This password is too short."),
        ("password2", "something-else-entirely", "You must type the same password each time."),
    ],
)
def test_signup_errors_say_what_to_do(client, social_care, field, value, message):
    """Each mistake gets a plain message linked from the error summary."""
    data = signup_data("priya@lewisham.example")
    data[field] = value
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'href="#id_{field}"' in response.content.decode()
    assert not User.objects.exists()


def test_signed_in_person_is_sent_away_from_sign_up(client):
    """Someone already signed in does not see the sign-up form."""
    client.force_login(UserFactory())
    response = client.get(reverse("account_signup"))
    assert response.status_code == 302


def test_password_like_the_email_address_is_refused(client, social_care):
    """The password rules apply to the new password: one like the email address is refused."""
    data = signup_data("correct.horse@lewisham.example")
    data["password1"] = data["password2"] = "correct.horse@lewisham"
    response = client.post(reverse("account_signup"), data)
    assert b"too similar" in response.content
    assert not User.objects.exists()
