"""Keeps people who must use MFA out of every page until they have set it up."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.mfa import mfa_enrolled, mfa_required

# Pages someone without MFA can still reach: signing in and out, setting up MFA, their
# account, and the public information pages.
ALLOWED_PREFIXES = (
    "/accounts/",
    "/static/",
    "/media/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
)


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and mfa_required(user)  # type: ignore[arg-type]
            and not mfa_enrolled(user)  # type: ignore[arg-type]
        ):
            messages.info(
                request,
                "Your role lets you see other people's information, so you need to set up "
                "an authenticator app before you continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
