"""The MFA policy: who must use an authenticator app, and whether they have one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

from accounts.roles import roles_for

if TYPE_CHECKING:
    from accounts.models import User


def mfa_required(user: User) -> bool:
    """The partnership team, trainers, coordinators, clerks and web editors must use MFA."""
    return user.is_authenticated and roles_for(user).privileged


def mfa_enrolled(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
