"""Views for accounts: the home page, accepting an invitation, and the account overview."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.adapters import INVITATION_SESSION_KEY
from accounts.mfa import mfa_enrolled, mfa_required
from accounts.roles import roles_for
from accounts.selectors import invitation_usable_by_token
from accounts.services import invitation_accept
from organisations.models import Membership
from organisations.permissions import organisations_with_people_visible_to


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "accounts/home_public.html")
    memberships = (
        Membership.objects.current()
        .filter(user=request.user)
        .select_related("organisation", "job_role", "line_manager__user")
        .order_by("organisation__name")
    )
    context = {
        "memberships": memberships,
        "roles": roles_for(request.user),  # type: ignore[arg-type]
        "people_organisations": organisations_with_people_visible_to(request.user).order_by(
            "name"
        ),
    }
    return render(request, "accounts/home.html", context)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """Follow an invitation link: sign up with the invited address, or add it to your account."""
    invitation = invitation_usable_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_unusable.html", status=404)
    user = request.user
    if user.is_authenticated:
        try:
            invitation_accept(invitation=invitation, user=user)  # type: ignore[arg-type]
        except ValidationError as error:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"reason": error.messages[0]},
                status=400,
            )
        messages.success(request, f"You have joined {invitation.organisation}.")
        return redirect("home")
    from accounts.models import User

    if User.objects.filter(email__iexact=invitation.email).exists():
        messages.info(request, "Sign in to accept your invitation.")
        return redirect(f"{reverse('account_login')}?next={invitation.get_absolute_url()}")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    # The link reached this browser through the invited address, so it counts as verified.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect(f"{reverse('account_signup')}?email={invitation.email}")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "mfa_required": mfa_required(user),  # type: ignore[arg-type]
        "mfa_enrolled": mfa_enrolled(user),  # type: ignore[arg-type]
    }
    return render(request, "accounts/profile.html", context)
