"""The partnership team's page on shadowing: every placement (50 a page) and the figures for
a period of requests (`shadowing.selectors.figures`), with the same as CSV or Excel. Anyone
but the team gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shadowing import exports
from shadowing.forms.partnership import PeriodForm
from shadowing.permissions import can_see_partnership_figures
from shadowing.selectors.figures import PeriodFilters, placements_listed, shadowing_figures

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")
# The CSV holds one table: the placements, or with ?table=matrix the sectors.
CSV_TABLES = ("placements", "matrix")


def _team_or_404(request: HttpRequest) -> None:
    if not can_see_partnership_figures(request.user):
        raise Http404


def _filters(form: PeriodForm) -> PeriodFilters:
    """The period from a bound form; a date that does not parse is shown as an error on the
    form and filters nothing."""
    if not form.is_bound:
        return PeriodFilters()
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return PeriodFilters(date_from=cleaned.get("date_from"), date_to=cleaned.get("date_to"))


def _period_query(request: HttpRequest, form: PeriodForm) -> str:
    """The filter's query string (without the page number), when it is valid."""
    if not (form.is_bound and form.is_valid()):
        return ""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("table", None)
    return query.urlencode()


@login_required
@require_http_methods(["GET", "HEAD"])
def partnership_page(request: HttpRequest) -> HttpResponse:
    _team_or_404(request)
    data = request.GET.copy()
    data.pop("page", None)
    form = PeriodForm(data or None)
    filters = _filters(form)
    page = Paginator(placements_listed(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = _period_query(request, form)
    export = reverse("shadowing:partnership_export", kwargs={"fmt": "csv"})
    suffix = f"?{query}" if query else ""
    return render(
        request,
        "shadowing/partnership.html",
        {
            "form": form,
            "filters": filters,
            "figures": shadowing_figures(filters),
            "page": page,
            "page_query": query,
            "export_csv_url": f"{export}{suffix}",
            "export_matrix_csv_url": f"{export}?{query}&table=matrix"
            if query
            else f"{export}?table=matrix",
            "export_xlsx_url": reverse("shadowing:partnership_export", kwargs={"fmt": "xlsx"})
            + suffix,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def partnership_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _team_or_404(request)
    table = request.GET.get("table", "placements")
    if fmt not in EXPORT_FORMATS or table not in CSV_TABLES:
        raise Http404
    data = request.GET.copy()
    data.pop("table", None)
    form = PeriodForm(data or None)
    if form.is_bound and not form.is_valid():
        messages.error(
            request,
            "The export could not be made from that link. Choose the period again, then export.",
        )
        return redirect("shadowing:partnership")
    filters = _filters(form)
    if fmt == "xlsx":
        return exports.figures_xlsx_response(filters, shadowing_figures(filters).matrix)
    if table == "matrix":
        return exports.matrix_csv_response(filters, shadowing_figures(filters).matrix)
    return exports.placements_csv_response(filters)
