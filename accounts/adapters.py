"""allauth's account adapter: our wording, the partnership's name in emails, email sent on commit.

Who may sign up is decided by `accounts.selectors.signup_route_for` (an invitation or an email
domain), which the sign-up forms apply; the adapter only keeps sign-up open.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from accounts.models import Invitation

INVITATION_SESSION_KEY = "invitation_token"


def invitation_from_session(request: HttpRequest | None) -> Invitation | None:
    """The usable invitation whose link this browser followed, if any."""
    from accounts.selectors import invitation_usable_by_token

    if request is None or not hasattr(request, "session"):
        return None
    token = request.session.get(INVITATION_SESSION_KEY)
    return invitation_usable_by_token(token=token) if token else None


class AccountAdapter(DefaultAccountAdapter):
    """Plain-English messages, and emails that name the partnership and go out on commit."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "This account has been closed. Contact your training coordinator.",
        "cannot_remove_primary_email": "You cannot remove the email address you sign in with.",
        "duplicate_email": "This email address is already on your account.",
        "email_password_mismatch": "The email address or password is not right. Check them "
        "and try again.",
        "email_taken": "An account already uses this email address.",
        "enter_current_password": "Enter your current password.",
        "incorrect_code": "The code is not right. Check it and try again.",
        "incorrect_password": "The password is not right. Check it and try again.",
        "invalid_or_expired_key": "This link has expired or has already been used.",
        "invalid_login": "The email address or password is not right. Check them and try again.",
        "invalid_password_reset": "This link has expired or has already been used.",
        "max_email_addresses": "You cannot add more than %d email addresses.",
        "too_many_login_attempts": "You have tried to sign in too many times. Wait 5 minutes, "
        "then try again, or reset your password.",
        "unknown_email": "No account uses this email address.",
        "unverified_primary_email": "Confirm your email address first.",
        "same_as_current": "Enter a different email address from the one you use now.",
        "rate_limited": "You have done this too many times. Wait a few minutes, then try again.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Open, but the sign-up forms only accept an invitation's address or an address on an
        # organisation's allowed domains (accounts.selectors.signup_route_for).
        return True

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's email now, and send it from a task once the transaction commits."""
        from accounts.services import email_message_send_on_commit

        request = allauth_context.request
        full_context: dict[str, Any] = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "partnership_name": settings.PARTNERSHIP_NAME,
        }
        full_context.update(context)
        message = self.render_mail(template_prefix, email, full_context)
        email_message_send_on_commit(message=message)
