"""MFA: required for roles that see other people's information, optional for everyone else."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from accounts.mfa import mfa_required
from accounts.services import authenticators_reset
from tests.accounts.factories import UserFactory, enrol_totp, fresh_totp_code, totp_code
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def user_with_role(role: str):
    """A person holding one role, as the MFA rule sees it."""
    if role == "partnership team":
        return UserFactory(partnership_team=True)
    if role == "trainer":
        return UserFactory(trainer=True)
    if role == "content admin user":
        return UserFactory(is_staff=True)
    if role == "superuser":
        return UserFactory(is_superuser=True)
    membership_traits = {
        "coordinator": {"coordinator": True},
        "clerk": {"clerk": True},
        "web editor": {"web_editor": True},
        "practitioner": {},
        "governor": {"governor": True},
        "volunteer": {"volunteer": True},
    }
    return MembershipFactory(**membership_traits[role]).user


def line_manager():
    manager = MembershipFactory()
    MembershipFactory(organisation=manager.organisation, line_manager=manager)
    return manager.user


REQUIRED = ["partnership team", "trainer", "coordinator", "clerk", "web editor"]
REQUIRED_BY_ACCESS = ["content admin user", "superuser"]
OPTIONAL = ["practitioner", "governor", "volunteer"]


@pytest.mark.parametrize(
    ("role", "required"),
    [(role, True) for role in REQUIRED + REQUIRED_BY_ACCESS] + [(role, False) for role in OPTIONAL],
)
def test_who_must_use_mfa(role, required):
    """Roles that see others' information or publish content must use MFA; others may."""
    assert mfa_required(user_with_role(role)) is required


def test_line_manager_alone_does_not_need_mfa():
    """Managing staff is not on the list of roles that need MFA."""
    assert mfa_required(line_manager()) is False


def test_ended_coordinator_role_no_longer_needs_mfa():
    """Only current memberships count."""
    from datetime import timedelta

    from django.utils import timezone

    membership = MembershipFactory(
        coordinator=True,
        start_date=timezone.localdate() - timedelta(days=30),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    assert mfa_required(membership.user) is False


@pytest.mark.parametrize("role", REQUIRED)
@pytest.mark.parametrize(
    "path",
    ["/", "/accounts/profile/", "/organisations/", "/admin/", "/admin/pages/", "/no-such-page/"],
)
def test_unenrolled_privileged_person_is_sent_to_set_up(client, role, path):
    """Until they set up an app, every other page sends them to set it up, the admin included."""
    client.force_login(user_with_role(role))
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize(
    "url_name",
    ["account_logout", "mfa_index", "account_reauthenticate", "account_email", "privacy"],
)
def test_unenrolled_privileged_person_can_still_sign_out_and_set_up(client, url_name):
    """Signing out, setting up MFA and confirming who they are stay open."""
    client.force_login(user_with_role("coordinator"))
    response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize("role", OPTIONAL)
def test_optional_roles_reach_pages_without_mfa(client, role):
    """People whose role does not need MFA are never stopped for it."""
    client.force_login(user_with_role(role))
    assert client.get("/").status_code == 200


def test_enrolled_privileged_person_reaches_pages(client):
    """Once the app is set up, the privileged person uses the site normally."""
    user = user_with_role("coordinator")
    enrol_totp(user)
    client.force_login(user)
    assert client.get("/").status_code == 200


def test_setting_up_an_app_makes_recovery_codes(
    client, sign_in, confirm_it_is_you, reauthenticate, django_capture_on_commit_callbacks
):
    """Entering the app's first code turns MFA on, creates recovery codes and shows them."""
    user = user_with_role("coordinator")
    sign_in(user.email)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.headers["Location"] == reverse("accounts:mfa_enrolment_confirm")
    assert confirm_it_is_you().headers["Location"] == reverse("mfa_activate_totp")
    mail.outbox.clear()
    response = client.get(reverse("mfa_activate_totp"))
    assert response.headers["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate()
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content
    secret = page.context["form"].secret
    assert secret.encode() in page.content  # the key to type when the QR code cannot be scanned
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.headers["Location"] == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10
    assert all(code.encode() in codes_page.content for code in codes)
    assert [message.subject for message in mail.outbox] == ["You have set up an authenticator app"]
    assert client.get("/").status_code == 200


def test_wrong_first_code_does_not_turn_mfa_on(client, sign_in, confirm_it_is_you, reauthenticate):
    """A wrong code leaves MFA off and says so."""
    user = user_with_role("coordinator")
    sign_in(user.email)
    confirm_it_is_you()
    reauthenticate()
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "123456"})
    assert response.status_code == 200
    assert b"The security code is not right" in response.content
    assert not Authenticator.objects.filter(user=user).exists()


