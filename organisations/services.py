"""Writes for an organisation's people: inviting (people with an account too, who must
accept), changing and ending memberships, and sending again or withdrawing invitations.

Each function checks the rules about the data it writes and raises `ValidationError` with
plain-English messages keyed by field, so a form can show them. Who may call them is checked by
the caller with `organisations.permissions`; the flags a person may grant are checked here too,
because a form that forgot would otherwise hand out coordinator rights.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Invitation, User
from accounts.services import invitation_create, invitations_send_on_commit
from organisations.enums import MEMBER_PHRASES, GovernorCategory, GovernorRole, MembershipKind
from organisations.models import JobRole, Membership, Organisation
from organisations.permissions import (
    FLAG_CLERK,
    FLAG_COORDINATOR,
    FLAG_WEB_EDITOR,
    flags_grantable_in,
)
from organisations.selectors import job_roles_for

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# Emails to people added in bulk go out in tasks of this many, so several workers share them.
NOTIFY_TASK_SIZE = 100


def membership_invite(
    *,
    organisation: Organisation,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    kind: str,
    job_role: JobRole | None = None,
    line_manager: Membership | None = None,
    start_date: date | None = None,
    governor_category: str = "",
    governor_role: str = "",
    term_end: date | None = None,
) -> Invitation:
    """Invite one person. The membership starts only when they accept: people with an account
    already sign in to accept, everyone else creates their account. The email goes out once
    the transaction commits.
    """
    email = email.strip().lower()
    start_date = start_date or timezone.localdate()
    errors = _membership_fields_errors(
        organisation=organisation,
        kind=kind,
        job_role=job_role,
        line_manager=line_manager,
        start_date=start_date,
        governor_category=governor_category,
        governor_role=governor_role,
        term_end=term_end,
    )
    member = MEMBER_PHRASES[MembershipKind(kind)]
    domains = list(organisation.email_domains.values_list("domain", flat=True))
    if kind == MembershipKind.STAFF and domains and email.rsplit("@", 1)[-1] not in domains:
        endings = " or ".join(f"@{domain}" for domain in sorted(domains))
        errors["email"] = (
            f"Enter a work email address for {organisation}. Staff must use an address "
            f"ending {endings}."
        )
    elif (
        _open_memberships(organisation=organisation, kind=kind)
        .filter(user__email__iexact=email)
        .exists()
    ):
        errors["email"] = f"{email} is already {member} at {organisation}."
    elif (
        _open_invitations(organisation=organisation, kind=kind).filter(email__iexact=email).exists()
    ):
        errors["email"] = (
            f"{email} has already been invited. Send the invitation again from the "
            "invitations page instead."
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and not user.is_active and "email" not in errors:
        errors["email"] = (
            f"The account for {email} has been switched off. Ask the partnership team to "
            "switch it back on."
        )
    if errors:
        raise ValidationError(errors)
    # Someone who already has an account is invited too, never added outright: joining an
    # organisation changes what they see and whose requirements they count towards, so they
    # must agree (sign in and accept), whatever kind of member the organisation calls them.
    return invitation_create(
        email=email,
        first_name=first_name or (user.first_name if user else ""),
        last_name=last_name or (user.last_name if user else ""),
        invited_by=invited_by,
        organisation=organisation,
        kind=kind,
        job_role=job_role,
        line_manager=line_manager,
        start_date=start_date,
        governor_category=governor_category,
        governor_role=governor_role,
        term_end=term_end,
    )


def membership_update(
    *,
    membership: Membership,
    updated_by: User,
    start_date: date,
    job_role: JobRole | None = None,
    line_manager: Membership | None = None,
    governor_category: str = "",
    governor_role: str = "",
    term_end: date | None = None,
    is_coordinator: bool | None = None,
    is_clerk: bool | None = None,
    is_web_editor: bool | None = None,
) -> Membership:
    """Change a membership's details and role flags. A flag left as None is not changed.

    Raises PermissionDenied when asked to change a flag the person may not grant here.
    """
    organisation = membership.organisation
    flags = {
        FLAG_COORDINATOR: is_coordinator,
        FLAG_CLERK: is_clerk,
        FLAG_WEB_EDITOR: is_web_editor,
    }
    changing = {
        name
        for name, value in flags.items()
        if value is not None and value != getattr(membership, name)
    }
    if changing - set(flags_grantable_in(updated_by, organisation)):
        raise PermissionDenied("You cannot change these responsibilities in this organisation.")
    errors = _membership_fields_errors(
        organisation=organisation,
        kind=membership.kind,
        job_role=job_role,
        line_manager=line_manager,
        start_date=start_date,
        governor_category=governor_category,
        governor_role=governor_role,
        term_end=term_end,
        membership=membership,
    )
    if membership.end_date is not None and start_date > membership.end_date:
        errors["start_date"] = (
            f"The start date must be on or before the day the membership ends, "
            f"{date_format(membership.end_date, 'j F Y')}."
        )
    if errors:
        raise ValidationError(errors)
    membership.job_role = job_role
    membership.line_manager = line_manager
    membership.start_date = start_date
    membership.governor_category = governor_category
    membership.governor_role = governor_role
    membership.term_end = term_end
    for name in changing:
        setattr(membership, name, flags[name])
    membership.full_clean()
    membership.save()
    logger.info(
        "membership updated",
        extra={
            "membership_id": membership.pk,
            "updated_by": updated_by.pk,
            "flags_changed": sorted(changing),
        },
    )
    return membership


def membership_end(*, membership: Membership, ended_by: User, end_date: date) -> Membership:
    """Record the last day of a membership. Their record stays; they no longer appear as current."""
    if membership.end_date is not None:
        ends = date_format(membership.end_date, "j F Y")
        raise ValidationError({"end_date": f"This membership already ends on {ends}."})
    if end_date < membership.start_date:
        raise ValidationError(
            {
                "end_date": "The end date must be on or after the start date, "
                f"{date_format(membership.start_date, 'j F Y')}."
            }
        )
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    logger.info(
        "membership ended",
        extra={"membership_id": membership.pk, "ended_by": ended_by.pk, "end_date": end_date},
    )
    return membership


def invitation_resend(*, invitation: Invitation, sent_by: User) -> Invitation:
    """Send an invitation again with a new link that works for the full period.

    The old link stops working, so a forwarded or leaked email cannot be used.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            raise ValidationError("This invitation has already been accepted or withdrawn.")
        invitation.token = Invitation._meta.get_field("token").get_default()
        invitation.expires_at = Invitation._meta.get_field("expires_at").get_default()
        invitation.sent_at = None
        invitation.save(update_fields=["token", "expires_at", "sent_at"])
        invitations_send_on_commit(ids=[invitation.pk])
    logger.info(
        "invitation sent again", extra={"invitation_id": invitation.pk, "sent_by": sent_by.pk}
    )
    return invitation


