"""Template tags for the sign-in security pages, which allauth renders without our context."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.mfa import mfa_required

register = template.Library()


@register.simple_tag
def mfa_is_required(user: Any) -> bool:
    """Whether this person's role needs an authenticator app (so it cannot be turned off)."""
    return bool(user and user.is_authenticated and mfa_required(user))