def test_recovery_codes_can_be_downloaded(client, sign_in_with_code, reauthenticate):
    """The codes download as a text file, one per line, named for what it is."""
    user = UserFactory()
    enrol_totp(user)
    sign_in_with_code(user.email)
    reauthenticate()
    response = client.get(reverse("mfa_download_recovery_codes"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'
    unused = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert re.findall(r"^\d{8}$", response.content.decode(), re.MULTILINE) == unused


def test_new_recovery_codes_replace_the_old(client, sign_in_with_code, reauthenticate):
    """Getting new codes makes the old ones stop working."""
    user = UserFactory()
    enrol_totp(user)
    old = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    sign_in_with_code(user.email)
    reauthenticate()
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.headers["Location"] == reverse("mfa_view_recovery_codes")
    new = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert set(old).isdisjoint(new)


def test_required_person_cannot_turn_mfa_off(client, sign_in_with_code, reauthenticate):
    """Someone whose role needs MFA is told they cannot turn it off, and it stays on."""
    user = user_with_role("clerk")
    enrol_totp(user)
    sign_in_with_code(user.email)
    reauthenticate()
    page = client.get(reverse("mfa_deactivate_totp"))
    assert b"You cannot turn off your authenticator app" in page.content
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_optional_person_can_turn_mfa_off(client, sign_in_with_code, reauthenticate):
    """A practitioner who chose MFA can turn it off again."""
    user = user_with_role("practitioner")
    enrol_totp(user)
    sign_in_with_code(user.email)
    reauthenticate()
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.headers["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=user).exists()


def test_reset_lets_a_person_set_up_a_new_phone(client):
    """After the partnership team resets it, a required person is asked to set MFA up again."""
    user = user_with_role("coordinator")
    enrol_totp(user)
    assert authenticators_reset(user=user) == 2
    client.force_login(user)
    assert client.get("/").headers["Location"] == reverse("mfa_activate_totp")


def test_reset_command_names_the_person(capsys):
    """`manage.py mfa_reset <email>` removes the person's authenticators."""
    from django.core.management import call_command

    user = UserFactory(email="lost.phone@agency.example")
    enrol_totp(user)
    call_command("mfa_reset", "Lost.Phone@agency.example")
    assert "Removed 2 authenticator(s)" in capsys.readouterr().out
    assert not Authenticator.objects.filter(user=user).exists()


def test_signing_in_with_a_code_after_setup(client, sign_in):
    """Once set up, the next sign-in asks for the code (allauth's own check)."""
    user = user_with_role("trainer")
    enrol_totp(user)
    assert sign_in(user.email).headers["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp_code()})
    assert response.headers["Location"] == reverse("home")


@pytest.mark.parametrize(("role", "offers_turning_off"), [("clerk", False), ("practitioner", True)])
def test_security_page_offers_turning_off_only_when_optional(client, role, offers_turning_off):
    """The sign-in security page only offers to turn the app off when the role allows it."""
    user = user_with_role(role)
    enrol_totp(user)
    client.force_login(user)
    page = client.get(reverse("mfa_index"))
    assert (reverse("mfa_deactivate_totp").encode() in page.content) is offers_turning_off
    assert b"You have 10 of 10 recovery codes left" in page.content
