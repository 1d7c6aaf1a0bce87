"""Signal receivers for accounts. Each only hands over to a service."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.services import mfa_enrolment_proof_record


@receiver(email_confirmed, dispatch_uid="accounts.mfa_enrolment_proof_on_email_confirmed")
def mfa_enrolment_proof_on_email_confirmed(
    sender: Any, request: HttpRequest | None, email_address: EmailAddress, **kwargs: Any
) -> None:
    """Following allauth's confirmation link proves this browser reads the person's email.

    Only for the person themselves (or a browser not yet signed in): the partnership team
    marking an address confirmed in the admin proves nothing about their own session.
    """
    session = getattr(request, "session", None)
    if request is None or session is None:
        return
    signed_in = request.user
    if signed_in.is_authenticated and signed_in.pk != email_address.user_id:
        return
    mfa_enrolment_proof_record(
        session=session,
        user=email_address.user,
        email=email_address.email,
        how="email_confirmation",
    )
