"""The social sign-in adapter: the rules a Microsoft sign-in must pass before anyone gets in.

Microsoft Entra ID is the only provider (see `accounts.entra`). An existing Microsoft
connection signs its person in (allauth then asks for their authenticator code if they use
one). A Microsoft sign-in by someone we do not know yet:

- is refused when any account already uses that email address: it is never joined to that
  account, because an email match proves nothing about who holds it; the person signs in with
  their password and connects Microsoft from their account page;
- is refused when the address has neither an invitation nor an organisation's email domain;
- otherwise creates the account and its first membership, asking which organisation only when
  the domain is shared.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import user_email, user_field
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from accounts.adapters import INVITATION_SESSION_KEY, invitation_from_session
from accounts.selectors import SignupRoute, signup_route_for, user_with_email_exists

ACCOUNT_EXISTS = "account_exists"
NOT_IN_PARTNERSHIP = "not_in_partnership"
NO_EMAIL = "no_email"


class EntraSocialAccountAdapter(DefaultSocialAccountAdapter):
    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        "email_taken": "An account already uses this email address. Sign in with your password, "
        "then connect your %s account from your account page.",
        "no_password": "Set a password before you disconnect your Microsoft account, or you "
        "will not be able to sign in.",
        "no_verified_email": "Confirm your email address before you disconnect your Microsoft "
        "account.",
        "connected_other": "This Microsoft account is already connected to another account.",
    }

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse a sign-in by someone new who may not have an account made for them."""
        if sociallogin.is_existing:
            return
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A signed-in person is connecting Microsoft to their own account.
            return
        email = user_email(sociallogin.user) or ""
        if not email:
            self._refuse(request, NO_EMAIL)
        if user_with_email_exists(email=email):
            self._refuse(request, ACCOUNT_EXISTS, email=email)
        if not self._route(request, sociallogin).allowed:
            self._refuse(request, NOT_IN_PARTNERSHIP, email=email)

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """Sign up straight away unless we must ask for the organisation or a name."""
        user = sociallogin.user
        has_names = bool(user_field(user, "first_name") and user_field(user, "last_name"))
        return (
            super().is_auto_signup_allowed(request, sociallogin)
            and has_names
            and not self._route(request, sociallogin).needs_organisation_choice
        )

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        """Create the account and, when there was no form to ask, its first membership.

        With a form, accounts.forms.SignupDetailsForm.signup creates the membership.
        """
        from accounts.services import signup_membership_create

        stashed = request.session.get("account_verified_email")
        if stashed and stashed.lower() != (user_email(sociallogin.user) or "").lower():
            # An invitation link for another address stashed it as verified; allauth would
            # add it to this account. Only the Microsoft address belongs here.
            get_account_adapter(request).unstash_verified_email(request)
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            if form is None:
                route = self._route(request, sociallogin)
                signup_membership_create(
                    user=user, invitation=route.invitation, organisation=route.organisation
                )
        request.session.pop(INVITATION_SESSION_KEY, None)
        return user

    @staticmethod
    def _route(request: HttpRequest, sociallogin: SocialLogin) -> SignupRoute:
        return signup_route_for(
            email=user_email(sociallogin.user) or "",
            invitation=invitation_from_session(request),
        )

    @staticmethod
    def _refuse(request: HttpRequest, reason: str, email: str = "") -> None:
        response = render(
            request,
            "socialaccount/entra_refused.html",
            {"reason": reason, "email": email},
            status=403,
        )
        raise ImmediateHttpResponse(response)
