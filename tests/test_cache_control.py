"""Pages, exports and downloads with someone's information are never stored by a cache
(config.cache_control)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory, enrol_totp
from tests.evidence.factories import ExternalEvidenceFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"


@pytest.fixture
def practitioner(client: Client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    return membership


@pytest.mark.parametrize("url_name", ["home", "accounts:profile", "account_email"])
def test_signed_in_pages_are_not_stored(client: Client, practitioner, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_a_persons_own_evidence_file_is_not_stored(client: Client, practitioner) -> None:
    """A certificate downloaded on a shared computer is not left in its browser's cache."""
    evidence = ExternalEvidenceFactory(membership=practitioner)
    response = client.get(reverse("evidence:file", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_an_export_is_not_stored(client: Client) -> None:
    team_member = UserFactory(partnership_team=True)
    enrol_totp(team_member)
    client.force_login(team_member)
    response = client.get(reverse("training:charges_export"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == NO_STORE


def test_a_redirect_for_a_signed_in_person_is_not_stored(client: Client) -> None:
    """Even the redirect to set up MFA: it says who is signed in."""
    coordinator = MembershipFactory(coordinator=True).user
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Cache-Control"] == NO_STORE


def test_a_refused_form_for_someone_not_signed_in_is_not_stored(client: Client) -> None:
    """A POST's answer may show back what was typed, such as a name and email address."""
    response = client.post(
        reverse("account_signup"),
        {"first_name": "Priya", "last_name": "Shah", "email": "priya@unknown.example"},
    )
    assert response.status_code == 200
    assert b"priya@unknown.example" in response.content
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_admin_keeps_its_own_stricter_header(client: Client) -> None:
    editor = UserFactory(is_superuser=True)
    enrol_totp(editor)
    client.force_login(editor)
    cache_control = client.get("/admin/")["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_public_pages_for_people_not_signed_in_may_be_cached(client: Client) -> None:
    """The published guides and the home page hold nothing personal when nobody is signed in."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
