"""Views for an organisation's people: the list, a person's page, changing and ending a
membership."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from organisations import services
from organisations.forms.people import (
    MembershipEditForm,
    MembershipEndForm,
    PeopleFilterForm,
)
from organisations.models import Organisation
from organisations.permissions import (
    can_manage_membership,
    can_view_people_of,
    flags_grantable_in,
    kinds_manageable_in,
    organisations_with_people_visible_to,
)
from organisations.selectors import (
    job_roles_for,
    line_manager_choices,
    membership_manageable,
    membership_visible,
    people_in_organisation,
    reports_of,
)
from organisations.views.common import (
    PEOPLE_PER_PAGE,
    form_errors_show,
    organisation_visible_or_404,
)

if TYPE_CHECKING:
    pass


@login_required
def organisation_index(request: HttpRequest) -> HttpResponse:
    organisations = organisations_with_people_visible_to(request.user).order_by("name")
    if not organisations.exists():
        raise Http404
    return render(
        request, "organisations/organisation_index.html", {"organisations": organisations}
    )


@login_required
def people_list(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_visible_or_404(request, slug)
    parsed = PeopleFilterForm(request.GET)
    parsed.is_valid()  # a value that does not parse is ignored, never shown as an error
    kind = parsed.cleaned_data.get("kind") or None
    search = parsed.cleaned_data.get("q") or None
    people = people_in_organisation(
        viewer=request.user, organisation=organisation, kind=kind, search=search
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    query = {name: value for name, value in (("q", search), ("kind", kind)) if value}
    context = {
        "organisation": organisation,
        "page": page,
        "kind": kind,
        "search": search,
        "filters": PeopleFilterForm(initial=query),
        "page_query": urlencode(query),
        "manageable_kinds": kinds_manageable_in(request.user, organisation),
    }
    return render(request, "organisations/people_list.html", context)


@login_required
def person_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_visible(viewer=request.user, organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    context = {
        "organisation": organisation,
        "membership": membership,
        "reports": reports_of(viewer=request.user, membership=membership),
        "can_manage": can_manage_membership(request.user, membership),
        "can_view_people": can_view_people_of(request.user, organisation),
    }
    return render(request, "organisations/membership_detail.html", context)


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    grantable = flags_grantable_in(request.user, organisation)
    form_kwargs: dict[str, Any] = {
        "kind": membership.kind,
        "job_roles": job_roles_for(organisation=organisation),
        "line_managers": line_manager_choices(
            viewer=request.user, organisation=organisation, exclude=membership
        ),
        "grantable_flags": grantable,
    }
    initial = {
        "job_role": membership.job_role_id,
        "line_manager": membership.line_manager_id,
        "start_date": membership.start_date,
        "governor_category": membership.governor_category,
        "governor_role": membership.governor_role,
        "term_end": membership.term_end,
        **{flag: getattr(membership, flag) for flag in grantable},
    }
    data = request.POST if request.method == "POST" else None
    form = MembershipEditForm(data, initial=initial, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            services.membership_update(
                membership=membership,
                updated_by=request.user,  # type: ignore[arg-type]
                start_date=cleaned["start_date"],
                job_role=cleaned.get("job_role"),
                line_manager=cleaned.get("line_manager"),
                governor_category=cleaned.get("governor_category", ""),
                governor_role=cleaned.get("governor_role", ""),
                term_end=cleaned.get("term_end"),
                **{flag: cleaned[flag] for flag in grantable},
            )
        except ValidationError as error:
            form_errors_show(form, error)
        else:
            messages.success(request, f"{membership.user.get_full_name()}'s details are saved.")
            return redirect("organisations:person", slug=organisation.slug, pk=membership.pk)
    context = {"organisation": organisation, "membership": membership, "form": form}
    return render(request, "organisations/membership_edit.html", context)


@login_required
def person_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = membership_manageable(viewer=request.user, organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = MembershipEndForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                membership=membership,
                ended_by=request.user,  # type: ignore[arg-type]
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as error:
            form_errors_show(form, error)
        else:
            messages.success(
                request, f"{membership.user.get_full_name()}'s membership has been ended."
            )
            return redirect("organisations:people", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "form": form,
        "has_reports": reports_of(viewer=request.user, membership=membership).exists(),
    }
    return render(request, "organisations/membership_end.html", context)
