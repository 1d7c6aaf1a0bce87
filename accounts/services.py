"""Writes for accounts: invitations and the membership a new person gets when they sign up."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
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
    logger.info(
        "invitation accepted", extra={"invitation_id": invitation.pk, "user_id": user.pk}
    )
    return membership


def signup_membership_create(
    *, user: User, invitation: Invitation | None, organisation: Organisation | None
) -> Membership:
    """The first membership of someone who has just signed up.

    With an invitation they get what it describes. Otherwise they join the organisation they
    chose, whose email domain matches theirs, as staff with no job role yet: their
    coordinator completes it.
    """
    if invitation is not None:
        return invitation_accept(invitation=invitation, user=user)
    if organisation is None:
        raise ValidationError("Choose your organisation.")
    membership = Membership(user=user, organisation=organisation, kind=MembershipKind.STAFF)
    membership.full_clean()
    membership.save()
    return membership


def invitations_delete_expired(*, older_than_days: int = 90) -> int:
    """Delete unused invitations that expired long ago: they hold personal data for no purpose."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
