"""Certificates' pages: public verification in each state, the rate limit, a person's own
certificates and their PDF, and the partnership team's pages, as a role by page matrix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate
from certificates.services.issuing import certificate_issue_for_record
from tests.accounts.factories import UserFactory, enrol_totp
from tests.certificates.factories import CertificateFactory, attended_booking
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate() -> Certificate:
    person = MembershipFactory.create(user__first_name="Łucja", user__last_name="Nguyễn")
    issued = certificate_issue_for_record(record_id=attended_booking(attendee=person).record.pk)
    assert issued is not None
    return issued


def _verify(client: Client, code: str) -> Any:
    return client.get(reverse("certificates:verify_code", args=[code]))


@pytest.mark.parametrize(
    ("state", "heading"),
    [
        ("valid", "This certificate is valid"),
        ("expired", "This certificate has expired"),
        ("revoked", "This certificate has been revoked"),
        ("superseded", "This certificate has been replaced"),
    ],
)
def test_verification_says_each_state_with_its_date(
    client: Client, state: str, heading: str
) -> None:
    now = timezone.now()
    extra: dict[str, Any] = {}
    if state == "expired":
        extra["expires_on"] = timezone.localdate() - timedelta(days=3)
    if state == "revoked":
        extra |= {"revoked_at": now - timedelta(days=2), "revoked_reason": "Secret reason"}
    if state == "superseded":
        extra["superseded_at"] = now - timedelta(days=2)
    certificate = CertificateFactory.create(holder_name="Zoë Nguyễn", **extra)

    response = _verify(client, certificate.code)

    assert response.status_code == 200
    text = response.content.decode()
    assert heading in text
    assert "Zoë Nguyễn" in text
    assert certificate.course_title in text
    assert "Secret reason" not in text
    assert certificate.holder is not None
    assert certificate.holder.email not in text
    if state == "expired":
        assert f"expired on {extra['expires_on'].day} {extra['expires_on']:%B %Y}" in text
    if state in {"revoked", "superseded"}:
        day = timezone.localdate(now - timedelta(days=2))
        assert f"{day.day} {day:%B %Y}" in text


def test_a_typed_code_is_forgiven_case_spaces_dashes_and_confusables(
    client: Client, certificate: Certificate
) -> None:
    typed = certificate.display_code.lower().replace("0", "o").replace("1", "l").replace("-", " ")

    response = client.get(reverse("certificates:verify"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify_code", args=[certificate.code])


def test_a_badly_typed_code_is_an_error_on_the_form(client: Client) -> None:
    response = client.get(reverse("certificates:verify"), {"code": "ABC"})

    assert response.status_code == 200
    assert "Enter the 16 letters and numbers" in response.content.decode()


def test_a_wrong_code_is_a_plain_404(client: Client) -> None:
    response = _verify(client, "ZZZZ-ZZZZ-ZZZZ-ZZZZ")

    assert response.status_code == 404
    assert "No certificate has this code" in response.content.decode()


def test_verification_is_one_query_whatever_the_certificate(
    client: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    """Looked up through the unique index; the page reads only the row. A wrong code's 404
    adds Wagtail's redirect lookup (the site and its redirects), as every 404 here does."""
    first = CertificateFactory.create()
    second = CertificateFactory.create(revoked_at=timezone.now(), revoked_reason="x")
    for code in (first.code, second.code):
        with django_assert_num_queries(1):
            _verify(client, code)
    with django_assert_num_queries(3):
        _verify(client, "ZZZZZZZZZZZZZZZZ")


def test_verification_is_rate_limited_per_client(client: Client, settings: Any) -> None:
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert _verify(client, "ZZZZZZZZZZZZZZZZ").status_code == 404

    response = _verify(client, "ZZZZZZZZZZZZZZZZ")

    assert response.status_code == 429
    assert "You have checked too many certificates" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert (
        other.get(reverse("certificates:verify_code", args=["ZZZZZZZZZZZZZZZZ"])).status_code == 404
    )


def test_the_holder_downloads_a_pdf_with_their_name_exactly(
    client: Client, certificate: Certificate
) -> None:
    assert certificate.holder is not None
    client.force_login(certificate.holder)

    response = client.get(reverse("certificates:download", args=[certificate.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    page = PdfReader(BytesIO(response.content)).pages[0]
    text = page.extract_text()
    assert "Łucja Nguyễn" in text
    assert certificate.display_code in text
    assert page.mediabox.width > page.mediabox.height  # landscape
    assert "/XObject" in page["/Resources"]  # the QR code is drawn


def test_your_certificates_lists_the_holders_own(client: Client, certificate: Certificate) -> None:
    other = CertificateFactory.create()
    assert certificate.holder is not None
    client.force_login(certificate.holder)

    text = client.get(reverse("certificates:mine")).content.decode()

    assert reverse("certificates:download", args=[certificate.pk]) in text
    assert reverse("certificates:download", args=[other.pk]) not in text


ROLES = ["anonymous", "holder", "someone_else", "coordinator", "partnership_team"]
# page → roles that get a 200 (others: 404, or the sign-in page for anonymous visitors)
PAGES: dict[str, set[str]] = {
    "mine": {"holder", "someone_else", "coordinator", "partnership_team"},
    "download": {"holder", "partnership_team"},
    "verify": set(ROLES),
    "verify_code": set(ROLES),
    "manage": {"partnership_team"},
    "manage_detail": {"partnership_team"},
    "revoke": {"partnership_team"},
    "reissue": {"partnership_team"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_permission_matrix(client: Client, certificate: Certificate, role: str, page: str) -> None:
    assert certificate.holder is not None
    membership = certificate.holder.memberships.first()
    users = {
        "holder": certificate.holder,
        "someone_else": UserFactory.create(),
        "coordinator": MembershipFactory.create(
            organisation=membership.organisation if membership else None, coordinator=True
        ).user,
        "partnership_team": UserFactory.create(partnership_team=True),
    }
    if role != "anonymous":
        user = users[role]
        if role in {"coordinator", "partnership_team"}:
            enrol_totp(user)
        client.force_login(user)
    args = {
        "mine": [],
        "manage": [],
        "verify": [],
        "verify_code": [certificate.code],
    }.get(page, [certificate.pk])

    response = client.get(reverse(f"certificates:{page}", args=args))

    if role in PAGES[page]:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == 404


def test_the_team_revokes_and_reissues_through_the_pages(
    client: Client, certificate: Certificate
) -> None:
    team = UserFactory.create(partnership_team=True)
    enrol_totp(team)
    client.force_login(team)

    response = client.post(reverse("certificates:reissue", args=[certificate.pk]), follow=False)
    new = Certificate.objects.get(supersedes=certificate)
    assert response["Location"] == reverse("certificates:manage_detail", args=[new.pk])
    client.post(reverse("certificates:revoke", args=[new.pk]), {"reason": "Issued in error"})

    new.refresh_from_db()
    assert new.revoked_reason == "Issued in error"
    assert new.revoked_by == team
