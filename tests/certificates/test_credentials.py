"""Signed digital credentials (certificates/credentials/): an Open Badges 3.0 credential signed
by joserfc, verified here with an independent library (PyJWT, on `cryptography`) from the
public key set the site serves."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import jwt
import pytest
from django.test import Client
from django.urls import reverse
from joserfc.jwk import OKPKey

from certificates.credentials.checks import check_credential_signing_key
from certificates.credentials.documents import CredentialSubject, subject_from_certificate
from certificates.credentials.keys import private_key_pem_generate, signing_key
from certificates.credentials.signing import credential_sign
from tests.accounts.factories import UserFactory, enrol_totp
from tests.certificates.factories import CertificateFactory

SUBJECT = CredentialSubject(
    code="K7Q29MZD4TWXB1HC",
    holder_name="Łucja Nguyễn",
    course_title="Working together to safeguard children",
    starts_on=date(2026, 3, 3),
    completed_on=date(2026, 3, 10),
    session_dates="3 and 10 March 2026",
    cpd_hours=Decimal("6.50"),
    standards=("Safeguarding children level 3", "Domestic abuse awareness"),
    issuer_name="Lewisham Safeguarding Children Partnership",
    issued_at=datetime(2026, 3, 11, 9, 0, tzinfo=UTC),
    expires_on=date(2029, 3, 10),
    verification_url="https://hub.example/certificates/verify/K7Q29MZD4TWXB1HC/",
)


def served_jwks(client: Client) -> jwt.PyJWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return jwt.PyJWKSet.from_dict(response.json())


def verify(token: str, keys: jwt.PyJWKSet) -> dict[str, Any]:
    """What a verifier outside the product does: find the key by `kid`, check the signature
    and the dates (PyJWT, not joserfc)."""
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(token, key.key, algorithms=["EdDSA"], options={"verify_exp": False})


def tamper_payload(token: str, **changes: Any) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.django_db
def test_a_signed_credential_verifies_with_the_published_key(client: Client) -> None:
    """PyJWT verifies the credential with the key from /.well-known/jwks.json, and it says
    what the certificate says, in the Open Badges 3.0 shape."""
    claims = verify(credential_sign(SUBJECT), served_jwks(client))

    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["id"] == claims["jti"] == SUBJECT.verification_url
    assert (
        claims["issuer"]["id"]
        == claims["iss"]
        == "https://hub.partnership.example/certificates/issuer/"
    )
    assert claims["issuer"]["name"] == "Lewisham Safeguarding Children Partnership"
    assert claims["validFrom"] == "2026-03-11T09:00:00Z"
    # Valid to the end of the expiry day in London (GMT in March).
    assert claims["validUntil"] == "2029-03-11T00:00:00Z"
    assert claims["nbf"] == int(datetime(2026, 3, 11, 9, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2029, 3, 11, tzinfo=UTC).timestamp())
    subject = claims["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Łucja Nguyễn"
    assert subject["identifier"][0]["identityType"] == "name"
    assert subject["creditsEarned"] == 6.5
    achievement = subject["achievement"]
    assert achievement["name"] == "Working together to safeguard children"
    assert achievement["creditsAvailable"] == 6.5
    assert "3 and 10 March 2026" in achievement["criteria"]["narrative"]
    assert "6.5 hours" in achievement["description"]
    assert achievement["tag"] == ["Safeguarding children level 3", "Domestic abuse awareness"]


@pytest.mark.django_db
def test_the_header_names_the_published_key_and_brings_none(client: Client) -> None:
    header = jwt.get_unverified_header(credential_sign(SUBJECT))
    published = client.get("/.well-known/jwks.json").json()["keys"]

    assert header["alg"] == "EdDSA"
    assert header["typ"] == "JWT"
    assert "jwk" not in header
    assert header["kid"] in [key["kid"] for key in published]
    assert all("d" not in key for key in published)


@pytest.mark.django_db
def test_a_changed_payload_fails(client: Client) -> None:
    token = tamper_payload(credential_sign(SUBJECT), creditsEarned=60)

    with pytest.raises(jwt.InvalidSignatureError):
        verify(token, served_jwks(client))


@pytest.mark.django_db
def test_a_credential_signed_with_another_key_fails(client: Client) -> None:
    """Signed by someone else's key but claiming the partnership's key name: refused."""
    genuine = credential_sign(SUBJECT)
    header = jwt.get_unverified_header(genuine)
    other = OKPKey.import_key(private_key_pem_generate())
    forged = jwt.encode(
        verify(genuine, served_jwks(client)),
        other.as_pem(private=True).decode(),
        algorithm="EdDSA",
        headers={"kid": header["kid"], "typ": "JWT"},
    )

    with pytest.raises(jwt.InvalidSignatureError):
        verify(forged, served_jwks(client))


@pytest.mark.django_db
def test_the_key_is_made_once_and_kept(client: Client) -> None:
    """Without a configured key, the one made in private storage signs every credential."""
    first = signing_key().thumbprint()
    keys = served_jwks(client)

    assert signing_key().thumbprint() == first
    assert verify(credential_sign(SUBJECT), keys)["credentialSubject"]


@pytest.mark.django_db
def test_a_configured_key_signs_and_earlier_keys_stay_published(
    client: Client, settings: Any
) -> None:
    old = OKPKey.import_key(private_key_pem_generate())
    new_pem = private_key_pem_generate()
    settings.CREDENTIAL_SIGNING_KEY = new_pem.replace("\n", "\\n")
    settings.CREDENTIAL_PREVIOUS_PUBLIC_KEYS = [old.as_pem(private=False).decode()]

    kids = [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    header = jwt.get_unverified_header(credential_sign(SUBJECT))

    assert header["kid"] == OKPKey.import_key(new_pem).thumbprint() == kids[0]
    assert old.thumbprint() in kids


@pytest.mark.django_db
def test_public_documents_are_cacheable_and_open(client: Client) -> None:
    for url in ["/.well-known/jwks.json", reverse("certificates:credential_issuer")]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=3600"
        assert response["Access-Control-Allow-Origin"] == "*"
    profile = client.get(reverse("certificates:credential_issuer")).json()
    assert profile["id"] == "https://hub.partnership.example/certificates/issuer/"
    assert profile["type"] == ["Profile"]
    assert profile["jwks_uri"] == "https://hub.partnership.example/.well-known/jwks.json"


def test_production_requires_a_configured_key(settings: Any) -> None:
    settings.DEBUG = False
    settings.CREDENTIAL_SIGNING_KEY = ""
    assert [e.id for e in check_credential_signing_key()] == ["certificates.E001"]
    settings.CREDENTIAL_SIGNING_KEY = private_key_pem_generate()
    assert check_credential_signing_key() == []


# Downloading a certificate's credential ----------------------------------------------------


def _credential_url(pk: int) -> str:
    return reverse("certificates:credential_download", args=[pk])


@pytest.mark.django_db
def test_the_holder_downloads_a_credential_of_the_snapshot(client: Client) -> None:
    certificate = CertificateFactory.create(holder_name="Zoë Ağaoğlu")
    client.force_login(certificate.holder)

    response = client.get(_credential_url(certificate.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"
    assert response["Content-Disposition"].endswith(f'-{certificate.code}.jwt"')
    claims = verify(response.content.decode(), served_jwks(Client()))
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Zoë Ağaoğlu"
    assert (
        claims["id"] == f"https://hub.partnership.example/certificates/verify/{certificate.code}/"
    )
    assert subject_from_certificate(certificate).standards == ("Safeguarding children level 3",)


@pytest.mark.parametrize(
    ("who", "status"),
    [("holder", 200), ("team", 200), ("other", 404), ("anonymous", 302)],
)
@pytest.mark.django_db
def test_who_downloads_a_credential(client: Client, who: str, status: int) -> None:
    certificate = CertificateFactory.create()
    if who == "holder":
        client.force_login(certificate.holder)
    elif who == "team":
        team = UserFactory.create(partnership_team=True)
        enrol_totp(team)
        client.force_login(team)
    elif who == "other":
        client.force_login(UserFactory.create())

    assert client.get(_credential_url(certificate.pk)).status_code == status


@pytest.mark.django_db
def test_a_revoked_certificate_has_no_credential_for_its_holder(client: Client) -> None:
    certificate = CertificateFactory.create(
        revoked_at=datetime(2026, 4, 1, tzinfo=UTC), revoked_reason="Issued in error"
    )
    client.force_login(certificate.holder)

    assert client.get(_credential_url(certificate.pk)).status_code == 404
