"""The MFA policy: who must use an authenticator app, and whether they have one.

People who can see other people's information or publish content (the partnership team,
trainers, coordinators, clerks, web editors, and anyone who can use the content admin) must
set up an authenticator app before they reach any page (accounts.middleware). Everyone else
may choose to. allauth asks for the code at sign-in once an app is set up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from accounts.roles import roles_for

if TYPE_CHECKING:
    from accounts.models import User


def mfa_required(user: User) -> bool:
    """Whether this person must use an authenticator app."""
    if not user.is_authenticated:
        return False
    # Content admin users can publish, and superusers can do anything: same rule as the roles.
    return user.is_superuser or user.is_staff or roles_for(user).privileged


def mfa_enrolled(user: User) -> bool:
    """Whether this person has an authenticator app set up."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


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
