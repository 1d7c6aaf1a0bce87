"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Invitation
from organisations.models import Organisation


def invitation_usable_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.pending().select_related("organisation").filter(token=token).first()


def organisations_for_email(*, email: str) -> QuerySet[Organisation]:
    """Organisations whose allowed email domains include this address's domain."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return Organisation.objects.filter(email_domains__domain=domain).distinct()
