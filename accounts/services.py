"""Writes for accounts: invitations, the membership a new person gets when they sign up,
proving control of an email address before setting up an authenticator app, and sending
allauth's emails once the transaction commits."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.mfa import (
    ENROLMENT_CODE_ATTEMPTS,
    ENROLMENT_CODE_LIFETIME,
    ENROLMENT_CODE_RESEND_AFTER,
    ENROLMENT_CODE_SESSION_KEY,
    ENROLMENT_CODES_PER_HOUR,
    ENROLMENT_PROOF_SESSION_KEY,
    EnrolmentCode,
    EnrolmentProof,
    EnrolmentProofMethod,
)
from accounts.models import Invitation, User
from organisations.enums import MembershipKind
from organisations.models import JobRole, Membership, Organisation

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

logger = logging.getLogger(__name__)


def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    kind: str,
    invited_by: User | None,
    job_role: JobRole | None = None,
    line_manager: Membership | None = None,
    start_date: date | None = None,
    governor_category: str = "",
    governor_role: str = "",
    term_end: date | None = None,
    send: bool = True,
) -> Invitation:
    """Invite a person to join an organisation. The email goes out once the transaction commits."""
    invitation = Invitation(
        organisation=organisation,
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        kind=kind,
        job_role=job_role,
        line_manager=line_manager,
        start_date=start_date or timezone.localdate(),
        governor_category=governor_category,
        governor_role=governor_role,
        term_end=term_end,
        invited_by=invited_by,
    )
    invitation.full_clean(validate_constraints=False)
    invitation.save()
    if send:
        invitations_send_on_commit(ids=[invitation.pk])
    return invitation


def invitations_send_on_commit(*, ids: list[int]) -> None:
    """Queue the invitation emails once the surrounding transaction has committed."""
    from accounts.tasks import invitations_send_task

    if ids:
        transaction.on_commit(lambda: invitations_send_task.delay(ids))


def invitation_send(*, invitation: Invitation) -> bool:
    """Email one invitation, unless it was already sent or can no longer be used.

    The `sent_at` stamp is set in the same row lock as the check, so a task that runs twice
    sends once.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.sent_at is not None or not locked.is_usable:
            return False
        context = {
            "invitation": locked,
            "accept_url": settings.SITE_URL.rstrip("/") + locked.get_absolute_url(),
            "partnership_name": settings.PARTNERSHIP_NAME,
            "has_account": locked.has_account,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
        EmailMultiAlternatives(subject=subject, body=body, to=[locked.email]).send()
        locked.sent_at = timezone.now()
        locked.save(update_fields=["sent_at"])
    logger.info("invitation sent", extra={"invitation_id": locked.pk})
    return True


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Give the person the membership their invitation describes."""
    if not invitation.is_usable:
        raise ValidationError("This invitation has expired or has already been used.")
    if invitation.email.lower() != user.email.lower():
        raise ValidationError("This invitation was sent to a different email address.")
    with transaction.atomic():
        membership = Membership(
            user=user,
            organisation=invitation.organisation,
            kind=invitation.kind,
            job_role=invitation.job_role,
            line_manager=invitation.line_manager,
            start_date=invitation.start_date,
            governor_category=invitation.governor_category,
            governor_role=invitation.governor_role,
            term_end=invitation.term_end,
        )
        membership.full_clean()
        membership.save()
        invitation.accepted_at = timezone.now()
        invitation.membership = membership
        invitation.save(update_fields=["accepted_at", "membership"])
    logger.info("invitation accepted", extra={"invitation_id": invitation.pk, "user_id": user.pk})
    return membership


def signup_membership_create(
    *, user: User, invitation: Invitation | None, organisation: Organisation | None
) -> Membership:
    """The first membership of someone who has just signed up.

    With an invitation they get what it describes. Otherwise they join the organisation they
    chose, which must list their email domain, as staff with no job role yet: their
    coordinator completes it.
    """
    from accounts.selectors import organisations_for_email

    if invitation is not None:
        return invitation_accept(invitation=invitation, user=user)
    if organisation is None:
        raise ValidationError("Select the organisation you work for.")
    if not organisations_for_email(email=user.email).filter(pk=organisation.pk).exists():
        raise ValidationError(
            f"{organisation} does not use the email domain of {user.email}, so you cannot "
            "join it without an invitation."
        )
    membership = Membership(user=user, organisation=organisation, kind=MembershipKind.STAFF)
    membership.full_clean()
    membership.save()
    logger.info(
        "signed up by email domain",
        extra={"user_id": user.pk, "organisation_id": organisation.pk},
    )
    return membership


def email_message_send_on_commit(*, message: EmailMessage) -> None:
    """Send an already rendered email from a task, once the surrounding transaction commits.

    allauth renders its emails inside the request (they need the request for links); only
    the sending, which may be slow or fail, moves to the task queue.
    """
    from accounts.tasks import email_message_send_task

    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }
    transaction.on_commit(lambda: email_message_send_task.delay(payload))


def email_message_send(
    *,
    subject: str,
    body: str,
    from_email: str | None,
    to: list[str],
    alternatives: list[list[str]] | None = None,
) -> None:
    """Send one email, with any alternative (HTML) bodies."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    for content, mimetype in alternatives or []:
        message.attach_alternative(content, mimetype)
    message.send()


def invitations_delete_expired(*, older_than_days: int = 90) -> int:
    """Delete unused invitations that expired long ago: they hold personal data for no purpose."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted


def authenticators_reset(*, user: User) -> int:
    """Remove a person's authenticator app and recovery codes, so they can set up a new phone.

    For the partnership team to run (`manage.py mfa_reset`) when someone has lost their phone
    and their recovery codes. Someone whose role needs MFA is asked to set it up again at their
    next page.
    """
    from allauth.mfa.models import Authenticator

    deleted, _ = Authenticator.objects.filter(user=user).delete()
    logger.warning("authenticators reset", extra={"user_id": user.pk, "deleted": deleted})
    return deleted


ENROLMENT_CODE_TOO_MANY_WRONG = (
    f"You have entered a wrong code {ENROLMENT_CODE_ATTEMPTS} times, so that code no longer "
    "works. Ask for a new code."
)


def mfa_enrolment_proof_record(
    *, session: SessionBase, user: User, email: str, how: EnrolmentProofMethod
) -> None:
    """Record that this session showed it controls `email`, one of the person's addresses.

    It counts (`accounts.mfa.mfa_enrolment_proven`) only while `email` is their sign-in address.
    """
    proof: EnrolmentProof = {"user_id": user.pk, "email": email.strip().lower(), "how": how}
    session[ENROLMENT_PROOF_SESSION_KEY] = proof
    logger.info("mfa enrolment email proven", extra={"user_id": user.pk, "how": how})


def _enrolment_code_digest(*, user_id: int, email: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the session table alone does not give the code away.
    return salted_hmac(
        "accounts.mfa_enrolment_code", f"{user_id}:{email}:{code}", algorithm="sha256"
    ).hexdigest()


def _enrolment_code_sending_allow(*, user: User, now: datetime) -> None:
    """Count a code sent to this person, or refuse when they asked too recently or too often.

    Counted per person in the cache, across sessions: each code allows a few guesses, so the
    number of codes is what limits someone guessing.
    """
    key = f"accounts:mfa-enrolment-codes-sent:{user.pk}"
    hour_ago = (now - timedelta(hours=1)).timestamp()
    sent = [at for at in cache.get(key, []) if at > hour_ago]
    if sent and now.timestamp() - max(sent) < ENROLMENT_CODE_RESEND_AFTER.total_seconds():
        raise ValidationError(
            "We sent you a code less than a minute ago. Check your email, or wait a minute "
            "before you ask for another.",
            code="too_soon",
        )
    if len(sent) >= ENROLMENT_CODES_PER_HOUR:
        raise ValidationError(
            f"You have asked for {ENROLMENT_CODES_PER_HOUR} codes in the last hour. Wait an "
            "hour, then try again.",
            code="too_many_codes",
        )
    cache.set(key, [*sent, now.timestamp()], timeout=60 * 60)


def mfa_enrolment_code_send(*, session: SessionBase, user: User) -> None:
    """Email the person a new 6-digit code that proves this session controls their address.

    The code replaces any sent before and is kept in the session only as a keyed hash. Raises
    ValidationError when the person has no address, or asked too recently or too often.
    """
    email = user.email.strip().lower()
    if not email:
        raise ValidationError(
            "Your account has no email address. Ask the partnership team to add one.",
            code="no_email",
        )
    now = timezone.now()
    _enrolment_code_sending_allow(user=user, now=now)
    code = f"{secrets.randbelow(10**6):06d}"
    expires_at = now + ENROLMENT_CODE_LIFETIME
    pending: EnrolmentCode = {
        "user_id": user.pk,
        "email": email,
        "digest": _enrolment_code_digest(user_id=user.pk, email=email, code=code),
        "expires_at": expires_at.isoformat(),
        "wrong_attempts": 0,
    }
    session[ENROLMENT_CODE_SESSION_KEY] = pending
    context = {
        "user": user,
        "code": code,
        "minutes": int(ENROLMENT_CODE_LIFETIME.total_seconds() // 60),
        "partnership_name": settings.PARTNERSHIP_NAME,
        "password_reset_url": settings.SITE_URL.rstrip("/") + reverse("account_reset_password"),
    }
    subject = render_to_string("mfa/email/enrolment_code_subject.txt", context).strip()
    body = render_to_string("mfa/email/enrolment_code_message.txt", context)
    email_message_send_on_commit(
        message=EmailMultiAlternatives(subject=subject, body=body, to=[user.email])
    )
    logger.info("mfa enrolment code sent", extra={"user_id": user.pk})


def mfa_enrolment_code_check(*, session: SessionBase, user: User, code: str) -> None:
    """Record the proof when `code` is the one we emailed; otherwise raise ValidationError.

    A wrong code only counts against the code: after ENROLMENT_CODE_ATTEMPTS wrong ones it stops
    working, even if the right one follows.
    """
    pending = session.get(ENROLMENT_CODE_SESSION_KEY)
    email = user.email.strip().lower()
    if (
        not isinstance(pending, dict)
        or pending.get("user_id") != user.pk
        or pending.get("email") != email
    ):
        raise ValidationError(
            "We have not emailed you a code yet. Ask for a code first.", code="no_code"
        )
    if pending["wrong_attempts"] >= ENROLMENT_CODE_ATTEMPTS:
        raise ValidationError(ENROLMENT_CODE_TOO_MANY_WRONG, code="too_many_wrong")
    if datetime.fromisoformat(pending["expires_at"]) <= timezone.now():
        raise ValidationError("This code has expired. Ask for a new code.", code="expired")
    given = _enrolment_code_digest(user_id=user.pk, email=email, code=code.strip())
    if not constant_time_compare(given, pending["digest"]):
        pending["wrong_attempts"] += 1
        session[ENROLMENT_CODE_SESSION_KEY] = pending  # saved again: the count changed
        left = ENROLMENT_CODE_ATTEMPTS - pending["wrong_attempts"]
        logger.warning(
            "mfa enrolment code wrong", extra={"user_id": user.pk, "attempts_left": left}
        )
        if left == 0:
            raise ValidationError(ENROLMENT_CODE_TOO_MANY_WRONG, code="too_many_wrong")
        tries = "1 more time" if left == 1 else f"{left} more times"
        raise ValidationError(
            f"The code is not right. Check it and try again. You can try {tries}.",
            code="incorrect",
        )
    del session[ENROLMENT_CODE_SESSION_KEY]
    mfa_enrolment_proof_record(session=session, user=user, email=email, how="emailed_code")
