"""Compliance pages: where a coordinator, clerk, line manager or the partnership team starts,
an organisation's table (filtered, sorted, paginated, exported), a line manager's team and
the partnership's summary by sector and organisation.

Who sees what is decided in `organisations.permissions`: an organisation's page is for whoever
`can_view_compliance_of` it (its rows further scoped to the people the viewer may see, so a
clerk sees the governors only), the partnership summary for the partnership team, the team page
for anyone with current reports. Anyone else gets a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import roles_for
from compliance import exports
from compliance.forms.tables import (
    OrganisationComplianceExportForm,
    OrganisationComplianceFilterForm,
    PartnershipComplianceExportForm,
    PartnershipComplianceFilterForm,
)
from compliance.permissions import (
    can_view_compliance_of,
    can_view_partnership_compliance,
    organisations_with_compliance_visible_to,
)
from compliance.selectors.statuses import ComplianceDay
from compliance.selectors.tables import (
    RowFilters,
    figures_by_standard,
    headline,
    job_roles_in,
    organisation_rows,
    organisation_sort,
    partnership_figures,
    rates_of,
    row_sort,
    rows_filtered,
    rows_for_table,
    standards_required,
    team_organisations,
    team_rows,
    teams_in,
)
from config.spreadsheets import (
    table_csv_response,
    table_csv_streaming_response,
    table_xlsx_response,
)
from evidence.enums import EvidenceStatus
from evidence.permissions import evidence_reviewable_by
from organisations.models import Organisation
from training.permissions import organisations_importing_records_by

ROWS_PER_PAGE = 50  # a screenful that still reads well with a screen reader

ROW_FILTER_FIELDS = ("q", "team", "job_role", "standard", "status", "kind")


@dataclass(frozen=True)
class SortLink:
    """A sortable column's header: where its link goes and what `aria-sort` says now."""

    href: str
    aria_sort: str


def _sort_links(request: HttpRequest, columns: tuple[str, ...], current: str) -> dict[str, Any]:
    """For each column, a link sorting by it (the other way when it is the current sort),
    keeping the page's filters and going back to the first page."""
    links = {}
    for column in columns:
        query = request.GET.copy()
        query.pop("page", None)
        if current == column:
            query["sort"], state = f"-{column}", "ascending"
        elif current == f"-{column}":
            query["sort"], state = column, "descending"
        else:
            query["sort"], state = column, "none"
        links[column] = SortLink(href=f"?{query.urlencode()}", aria_sort=state)
    return links


def _caption(count: int, *, filtered: bool) -> str:
    """The table's caption, with how many rows (a person and a requirement) it holds."""
    if filtered:
        return f"Requirements matching your filters ({count})"
    return f"Each person's requirements ({count})"


def _without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _row_filters(form: OrganisationComplianceFilterForm) -> RowFilters:
    """The filters from a bound form: a value that does not parse is shown as an error on the
    form and filters nothing."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return RowFilters(
        team=cleaned.get("team"),
        job_role=cleaned.get("job_role"),
        standard=cleaned.get("standard"),
        status=cleaned.get("status") or "",
        kind=cleaned.get("kind") or "",
        search=cleaned.get("q") or "",
    )


def _filter_query(filters: RowFilters, sort: str) -> dict[str, str]:
    """The filters that hold, as a query string's values (for the export links)."""
    values = {
        "q": filters.search,
        "team": str(filters.team.pk) if filters.team else "",
        "job_role": str(filters.job_role.pk) if filters.job_role else "",
        "standard": str(filters.standard.pk) if filters.standard else "",
        "status": filters.status,
        "kind": filters.kind,
        "sort": sort,
    }
    return {name: value for name, value in values.items() if value}


# Where people start ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def compliance_home(request: HttpRequest) -> HttpResponse:
    """Send each person to the compliance they look after, or list their organisations."""
    if can_view_partnership_compliance(request.user):
        return redirect("compliance:partnership")
    organisations = organisations_with_compliance_visible_to(request.user)
    some = list(organisations.order_by("name")[:2])
    if len(some) == 1:
        return redirect("compliance:organisation", slug=some[0].slug)
    is_line_manager = roles_for(request.user).line_manager  # type: ignore[arg-type]
    if not some:
        if is_line_manager:
            return redirect("compliance:team")
        raise Http404
    day = ComplianceDay.today()
    context = {
        "rates": rates_of(viewer=request.user, organisations=organisations, day=day),
        "is_line_manager": is_line_manager,
    }
    return render(request, "compliance/home.html", context)


