"""The host's own pages: adding and changing an opportunity, publishing the next version of
the confidentiality agreement, and marking the organisation's shadowing hosts.

Hosts (coordinators, and staff marked as hosts) manage their organisations' opportunities and
agreement; coordinators and the partnership team mark hosts. Anyone else gets a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisations.models import Organisation
from shadowing.errors import ShadowingError
from shadowing.forms.opportunities import (
    AgreementForm,
    HostOrganisationChoiceForm,
    HostsForm,
    OpportunityForm,
)
from shadowing.models import Opportunity
from shadowing.permissions import (
    can_mark_hosts_in,
    host_organisations,
    opportunities_manageable_by,
    publishing_organisations,
)
from shadowing.selectors.checks import current_agreement
from shadowing.services.hosts import agreement_publish, hosts_set, markable_memberships
from shadowing.services.opportunities import opportunity_save

if TYPE_CHECKING:
    from accounts.models import User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _opportunity_form_page(
    request: HttpRequest,
    *,
    organisation: Organisation,
    opportunity: Opportunity | None,
    action: str,
) -> HttpResponse:
    user = _user(request)
    posted = request.method == "POST"
    form = OpportunityForm(
        request.POST if posted else None, organisation=organisation, opportunity=opportunity
    )
    if posted and form.is_valid():
        try:
            saved = opportunity_save(
                organisation=organisation,
                by=user,
                data=form.data_for_service(),
                conditions=list(form.cleaned_data["conditions"]),
                eligible_job_roles=form.cleaned_data["eligible_job_roles"],
                dates=form.dates,
                opportunity=opportunity,
            )
        except ShadowingError as error:
            form.add_service_error(error.message, error.field)
        else:
            messages.success(
                request,
                f"“{saved.title}” is saved"
                + (" and published." if saved.is_published else ". It is not published."),
            )
            return redirect("shadowing:opportunity_edit", pk=saved.pk)
    past_dates = (
        list(
            opportunity.dates.filter(date__lte=timezone.localdate()).values_list("date", flat=True)
        )
        if opportunity
        else []
    )
    return render(
        request,
        "shadowing/opportunity_form.html",
        {
            "form": form,
            "organisation": organisation,
            "opportunity": opportunity,
            "action": action,
            "past_dates": past_dates,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def opportunity_new(request: HttpRequest) -> HttpResponse:
    """A new opportunity; a host of several organisations (or the team, for any) first chooses
    which (`?organisation=`)."""
    organisations = publishing_organisations(_user(request)).order_by("name")
    count = organisations.count()
    if count == 0:
        raise Http404
    chosen = request.GET.get("organisation", "")
    if count == 1:
        organisation = organisations.get()
    elif chosen:
        organisation = get_object_or_404(organisations, slug=chosen)
    else:
        choice = HostOrganisationChoiceForm(
            request.GET if "choose" in request.GET else None, organisations=organisations
        )
        if choice.is_bound:
            choice.is_valid()  # nothing chosen: say so
        return render(request, "shadowing/opportunity_form.html", {"choice": choice})
    action = reverse("shadowing:opportunity_new")
    if count > 1:
        action += f"?organisation={organisation.slug}"
    return _opportunity_form_page(
        request, organisation=organisation, opportunity=None, action=action
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(
        opportunities_manageable_by(_user(request)).select_related("organisation"), pk=pk
    )
    return _opportunity_form_page(
        request,
        organisation=opportunity.organisation,
        opportunity=opportunity,
        action=reverse("shadowing:opportunity_edit", args=[opportunity.pk]),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agreement_new(request: HttpRequest, slug: str) -> HttpResponse:
    """The current agreement, and the next version to publish."""
    user = _user(request)
    organisation = get_object_or_404(host_organisations(user), slug=slug)
    current = current_agreement(organisation)
    posted = request.method == "POST"
    form = AgreementForm(
        request.POST if posted else None,
        initial={"text": current.text if current else "", "based_on": current and current.version},
    )
    if posted and form.is_valid():
        try:
            agreement = agreement_publish(
                organisation=organisation,
                text=form.cleaned_data["text"],
                by=user,
                based_on=form.cleaned_data["based_on"],
            )
        except ShadowingError as error:
            form.add_error("text" if error.field == "text" else None, error.message)
        else:
            messages.success(
                request,
                f"Version {agreement.version} of the confidentiality agreement is published. "
                "Visitors sign it from now on; those who signed an earlier version keep theirs.",
            )
            return redirect("shadowing:agreement_new", slug=organisation.slug)
    return render(
        request,
        "shadowing/agreement_form.html",
        {"form": form, "organisation": organisation, "current": current},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hosts(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's staff, with a tick box "Shadowing host" each."""
    user = _user(request)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_mark_hosts_in(user, organisation):
        raise Http404
    memberships = markable_memberships(organisation)
    posted = request.method == "POST"
    form = HostsForm(request.POST if posted else None, memberships=memberships)
    if posted and form.is_valid():
        try:
            added, removed = hosts_set(
                organisation=organisation, marked=form.cleaned_data["hosts"], by=user
            )
        except ShadowingError as error:
            form.add_error(None, error.message)
        else:
            if added or removed:
                messages.success(request, _hosts_changed(len(added), len(removed)))
            else:
                messages.info(request, "Nothing changed.")
            return redirect("shadowing:hosts", slug=organisation.slug)
    ticked = (
        {str(v) for v in form["hosts"].value() or []}
        if posted
        else {str(m.pk) for m in memberships if getattr(m, "marked_host", None)}
    )
    return render(
        request,
        "shadowing/hosts.html",
        {
            "form": form,
            "organisation": organisation,
            "memberships": memberships,
            "ticked": ticked,
        },
    )


def _hosts_changed(added: int, removed: int) -> str:
    parts = []
    if added:
        parts.append(
            "1 person marked as a shadowing host"
            if added == 1
            else f"{added} people marked as shadowing hosts"
        )
    if removed:
        parts.append(f"{removed} no longer {'a host' if removed == 1 else 'hosts'}")
    return "Saved: " + " and ".join(parts) + "."
