"""The MFA policy: who must use an authenticator app, and whether they have one.

People who can see other people's information or publish content (the partnership team,
trainers, coordinators, clerks, web editors, and anyone who can use the content admin) must
set up an authenticator app before they reach any page (accounts.middleware). Everyone else
may choose to. allauth asks for the code at sign-in once an app is set up.

A password alone does not let anyone set one up: whoever knew it could otherwise tie the
account to their own phone. Before someone without an app may set one up, this browser session
must have shown it controls the account's email address (`mfa_enrolment_proven`): by the code
we email (`accounts.services.mfa_enrolment_code_send`), by allauth's email confirmation link, or
by signing up through the invitation emailed to them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from accounts.roles import roles_for

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from accounts.models import User

# Where the session records that it proved control of the email address, and how.
ENROLMENT_PROOF_SESSION_KEY = "mfa_enrolment_email_proof"
# Where the session keeps the code we emailed, hashed, until it is used or stops working.
ENROLMENT_CODE_SESSION_KEY = "mfa_enrolment_code"
# Long enough to open the email on another device; short enough that an old email is no use.
ENROLMENT_CODE_LIFETIME = timedelta(minutes=15)
# Wrong codes allowed before the code stops working. With the sending limits below, someone
# guessing gets at most 25 tries an hour at a million possible codes.
ENROLMENT_CODE_ATTEMPTS = 5
# Sending limits, per person (not per session, so signing in again does not reset them).
ENROLMENT_CODE_RESEND_AFTER = timedelta(minutes=1)
ENROLMENT_CODES_PER_HOUR = 5

EnrolmentProofMethod = Literal["emailed_code", "email_confirmation", "invitation"]


class EnrolmentProof(TypedDict):
    """What the session holds: whose address was proved, which address, and how."""

    user_id: int
    email: str
    how: EnrolmentProofMethod


class EnrolmentCode(TypedDict):
    """A code we emailed: for whom, to which address, its keyed hash, and how it is going."""

    user_id: int
    email: str
    digest: str
    expires_at: str  # ISO 8601, because sessions are stored as JSON
    wrong_attempts: int


def mfa_required(user: User) -> bool:
    """Whether this person must use an authenticator app."""
    if not user.is_authenticated:
        return False
    # Content admin users can publish, and superusers can do anything: same rule as the roles.
    return user.is_superuser or user.is_staff or roles_for(user).privileged


def mfa_enrolled(user: User) -> bool:
    """Whether this person has an authenticator app set up."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mfa_enrolment_proven(*, session: SessionBase, user: User) -> bool:
    """Whether this session proved it controls the person's current email address.

    Tied to the address as well as the person, so a proof stops counting if the address changes.
    The proof lasts as long as the session: signing out or closing the browser ends it.
    """
    proof = session.get(ENROLMENT_PROOF_SESSION_KEY)
    if not isinstance(proof, dict):
        return False
    return proof.get("user_id") == user.pk and proof.get("email") == user.email.lower()


def mfa_enrolment_needs_proof(*, session: SessionBase, user: User) -> bool:
    """Whether this person must prove control of their email address before setting up an app.

    Everyone without an app does, not only those whose role needs one: an app set up by
    someone else would lock the owner out of their own account.
    """
    return not mfa_enrolment_proven(session=session, user=user) and not mfa_enrolled(user)


def mfa_enrolment_code_pending(*, session: SessionBase, user: User, now: datetime) -> bool:
    """Whether this session holds a code, emailed to the person's current address, still usable."""
    pending = session.get(ENROLMENT_CODE_SESSION_KEY)
    if not isinstance(pending, dict):
        return False
    return (
        pending.get("user_id") == user.pk
        and pending.get("email") == user.email.lower()
        and datetime.fromisoformat(pending["expires_at"]) > now
        and pending.get("wrong_attempts", 0) < ENROLMENT_CODE_ATTEMPTS
    )


class MFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter with our words, and no switching off MFA when it is required."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": "You cannot change your email address while you use an "
        "authenticator app. Ask the partnership team to change it for you.",
        "cannot_delete_authenticator": "Your role needs an authenticator app, so you cannot "
        "turn it off. To move to a new phone, ask the partnership team to reset it for you.",
        "cannot_generate_recovery_codes": "Set up an authenticator app before you create "
        "recovery codes.",
        "incorrect_code": "The security code is not right. Check it and try again.",
        "unverified_email": "Confirm your email address before you set up an authenticator app.",
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """People whose role needs MFA keep their authenticator app."""
        user: Any = authenticator.user
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(user):
            return False
        return super().can_delete_authenticator(authenticator)
