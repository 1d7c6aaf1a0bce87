"""Keeps people who must use MFA out of every page until they have set it up."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from accounts.mfa import mfa_enrolled, mfa_required

# Pages someone without MFA can still reach: setting MFA up (which may ask for their password
# again, and needs a confirmed email address), signing out, and the public information pages.
# Listed by URL name, so a new page under /accounts/ is closed until someone adds it here.
ALLOWED_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "accessibility",
        "privacy",
        "cookies",
    }
)
# Files, which never show anyone's information.
ALLOWED_PREFIXES = ("/static/", "/media/", "/favicon")

NEEDS_MFA_MESSAGE = (
    "Your role lets you see other people's information, so you need to set up an "
    "authenticator app before you continue."
)


def _allowed_without_mfa(request: HttpRequest) -> bool:
    if request.path.startswith(ALLOWED_PREFIXES):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in ALLOWED_URL_NAMES


class RequireMFAMiddleware:
    """Sends a signed-in person who must use MFA, and has not set it up, to set it up.

    Runs after authentication, so it covers every view, Wagtail's admin included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not _allowed_without_mfa(request)
            and mfa_required(user)
            and not mfa_enrolled(user)
        ):
            messages.info(request, NEEDS_MFA_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
