"""Views for accounts: accepting an invitation, the account overview, and the emailed code that
comes before setting up an authenticator app.

The home page is a Wagtail page (`cms.models.HomePage`); what it shows a signed-in person comes
from `accounts.selectors.dashboard_for`.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from allauth.socialaccount.adapter import get_adapter as get_socialaccount_adapter
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.adapters import INVITATION_SESSION_KEY
from accounts.forms import MFAEnrolmentCodeForm
from accounts.mfa import (
    ENROLMENT_CODE_LIFETIME,
    mfa_enrolled,
    mfa_enrolment_code_pending,
    mfa_enrolment_proven,
    mfa_required,
)
from accounts.selectors import invitation_usable_by_token, user_with_email_exists
from accounts.services import (
    invitation_accept,
    mfa_enrolment_code_check,
    mfa_enrolment_code_send,
    mfa_enrolment_proof_record,
)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Follow an invitation link.

    Someone new is sent to create an account with the invited address, which counts as
    verified because the link reached them at that address. Someone who already has an
    account signs in first, then confirms here that they want to join.
    """
    invitation = invitation_usable_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_unusable.html", status=404)
    user = request.user
    if not user.is_authenticated:
        if user_with_email_exists(email=invitation.email):
            messages.info(
                request, "You already have an account. Sign in to accept your invitation."
            )
            query = urlencode({"next": invitation.get_absolute_url()})
            return redirect(f"{reverse('account_login')}?{query}")
        request.session[INVITATION_SESSION_KEY] = invitation.token
        get_adapter(request).stash_verified_email(request, invitation.email)
        return redirect(f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}")
    if invitation.email.lower() != user.email.lower():
        return render(
            request,
            "accounts/invitation_unusable.html",
            {
                "reason": f"This invitation was sent to {invitation.email}, but you are signed "
                f"in as {user.email}. Sign out, then select the link in the email again.",
            },
            status=403,
        )
    if request.method == "POST":
        try:
            invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"reason": " ".join(error.messages)},
                status=400,
            )
        # The link reached them at their address: proof enough to set up an authenticator app.
        mfa_enrolment_proof_record(
            session=request.session, user=user, email=invitation.email, how="invitation"
        )
        messages.success(request, f"You have joined {invitation.organisation}.")
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # login_required; narrows the type for mypy
    entra_configured = any(
        provider.id == "entra"
        for provider in get_socialaccount_adapter(request).list_providers(request)
    )
    context = {
        "mfa_required": mfa_required(user),
        "mfa_enrolled": mfa_enrolled(user),
        "entra_configured": entra_configured,
        "entra_connected": SocialAccount.objects.filter(user=user, provider="entra").exists(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrolment_confirm_view(request: HttpRequest) -> HttpResponse:
    """The "Confirm it is you" page: the code we email before someone may set up an app.

    A password alone must not be enough to tie the account to a phone (accounts.mfa). The
    middleware sends anyone without proof here from allauth's set-up page; once the right code
    is entered, they go back to it.
    """
    user = request.user
    assert user.is_authenticated  # login_required; narrows the type for mypy
    if mfa_enrolled(user):
        return redirect("mfa_index")
    if mfa_enrolment_proven(session=request.session, user=user):
        return redirect("mfa_activate_totp")
    form = MFAEnrolmentCodeForm()
    if request.method == "POST" and "send" in request.POST:
        try:
            mfa_enrolment_code_send(session=request.session, user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"We have emailed a code to {user.email}.")
        return redirect("accounts:mfa_enrolment_confirm")
    if request.method == "POST":
        form = MFAEnrolmentCodeForm(request.POST)
        if form.is_valid():
            try:
                mfa_enrolment_code_check(
                    session=request.session, user=user, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                return redirect("mfa_activate_totp")
    context = {
        "form": form,
        "code_pending": mfa_enrolment_code_pending(
            session=request.session, user=user, now=timezone.now()
        ),
        "email": user.email,
        "minutes": int(ENROLMENT_CODE_LIFETIME.total_seconds() // 60),
    }
    return render(request, "mfa/enrolment_confirm.html", context)