def invitation_withdraw(*, invitation: Invitation, withdrawn_by: User) -> Invitation:
    """Stop an invitation from being used. Its link then shows that it no longer works."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError("This invitation has already been accepted.")
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
    logger.info(
        "invitation withdrawn",
        extra={"invitation_id": invitation.pk, "withdrawn_by": withdrawn_by.pk},
    )
    return invitation


def memberships_added_notify_on_commit(*, ids: Sequence[int]) -> None:
    """Queue the "you have been added" emails once the surrounding transaction commits."""
    from organisations.tasks import memberships_added_notify_task

    for start in range(0, len(ids), NOTIFY_TASK_SIZE):
        chunk = list(ids[start : start + NOTIFY_TASK_SIZE])
        transaction.on_commit(partial(memberships_added_notify_task.delay, chunk))


def membership_added_notify(*, membership: Membership) -> None:
    """Tell someone with an account that they have been added to an organisation."""
    context = {
        "membership": membership,
        "member": MEMBER_PHRASES[MembershipKind(membership.kind)],
        "sign_in_url": settings.SITE_URL.rstrip("/") + "/",
        "partnership_name": settings.PARTNERSHIP_NAME,
    }
    subject = render_to_string("organisations/email/membership_added_subject.txt", context)
    body = render_to_string("organisations/email/membership_added_message.txt", context)
    EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, to=[membership.user.email]
    ).send()
    logger.info("membership added email sent", extra={"membership_id": membership.pk})


def _open_memberships(*, organisation: Organisation, kind: str) -> QuerySet[Membership]:
    """Memberships of this kind that have not ended: a second one cannot be added."""
    today = timezone.localdate()
    return Membership.objects.filter(organisation=organisation, kind=kind).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )


def _open_invitations(*, organisation: Organisation, kind: str) -> QuerySet[Invitation]:
    """Invitations not accepted or withdrawn, expired ones included: send those again instead."""
    return Invitation.objects.filter(
        organisation=organisation, kind=kind, accepted_at__isnull=True, revoked_at__isnull=True
    )


def _membership_fields_errors(
    *,
    organisation: Organisation,
    kind: str,
    job_role: JobRole | None,
    line_manager: Membership | None,
    start_date: date,
    governor_category: str,
    governor_role: str,
    term_end: date | None,
    membership: Membership | None = None,
) -> dict[str, str]:
    """Plain-English problems with the details of a membership, keyed by field."""
    errors: dict[str, str] = {}
    if kind == MembershipKind.GOVERNOR:
        if job_role is not None or line_manager is not None:
            errors["job_role"] = "Governors do not have a job role or line manager here."
        if governor_category not in GovernorCategory.values:
            errors["governor_category"] = "Choose the governor's category."
        if governor_role and governor_role not in GovernorRole.values:
            errors["governor_role"] = "Choose a governor role, or none."
        if term_end is not None and term_end < start_date:
            errors["term_end"] = "The term of office must end on or after the start date."
        return errors
    if governor_category or governor_role or term_end is not None:
        errors["governor_category"] = "Only governors have a category, role and term of office."
    roles = job_roles_for(organisation=organisation)
    if job_role is not None and not roles.filter(pk=job_role.pk).exists():
        sector = organisation.get_sector_display().lower()
        errors["job_role"] = f"Choose a job role used in {sector}."
    if line_manager is not None:
        is_own = membership is not None and line_manager.pk == membership.pk
        is_current_staff = (
            Membership.objects.current()
            .staff()
            .filter(organisation=organisation, pk=line_manager.pk)
            .exists()
        )
        if is_own:
            errors["line_manager"] = "A person cannot be their own line manager."
        elif not is_current_staff:
            errors["line_manager"] = (
                f"Choose a line manager who is a current member of staff at {organisation}."
            )
    return errors
