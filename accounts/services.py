"""Writes for accounts: invitations, the membership a new person gets when they sign up, and
sending allauth's emails once the transaction commits."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Invitation, User
from organisations.enums import MembershipKind
from organisations.models import JobRole, Membership, Organisation

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
