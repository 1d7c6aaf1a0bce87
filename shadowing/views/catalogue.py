"""The visitor's pages: the catalogue of opportunities, one opportunity, and the request form.
An unpublished opportunity is a 404 to everyone but those who manage it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shadowing.errors import ShadowingError
from shadowing.forms.catalogue import CatalogueFilterForm
from shadowing.forms.requests import NO_CHILD_OR_FAMILY_INFORMATION, PlacementRequestForm
from shadowing.models import Placement
from shadowing.permissions import opportunities_manageable_by
from shadowing.selectors.catalogue import (
    CatalogueRow,
    catalogue,
    catalogue_row,
    request_refusal,
)
from shadowing.services.requests import placement_request

if TYPE_CHECKING:
    from accounts.models import User

REQUEST_SENT = "Your request has been sent to your line manager to approve."


def _row_or_404(user: User, pk: int) -> CatalogueRow:
    row = catalogue_row(user, pk)
    if row is None:
        raise Http404
    if not row.opportunity.is_published and not (
        opportunities_manageable_by(user).filter(pk=pk).exists()
    ):
        raise Http404
    return row


def _return_of(request: HttpRequest, user: User) -> Placement | None:
    """The completed placement a return visit answers, from `?return=`, when the person was
    invited to make it; otherwise none (the request is an ordinary one)."""
    raw = request.GET.get("return", "")
    if not raw.isdigit():
        return None
    return (
        Placement.objects.select_related(
            "return_invitation__invited_visitor__organisation",
            "return_invitation__invited_visitor__line_manager",
        )
        .filter(pk=int(raw), return_invitation__invited_visitor__user=user)
        .first()
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def catalogue_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = CatalogueFilterForm(request.GET)
    return_of = form.return_of()
    return render(
        request,
        "shadowing/catalogue.html",
        {
            "form": form,
            "rows": catalogue(user, form.filters()),
            "return_query": f"?return={return_of}" if return_of else "",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    row = _row_or_404(user, pk)
    return_of = _return_of(request, user)
    return render(
        request,
        "shadowing/opportunity.html",
        {
            "row": row,
            "opportunity": row.opportunity,
            "return_query": f"?return={return_of.pk}" if return_of else "",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def placement_request_form(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    row = _row_or_404(user, pk)
    opportunity = row.opportunity
    return_of = _return_of(request, user)
    visitor, refusal = row.visitor, row.refusal
    if return_of is not None:
        # A return visit is made by the member the host invited.
        visitor = return_of.return_invitation.invited_visitor
        refusal = request_refusal(visitor, opportunity)
    posted = request.method == "POST"
    form = PlacementRequestForm(
        request.POST if posted else None, opportunity=opportunity, dates=row.dates
    )
    if refusal is None and visitor is not None and posted and form.is_valid():
        try:
            placement_request(
                visitor=visitor,
                opportunity=opportunity,
                requested_date=form.requested_date(),
                proposed_dates=form.proposed_dates(),
                learning_goals=form.cleaned_data["learning_goals"],
                by=user,
                reciprocal_of=return_of,
            )
        except ShadowingError as error:
            form.add_service_error(error.message, error.field)
        else:
            messages.success(request, REQUEST_SENT)
            return redirect("shadowing:mine")
    return render(
        request,
        "shadowing/request.html",
        {
            "row": row,
            "opportunity": opportunity,
            "form": form,
            "refusal": refusal,
            "warning": NO_CHILD_OR_FAMILY_INFORMATION,
            "action": reverse("shadowing:request", args=[opportunity.pk])
            + (f"?return={return_of.pk}" if return_of else ""),
        },
    )
