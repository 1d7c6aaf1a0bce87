"""Setting up an authenticator app needs proof beyond the password (accounts.mfa).

Someone who knows only the password of an account without an app must not be able to tie it to
their own phone: the session first shows it controls the account's email address, by the code
we email, an invitation link or allauth's confirmation link.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.allauth_forms import ActivateTOTPForm
from accounts.mfa import (
    ENROLMENT_CODE_SESSION_KEY,
    ENROLMENT_PROOF_SESSION_KEY,
    mfa_enrolment_proven,
)
from accounts.models import User
from tests.accounts.factories import (
    DEFAULT_PASSWORD,
    ENROLMENT_CODE_SUBJECT,
    InvitationFactory,
    UserFactory,
    emailed_enrolment_code,
    totp_code,
)
from tests.organisations.factories import EmailDomainFactory, MembershipFactory

pytestmark = pytest.mark.django_db

CONFIRM_URL = reverse("accounts:mfa_enrolment_confirm")
SET_UP_URL = reverse("mfa_activate_totp")
# The secret an attacker would put in their own authenticator app.
ATTACKER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


@pytest.fixture
def coordinator() -> User:
    """A coordinator who has not set up an app: their role needs one at the next page."""
    return MembershipFactory(coordinator=True).user


@pytest.fixture
def send_code(client: Client, django_capture_on_commit_callbacks):
    """Press "Email me a code"; the email goes out once the request's transaction commits."""

    def _send_code():
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(CONFIRM_URL, {"send": "1"}, follow=True)

    return _send_code


def enter_code(client: Client, code: str):
    return client.post(CONFIRM_URL, {"code": code})


def wrong_code(right: str) -> str:
    return f"{(int(right) + 1) % 10**6:06d}"


def try_to_enrol_with_own_secret(client: Client):
    """What an attacker with the password would do: put their own secret in the session."""
    session = client.session
    session[SECRET_SESSION_KEY] = ATTACKER_SECRET
    session.save()
    return client.post(SET_UP_URL, {"code": totp_code(ATTACKER_SECRET)})


# Without proof


@pytest.mark.parametrize("method", ["get", "post"])
def test_password_alone_does_not_reach_the_set_up_page(client, sign_in, coordinator, method):
    """Signed in with the password only, the set-up page sends them to "Confirm it is you"."""
    sign_in(coordinator.email)
    response = getattr(client, method)(SET_UP_URL)
    assert response.headers["Location"] == CONFIRM_URL
    assert SECRET_SESSION_KEY not in client.session  # no secret was made to show them


def test_password_alone_cannot_enrol_a_secret_the_attacker_chose(
    client, sign_in, reauthenticate, coordinator
):
    """A valid code for the attacker's own secret does not set up an app, even after the
    password is entered again."""
    sign_in(coordinator.email)
    reauthenticate()
    response = try_to_enrol_with_own_secret(client)
    assert response.headers["Location"] == CONFIRM_URL
    assert not Authenticator.objects.filter(user=coordinator).exists()
    assert client.get("/").headers["Location"] == SET_UP_URL


def test_optional_person_also_needs_proof(client, sign_in):
    """An app set up by someone else would lock a practitioner out too."""
    user = MembershipFactory().user
    sign_in(user.email)
    assert client.get(SET_UP_URL).headers["Location"] == CONFIRM_URL


def test_set_up_form_refuses_without_proof(rf, coordinator):
    """Behind the middleware, allauth's form itself refuses a session without proof."""
    request = rf.post(SET_UP_URL)
    request.session = Client().session
    request.session[SECRET_SESSION_KEY] = ATTACKER_SECRET
    request.user = coordinator
    with allauth_context.request_context(request):
        form = ActivateTOTPForm({"code": totp_code(ATTACKER_SECRET)}, user=coordinator)
        assert not form.is_valid()
    assert "Confirm it is you with the code we email" in form.errors["code"][0]


def test_confirm_page_offers_to_email_a_code(client, sign_in, coordinator):
    """The page says where the code goes, and sends nothing until asked."""
    sign_in(coordinator.email)
    page = client.get(CONFIRM_URL)
    assert page.status_code == 200
    assert b"Confirm it is you" in page.content
    assert coordinator.email.encode() in page.content
    assert b"Email me a code" in page.content
    assert b'name="code"' not in page.content
    assert mail.outbox == []


# With the emailed code


