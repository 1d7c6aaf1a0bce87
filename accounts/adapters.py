"""allauth adapter: who may sign up, and the membership they get when they do."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from accounts.models import Invitation

INVITATION_SESSION_KEY = "invitation_token"


def invitation_from_session(request: HttpRequest) -> Invitation | None:
    """The usable invitation whose link this browser followed, if any."""
    from accounts.selectors import invitation_usable_by_token

    token = request.session.get(INVITATION_SESSION_KEY)
    return invitation_usable_by_token(token=token) if token else None


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Open, but the sign-up form only accepts an invitation's address or an address on an
        # organisation's allowed domains (see accounts.forms.SignupDetailsForm).
        return True

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from django.conf import settings

        context.setdefault("partnership_name", settings.PARTNERSHIP_NAME)
        super().send_mail(template_prefix, email, context)
