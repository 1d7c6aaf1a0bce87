"""Views for inviting one person and managing open invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from organisations import services
from organisations.enums import MEMBER_PHRASES, MembershipKind
from organisations.forms.people import (
    InvitationForm,
)
from organisations.selectors import (
    invitation_manageable,
    invitations_open_in,
    job_roles_for,
    line_manager_choices,
)
from organisations.views.common import (
    PEOPLE_PER_PAGE,
    form_errors_show,
    organisation_managed_or_404,
)

if TYPE_CHECKING:
    pass


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, kinds = organisation_managed_or_404(request, slug)
    kind = request.GET.get("kind") or kinds[0]
    if kind not in kinds:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = InvitationForm(
        data,
        kind=kind,
        job_roles=job_roles_for(organisation=organisation),
        line_managers=line_manager_choices(viewer=request.user, organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            result = services.membership_invite(
                organisation=organisation,
                invited_by=request.user,  # type: ignore[arg-type]
                email=cleaned["email"],
                first_name=cleaned["first_name"],
                last_name=cleaned["last_name"],
                kind=kind,
                job_role=cleaned.get("job_role"),
                line_manager=cleaned.get("line_manager"),
                start_date=cleaned.get("start_date"),
                governor_category=cleaned.get("governor_category", ""),
                governor_role=cleaned.get("governor_role", ""),
                term_end=cleaned.get("term_end"),
            )
        except ValidationError as error:
            form_errors_show(form, error)
        else:
            if result.has_account:
                messages.success(
                    request,
                    f"{result.email} already has an account, so they have been asked by email "
                    f"to sign in and accept. They join {organisation} when they do.",
                )
            else:
                messages.success(request, f"An invitation has been sent to {result.email}.")
            return redirect("organisations:invitations", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "form": form,
        "kind": kind,
        "member": MEMBER_PHRASES[MembershipKind(kind)],
        "other_kinds": [(k, MEMBER_PHRASES[MembershipKind(k)]) for k in kinds if k != kind],
    }
    return render(request, "organisations/invitation_create.html", context)


@login_required
def invitation_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _kinds = organisation_managed_or_404(request, slug)
    invitations = invitations_open_in(viewer=request.user, organisation=organisation)
    page = Paginator(invitations, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "page": page,
        "page_query": "",
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    return render(request, "organisations/invitation_list.html", context)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _kinds = organisation_managed_or_404(request, slug)
    invitation = invitation_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if invitation is None:
        raise Http404
    services.invitation_resend(invitation=invitation, sent_by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The invitation has been sent to {invitation.email} again.")
    return redirect("organisations:invitations", slug=organisation.slug)


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _kinds = organisation_managed_or_404(request, slug)
    invitation = invitation_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if invitation is None:
        raise Http404
    services.invitation_withdraw(invitation=invitation, withdrawn_by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
    return redirect("organisations:invitations", slug=organisation.slug)