def test_emailed_code_lets_them_set_up_an_app(
    client, sign_in, send_code, reauthenticate, coordinator, django_capture_on_commit_callbacks
):
    """With the code from their email they can set up an app, as allauth's own flow does."""
    sign_in(coordinator.email)
    page = send_code()
    assert f"We have emailed a code to {coordinator.email}.".encode() in page.content
    assert b'name="code"' in page.content
    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == ENROLMENT_CODE_SUBJECT
    assert "works for 15 minutes" in message.body
    assert "/accounts/password/reset/" in message.body
    response = enter_code(client, emailed_enrolment_code(mail.outbox))
    assert response.headers["Location"] == SET_UP_URL
    assert mfa_enrolment_proven(session=client.session, user=coordinator)
    reauthenticate()
    page = client.get(SET_UP_URL)
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SET_UP_URL, {"code": totp_code(secret)})
    assert response.headers["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=coordinator, type="totp").exists()
    assert client.get("/").status_code == 200


def test_code_is_kept_only_as_a_hash(client, sign_in, send_code, coordinator):
    """The session holds a keyed hash of the code, not the code."""
    sign_in(coordinator.email)
    send_code()
    code = emailed_enrolment_code(mail.outbox)
    pending = client.session[ENROLMENT_CODE_SESSION_KEY]
    assert code not in repr(pending)
    assert pending["user_id"] == coordinator.pk
    assert pending["wrong_attempts"] == 0


def test_code_with_spaces_is_accepted(client, sign_in, send_code, coordinator):
    """People often copy a code with a space in the middle."""
    sign_in(coordinator.email)
    send_code()
    code = emailed_enrolment_code(mail.outbox)
    response = enter_code(client, f" {code[:3]} {code[3:]} ")
    assert response.headers["Location"] == SET_UP_URL


def test_wrong_code_says_so_and_changes_nothing_else(client, sign_in, send_code, coordinator):
    """A wrong code is counted against the code, nothing more: the right one still works."""
    sign_in(coordinator.email)
    send_code()
    code = emailed_enrolment_code(mail.outbox)
    response = enter_code(client, wrong_code(code))
    assert response.status_code == 200
    assert b"The code is not right. Check it and try again. You can try 4 more times." in (
        response.content
    )
    assert ENROLMENT_PROOF_SESSION_KEY not in client.session
    assert client.session[ENROLMENT_CODE_SESSION_KEY]["wrong_attempts"] == 1
    assert enter_code(client, code).headers["Location"] == SET_UP_URL


@pytest.mark.parametrize(
    ("typed", "error"),
    [("", b"Enter the 6-digit code from the email."), ("12ab56", b"The code must be 6 digits")],
)
def test_badly_typed_code_is_not_counted(client, sign_in, send_code, coordinator, typed, error):
    """Something that is not a 6-digit code is not a guess, so it costs no attempt."""
    sign_in(coordinator.email)
    send_code()
    response = enter_code(client, typed)
    assert error in response.content
    assert client.session[ENROLMENT_CODE_SESSION_KEY]["wrong_attempts"] == 0


def test_five_wrong_codes_lock_the_code(client, sign_in, send_code, coordinator):
    """After 5 wrong codes even the right one no longer works; a new code is needed."""
    sign_in(coordinator.email)
    send_code()
    code = emailed_enrolment_code(mail.outbox)
    for _ in range(5):
        response = enter_code(client, wrong_code(code))
    assert b"You have entered a wrong code 5 times, so that code no longer works." in (
        response.content
    )
    response = enter_code(client, code)
    assert response.status_code == 200
    assert b"You have entered a wrong code 5 times" in response.content
    assert ENROLMENT_PROOF_SESSION_KEY not in client.session
    assert client.get(SET_UP_URL).headers["Location"] == CONFIRM_URL
    assert b"Email me a code" in client.get(CONFIRM_URL).content


def test_code_expires_after_15_minutes(client, sign_in, send_code, coordinator, time_machine):
    """An old email is no use."""
    time_machine.move_to(timezone.now(), tick=False)
    sign_in(coordinator.email)
    send_code()
    code = emailed_enrolment_code(mail.outbox)
    time_machine.shift(timedelta(minutes=15, seconds=1))
    response = enter_code(client, code)
    assert b"This code has expired. Ask for a new code." in response.content
    assert ENROLMENT_PROOF_SESSION_KEY not in client.session


def test_new_code_replaces_the_old(client, sign_in, send_code, coordinator, time_machine):
    """Only the latest code works."""
    time_machine.move_to(timezone.now(), tick=False)
    sign_in(coordinator.email)
    send_code()
    first = emailed_enrolment_code(mail.outbox)
    time_machine.shift(timedelta(minutes=1, seconds=1))
    send_code()
    second = emailed_enrolment_code(mail.outbox)
    if first != second:
        assert b"The code is not right" in enter_code(client, first).content
    assert enter_code(client, second).headers["Location"] == SET_UP_URL


def test_asking_again_within_a_minute_sends_nothing(client, sign_in, send_code, coordinator):
    """Codes cannot be asked for over and over."""
    sign_in(coordinator.email)
    send_code()
    page = send_code()
    assert b"We sent you a code less than a minute ago." in page.content
    assert len(mail.outbox) == 1


def test_at_most_five_codes_an_hour_across_sessions(coordinator, time_machine):
    """Signing in again does not reset the count: it is kept per person."""
    time_machine.move_to(timezone.now(), tick=False)
    for n in range(6):
        client = Client()
        client.post("/accounts/login/", {"login": coordinator.email, "password": DEFAULT_PASSWORD})
        page = client.post(CONFIRM_URL, {"send": "1"}, follow=True)
        if n < 5:
            assert b"We have emailed a code" in page.content, n
        time_machine.shift(timedelta(minutes=2))
    assert b"You have asked for 5 codes in the last hour." in page.content


def test_code_works_only_in_the_session_that_asked(client, sign_in, send_code, coordinator):
    """A code asked for in one browser cannot be used in another."""
    sign_in(coordinator.email)
    send_code()
    code = emailed_enrolment_code(mail.outbox)
    other = Client()
    other.post("/accounts/login/", {"login": coordinator.email, "password": DEFAULT_PASSWORD})
    response = other.post(CONFIRM_URL, {"code": code})
    assert b"We have not emailed you a code yet." in response.content
    assert ENROLMENT_PROOF_SESSION_KEY not in other.session


def test_proof_stops_counting_when_the_address_changes(client, sign_in, send_code, coordinator):
    """The proof is of one address: a new address needs a new proof."""
    sign_in(coordinator.email)
    send_code()
    enter_code(client, emailed_enrolment_code(mail.outbox))
    assert mfa_enrolment_proven(session=client.session, user=coordinator)
    coordinator.email = "someone.else@agency.example"
    coordinator.save()
    assert not mfa_enrolment_proven(session=client.session, user=coordinator)


def test_signing_out_ends_the_proof(client, sign_in, send_code, coordinator):
    """The proof lasts as long as the session."""
    sign_in(coordinator.email)
    send_code()
    enter_code(client, emailed_enrolment_code(mail.outbox))
    client.post(reverse("account_logout"))
    sign_in(coordinator.email)
    assert client.get(SET_UP_URL).headers["Location"] == CONFIRM_URL


def test_person_with_an_app_is_sent_to_their_security_page(client, coordinator):
    """Nothing to confirm once an app is set up."""
    from tests.accounts.factories import enrol_totp

    enrol_totp(coordinator)
    client.force_login(coordinator)
    assert client.get(CONFIRM_URL).headers["Location"] == reverse("mfa_index")


def test_privileged_person_without_an_app_cannot_change_their_address(client, sign_in, coordinator):
    """Otherwise the password alone could move the account to an address the attacker reads."""
    sign_in(coordinator.email)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "attacker@elsewhere.example"}
    )
    assert b"you cannot change your email address yourself" in response.content
    assert not EmailAddress.objects.filter(email="attacker@elsewhere.example").exists()