# An organisation ------------------------------------------------------------------------------


def _organisation_or_404(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_compliance_of(request.user, organisation):
        raise Http404
    return organisation


def _organisation_form(
    form_class: type[OrganisationComplianceFilterForm],
    data: QueryDict | None,
    *,
    request: HttpRequest,
    organisation: Organisation,
    day: ComplianceDay,
) -> OrganisationComplianceFilterForm:
    return form_class(
        data,
        teams=teams_in(viewer=request.user, organisation=organisation, day=day),
        job_roles=job_roles_in(viewer=request.user, organisation=organisation, day=day),
        standards=standards_required(),
    )


@login_required
@require_http_methods(["GET"])
def organisation_compliance(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation_or_404(request, slug)
    day = ComplianceDay.today()
    filtering = any(request.GET.get(name) for name in ROW_FILTER_FIELDS)
    form = _organisation_form(
        OrganisationComplianceFilterForm,
        request.GET if filtering else None,
        request=request,
        organisation=organisation,
        day=day,
    )
    filters = _row_filters(form) if filtering else RowFilters()
    sort = row_sort(request.GET.get("sort"))

    rows = organisation_rows(viewer=request.user, organisation=organisation, day=day)
    listed = rows_for_table(rows_filtered(rows, filters), sort=sort, day=day)
    page = Paginator(listed, ROWS_PER_PAGE).get_page(request.GET.get("page"))

    export_url = reverse("compliance:organisation_export", args=[organisation.slug])
    export_query = _filter_query(filters, sort)
    context = {
        "organisation": organisation,
        "form": form,
        "filters": filters,
        "sort": sort,
        "sort_links": _sort_links(request, ("person", "status", "expiry"), sort),
        "headline": headline(rows),
        "by_standard": figures_by_standard(rows),
        "page": page,
        "caption": _caption(page.paginator.count, filtered=filters.any),
        "page_query": _without(request, "page"),
        "export_csv_url": f"{export_url}?{urlencode({**export_query, 'format': 'csv'})}",
        "export_xlsx_url": f"{export_url}?{urlencode({**export_query, 'format': 'xlsx'})}",
        "can_import": organisations_importing_records_by(request.user)
        .filter(pk=organisation.pk)
        .exists(),
        "has_evidence_to_verify": evidence_reviewable_by(request.user)
        .filter(status=EvidenceStatus.PENDING)
        .exists(),
        "is_partnership_team": can_view_partnership_compliance(request.user),
        "is_line_manager": roles_for(request.user).line_manager,  # type: ignore[arg-type]
        "today": day.on,
    }
    return render(request, "compliance/organisation.html", context)


@login_required
@require_http_methods(["GET"])
def organisation_compliance_export(request: HttpRequest, slug: str) -> HttpResponseBase:
    """Every row matching the page's filters, in its order, as CSV (streamed) or XLSX."""
    organisation = _organisation_or_404(request, slug)
    day = ComplianceDay.today()
    form = _organisation_form(
        OrganisationComplianceExportForm,
        request.GET,
        request=request,
        organisation=organisation,
        day=day,
    )
    if not form.is_valid():
        messages.error(
            request,
            "The export could not be made from that link. Choose the filters again, then export.",
        )
        return redirect("compliance:organisation", slug=organisation.slug)
    filters = _row_filters(form)
    rows = organisation_rows(viewer=request.user, organisation=organisation, day=day)
    listed = rows_for_table(
        rows_filtered(rows, filters), sort=row_sort(request.GET.get("sort")), day=day
    ).iterator(chunk_size=exports.EXPORT_CHUNK_SIZE)
    name = f"compliance-{organisation.slug}-{day.on.isoformat()}"
    if form.cleaned_data.get("format") == "xlsx":
        return table_xlsx_response(f"{name}.xlsx", exports.rows_sheet(listed, title="Compliance"))
    return table_csv_streaming_response(
        f"{name}.csv", exports.ROW_HEADER, exports.row_lines(listed)
    )


# A line manager's team ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def team_compliance(request: HttpRequest) -> HttpResponse:
    """The people who report to the viewer, each requirement with its status and dates."""
    if not roles_for(request.user).line_manager:  # type: ignore[arg-type]
        if organisations_with_compliance_visible_to(request.user).exists():
            # A coordinator or clerk with nobody reporting to them: their own pages instead.
            return redirect("compliance:home")
        raise Http404
    day = ComplianceDay.today()
    sort = row_sort(request.GET.get("sort"))
    rows = team_rows(viewer=request.user, day=day)
    page = Paginator(rows_for_table(rows, sort=sort, day=day), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "headline": headline(rows),
        "page": page,
        "caption": _caption(page.paginator.count, filtered=False),
        "show_organisation": len(team_organisations(viewer=request.user, day=day)) > 1,
        "page_query": _without(request, "page"),
        "sort": sort,
        "sort_links": _sort_links(request, ("person", "status", "expiry"), sort),
        "today": day.on,
    }
    return render(request, "compliance/team.html", context)


# The partnership ------------------------------------------------------------------------------


def _partnership_filters(
    form: PartnershipComplianceFilterForm,
) -> dict[str, Any]:
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return {"standard": cleaned.get("standard"), "sector": cleaned.get("sector") or ""}


@login_required
@require_http_methods(["GET"])
def partnership_compliance(request: HttpRequest) -> HttpResponse:
    if not can_view_partnership_compliance(request.user):
        raise Http404
    day = ComplianceDay.today()
    filtering = bool(request.GET.get("standard") or request.GET.get("sector"))
    form = PartnershipComplianceFilterForm(
        request.GET if filtering else None, standards=standards_required()
    )
    filters: dict[str, Any] = (
        _partnership_filters(form) if filtering else {"standard": None, "sector": ""}
    )
    sort = organisation_sort(request.GET.get("sort"))
    figures = partnership_figures(viewer=request.user, day=day, sort=sort, **filters)
    standard = filters["standard"]
    export_query = {
        name: value
        for name, value in (
            ("standard", str(standard.pk) if standard else ""),
            ("sector", filters["sector"]),
            ("sort", sort),
        )
        if value
    }
    export_url = reverse("compliance:partnership_export")
    context = {
        "form": form,
        "filters": filters,
        "filtered": bool(filters["standard"] or filters["sector"]),
        "figures": figures,
        "sort": sort,
        "sort_links": _sort_links(request, ("name", "rate"), sort),
        "export_csv_url": f"{export_url}?{urlencode({**export_query, 'format': 'csv'})}",
        "export_xlsx_url": f"{export_url}?{urlencode({**export_query, 'format': 'xlsx'})}",
        "today": day.on,
    }
    return render(request, "compliance/partnership.html", context)


@login_required
@require_http_methods(["GET"])
def partnership_compliance_export(request: HttpRequest) -> HttpResponse:
    """The by-organisation table, with the page's filters and order, as CSV or XLSX."""
    if not can_view_partnership_compliance(request.user):
        raise Http404
    form = PartnershipComplianceExportForm(request.GET, standards=standards_required())
    if not form.is_valid():
        messages.error(
            request,
            "The export could not be made from that link. Choose the filters again, then export.",
        )
        return redirect("compliance:partnership")
    day = ComplianceDay.today()
    figures = partnership_figures(
        viewer=request.user,
        day=day,
        sort=organisation_sort(request.GET.get("sort")),
        **_partnership_filters(form),
    )
    name = f"compliance-by-organisation-{day.on.isoformat()}"
    if form.cleaned_data.get("format") == "xlsx":
        return table_xlsx_response(
            f"{name}.xlsx", exports.organisations_sheet(figures.organisations)
        )
    return table_csv_response(
        f"{name}.csv",
        exports.ORGANISATION_HEADER,
        exports.organisation_lines(figures.organisations),
    )
