"""What a signed credential says: an Open Badges 3.0 `OpenBadgeCredential` (W3C Verifiable
Credentials 2.0), built from a plain snapshot so it is fixed at issue like the certificate.

The holder is named by an `IdentityObject` of type "name" (unhashed): the certificate prints
the name, and a verifier compares it with the person showing the credential. The credential's
`id` is its public verification page, where anyone sees whether it was revoked or replaced
since (a signed document cannot say so itself).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from outbox.messages import absolute_url

if TYPE_CHECKING:
    from certificates.models import Certificate

# The contexts Open Badges 3.0 requires, in this order: VC 2.0 first, then OB 3.0.
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# Expiry dates are days in England: a certificate is valid to the end of its expiry day there.
LOCAL_ZONE = ZoneInfo("Europe/London")
# Separates the standards in a certificate's printed `standards_met`.
STANDARDS_SEPARATOR = "; "


@dataclass(frozen=True)
class CredentialSubject:
    """Everything a credential says, copied from a certificate's snapshot."""

    code: str
    holder_name: str
    course_title: str
    completed_on: date
    cpd_hours: Decimal
    issuer_name: str
    issued_at: datetime
    verification_url: str
    starts_on: date | None = None
    session_dates: str = ""
    standards: tuple[str, ...] = ()
    expires_on: date | None = None


def subject_from_certificate(certificate: Certificate) -> CredentialSubject:
    """The snapshot a certificate was issued with, as a credential's subject."""
    standards = tuple(s for s in certificate.standards_met.split(STANDARDS_SEPARATOR) if s)
    return CredentialSubject(
        code=certificate.code,
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        starts_on=certificate.starts_on,
        completed_on=certificate.completed_on,
        session_dates=certificate.session_dates,
        cpd_hours=certificate.cpd_hours,
        standards=standards,
        issuer_name=certificate.issuer,
        issued_at=certificate.issued_at,
        expires_on=certificate.expires_on,
        verification_url=absolute_url(certificate.get_verify_url()),
    )


def issuer_id() -> str:
    """The issuer's identifier: the address of its profile, which this site serves."""
    return absolute_url(reverse("certificates:credential_issuer"))


def jwks_url() -> str:
    return absolute_url(reverse("certificates:credential_jwks"))


def issuer_profile(name: str | None = None) -> dict[str, Any]:
    """The issuer's Open Badges `Profile`, naming where its public keys are published.

    `jwks_uri` is not an Open Badges term; the VC 2.0 context maps undefined terms to its
    issuer-dependent vocabulary, so the document stays valid JSON-LD."""
    return {
        "@context": CONTEXT,
        "id": issuer_id(),
        "type": ["Profile"],
        "name": name or settings.PARTNERSHIP_NAME,
        "url": absolute_url("/"),
        "jwks_uri": jwks_url(),
    }


def credential_document(subject: CredentialSubject) -> dict[str, Any]:
    """The unsigned `OpenBadgeCredential` for `subject`."""
    hours = _hours_text(subject.cpd_hours)
    achievement: dict[str, Any] = {
        "id": achievement_id(subject.course_title),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": subject.course_title,
        "description": (
            f"{subject.course_title}, a course of {hours} of continuing professional "
            f"development run by {subject.issuer_name}."
        ),
        "criteria": {"narrative": _criteria(subject)},
        "creditsAvailable": float(subject.cpd_hours),
    }
    if subject.standards:
        achievement["tag"] = list(subject.standards)
    credential_subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": False,
                "identityHash": subject.holder_name,
            }
        ],
        "achievement": achievement,
        "creditsEarned": float(subject.cpd_hours),
        "activityEndDate": _start_of_day(subject.completed_on),
    }
    if subject.starts_on is not None:
        credential_subject["activityStartDate"] = _start_of_day(subject.starts_on)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": subject.verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Certificate: {subject.course_title}",
        "issuer": {
            "id": issuer_id(),
            "type": ["Profile"],
            "name": subject.issuer_name,
        },
        "validFrom": _timestamp(subject.issued_at),
        "credentialSubject": credential_subject,
    }
    if subject.expires_on is not None:
        document["validUntil"] = _timestamp(valid_until(subject.expires_on))
    return document


def achievement_id(course_title: str) -> str:
    """A stable identifier for the course as an achievement (the same title on this site
    gives the same id), as a URN: there is no public page per course to point at."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{absolute_url('/')}#course:{course_title}").urn


def valid_until(expires_on: date) -> datetime:
    """The end of the expiry day in England: the first moment of the next day."""
    return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=LOCAL_ZONE)


def _criteria(subject: CredentialSubject) -> str:
    days = subject.session_dates or f"{subject.completed_on:%-d %B %Y}"
    text = f"Attended the whole course ({days}), {_hours_text(subject.cpd_hours)} in all."
    if subject.standards:
        text += f" Standards met: {', '.join(subject.standards)}."
    return text


def _hours_text(hours: Decimal) -> str:
    number = f"{hours.normalize():f}"
    return f"{number} hour" if hours == 1 else f"{number} hours"


def _start_of_day(day: date) -> str:
    return _timestamp(datetime.combine(day, time.min, tzinfo=LOCAL_ZONE))


def _timestamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second, as the VC data model asks."""
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
