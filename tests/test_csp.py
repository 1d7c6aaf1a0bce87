"""The content security policy: strict everywhere, with nonces only for Wagtail's inline scripts."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory, enrol_totp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["home", "account_login", "account_signup", "accessibility"])
def test_public_pages_allow_no_inline_code(client, url_name):
    """Our own pages forbid inline scripts and styles outright: no nonce, no 'unsafe-inline'."""
    response = client.get(reverse(url_name))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";"
    assert "style-src 'self';" in policy + ";"
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "inline script on our page"
    assert ' style="' not in body


def test_admin_inline_scripts_carry_the_policy_nonce(client):
    """Wagtail's inline scripts run: each carries the nonce named in the response's policy."""
    user = UserFactory(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    body = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert all(f'nonce="{nonce.group(1)}"' in tag for tag in inline)


def test_admin_pages_load_no_third_party_images(client):
    """Wagtail's admin shows no Gravatar images, which would leak email hashes and break the CSP."""
    user = UserFactory(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert b"gravatar.com" not in response.content