# Other proofs


def test_signing_up_through_an_invitation_counts_as_proof(
    client, django_capture_on_commit_callbacks
):
    """The invitation link reached them at their address."""
    invitation = InvitationFactory(email="new.coordinator@home.example")
    client.get(invitation.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Grace",
                "last_name": "Okafor",
                "email": invitation.email,
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        )
    user = User.objects.get(email=invitation.email)
    user.memberships.update(is_coordinator=True)  # their coordinator gives them the role
    assert client.session[ENROLMENT_PROOF_SESSION_KEY]["how"] == "invitation"
    assert client.get("/").headers["Location"] == SET_UP_URL
    assert client.get(SET_UP_URL).headers["Location"] != CONFIRM_URL


def test_accepting_an_invitation_when_signed_in_counts_as_proof(client, sign_in, coordinator):
    """Someone with an account who accepts the invitation emailed to them may set up an app."""
    invitation = InvitationFactory(email=coordinator.email)
    sign_in(coordinator.email)
    assert client.get(invitation.get_absolute_url()).status_code == 200
    client.post(invitation.get_absolute_url())
    assert client.session[ENROLMENT_PROOF_SESSION_KEY]["how"] == "invitation"
    assert client.get(SET_UP_URL).headers["Location"] != CONFIRM_URL


def test_confirming_the_address_by_link_counts_as_proof(client, django_capture_on_commit_callbacks):
    """allauth's confirmation link, followed in this browser, shows it reads their email."""
    EmailDomainFactory(domain="lewisham.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Priya",
                "last_name": "Shah",
                "email": "priya@lewisham.example",
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        )
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    client.post(link.split("testserver", 1)[-1])
    user = User.objects.get(email="priya@lewisham.example")
    MembershipFactory(user=user, clerk=True)  # a role that needs an app, elsewhere
    assert client.session[ENROLMENT_PROOF_SESSION_KEY]["how"] == "email_confirmation"
    assert client.get(SET_UP_URL).headers["Location"] != CONFIRM_URL


def test_an_administrator_confirming_an_address_proves_nothing_for_them(rf, coordinator):
    """The proof is for the person whose address it is, in their own session only."""
    from allauth.account.signals import email_confirmed

    admin = UserFactory(is_superuser=True)
    request = rf.post("/")
    request.session = Client().session
    request.user = admin
    email_address = EmailAddress.objects.get(user=coordinator)
    email_confirmed.send(sender=EmailAddress, request=request, email_address=email_address)
    assert ENROLMENT_PROOF_SESSION_KEY not in request.session
