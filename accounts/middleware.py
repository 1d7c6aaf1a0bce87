"""Keeps people who must use MFA out of every page until they have set it up, and keeps anyone
from setting it up with a password alone."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from accounts.mfa import mfa_enrolled, mfa_enrolment_needs_proof, mfa_required

# Pages someone without MFA can still reach: setting MFA up (which may ask for their password
# again, needs a confirmed email address and the code we email), signing out, accepting an
# invitation emailed to them, and the public information pages. Listed by URL name, so a new
# page under /accounts/ is closed until someone adds it here.
ALLOWED_URL_NAMES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "account_email",
        "account_confirm_email",
        "account_email_verification_sent",
        "mfa_index",
        "mfa_enrolment_confirm",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "invitation_accept",
        "accessibility",
        "privacy",
        "cookies",
    }
)
# Files, which never show anyone's information.
ALLOWED_PREFIXES = ("/static/", "/media/", "/favicon")
# allauth's page for setting up an authenticator app, which needs proof beyond the password.
SET_UP_URL_NAME = "mfa_activate_totp"

NEEDS_MFA_MESSAGE = (
    "Your role lets you see other people's information, so you need to set up an "
    "authenticator app before you continue."
)


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


def _allowed_without_mfa(request: HttpRequest, url_name: str | None) -> bool:
    return request.path.startswith(ALLOWED_PREFIXES) or url_name in ALLOWED_URL_NAMES


class RequireMFAMiddleware:
    """Sends a signed-in person who must use MFA, and has not set it up, to set it up; and
    sends anyone who has not yet proved they control their email address (accounts.mfa) from
    the set-up page to "Confirm it is you", for GET and POST alike.

    Runs after authentication, so it covers every view, Wagtail's admin included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        url_name = None if request.path.startswith(ALLOWED_PREFIXES) else _url_name(request)
        if url_name == SET_UP_URL_NAME and mfa_enrolment_needs_proof(
            session=request.session, user=user
        ):
            return redirect("accounts:mfa_enrolment_confirm")
        if (
            not _allowed_without_mfa(request, url_name)
            and mfa_required(user)
            and not mfa_enrolled(user)
        ):
            messages.info(request, NEEDS_MFA_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
