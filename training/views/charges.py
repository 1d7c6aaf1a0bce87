"""Charges for late cancellations and non-attendance: the list with totals, waiving one, and
the per-organisation, per-period export for invoicing (CSV or XLSX).

The partnership team sees and waives every charge; a coordinator sees their organisation's,
read-only (`organisations.permissions`). Anyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from config.spreadsheets import DATE_FORMAT, Sheet, table_csv_response, table_xlsx_response
from training.forms.charges import ChargeExportForm, ChargeFilterForm, ChargeWaiveForm
from training.models import Charge
from training.permissions import (
    can_waive_charges,
    charges_visible_to,
    organisations_with_charges_visible_to,
)
from training.selectors.charges import ChargeFilters, charge_totals, charges_for
from training.services import charges as charge_services

CHARGES_PER_PAGE = 50  # a screenful that still reads well with a screen reader

EXPORT_HEADER = [
    "Organisation",
    "Person",
    "Course",
    "Session date",
    "Kind",
    "Amount (£)",
    "Status",
    "Waiver reason",
]

# Column widths in characters, and the formats that keep dates and amounts real dates and numbers
# in the spreadsheet, so they sort and sum.
EXPORT_WIDTHS = (40, 28, 40, 18, 20, 12, 10, 50)
EXPORT_FORMATS = {"Session date": DATE_FORMAT, "Amount (£)": '"£"#,##0.00'}
PENNY = Decimal("0.01")


def _may_see_charges(request: HttpRequest) -> None:
    if not (
        can_waive_charges(request.user)
        or organisations_with_charges_visible_to(request.user).exists()
    ):
        raise Http404


@login_required
def charge_list(request: HttpRequest) -> HttpResponse:
    _may_see_charges(request)
    organisations = organisations_with_charges_visible_to(request.user)
    form = ChargeFilterForm(request.GET or None, organisations=organisations)
    cleaned = {}
    if form.is_bound:
        form.is_valid()  # a value that does not parse is shown as an error and filters nothing
        cleaned = form.cleaned_data
    filters = ChargeFilters(
        organisation=cleaned.get("organisation"),
        date_from=cleaned.get("date_from"),
        date_to=cleaned.get("date_to"),
    )
    charges = charges_for(viewer=request.user, filters=filters)
    showing_waived = request.GET.get("show") == "waived"
    listed = charges.filter(waived_at__isnull=not showing_waived)
    page = Paginator(listed, CHARGES_PER_PAGE).get_page(request.GET.get("page"))

    query = request.GET.copy()
    query.pop("page", None)
    query.pop("show", None)
    filter_query = query.urlencode()
    export_query = {
        "organisation": filters.organisation.pk if filters.organisation else "",
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
    }
    export_url = reverse("training:charges_export")
    context = {
        "form": form,
        "filters": filters,
        "filtered": bool(filters.organisation or filters.date_from or filters.date_to),
        "totals": charge_totals(charges),
        "page": page,
        "page_query": _without(request, "page"),
        "showing_waived": showing_waived,
        "charged_url": f"?{filter_query}" if filter_query else "?",
        "waived_url": f"?{filter_query}&show=waived" if filter_query else "?show=waived",
        "export_csv_url": f"{export_url}?{urlencode({**export_query, 'format': 'csv'})}",
        "export_xlsx_url": f"{export_url}?{urlencode({**export_query, 'format': 'xlsx'})}",
        "can_waive": can_waive_charges(request.user),
    }
    return render(request, "training/charge_list.html", context)


def _without(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@login_required
def charge_waive(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_waive_charges(request.user):
        raise Http404
    charge = get_object_or_404(
        charges_visible_to(request.user).select_related(
            "organisation", "booking__user", "booking__session__course"
        ),
        pk=pk,
    )
    back = f"{reverse('training:charges')}?organisation={charge.organisation_id}"
    if charge.waived_at is not None:
        messages.info(request, "This charge has already been waived.")
        return redirect(back)
    form = ChargeWaiveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            charge_services.charge_waive(
                charge=charge,
                waived_by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
        else:
            messages.success(
                request, f"The £{charge.amount} charge to {charge.organisation} is waived."
            )
            return redirect(back)
    return render(
        request, "training/charge_waive.html", {"charge": charge, "form": form, "back": back}
    )


@login_required
def charges_export(request: HttpRequest) -> HttpResponse:
    _may_see_charges(request)
    organisations = organisations_with_charges_visible_to(request.user)
    form = ChargeExportForm(request.GET, organisations=organisations)
    if not form.is_valid():
        messages.error(
            request,
            "The export could not be made from that link. Choose the organisation and "
            "period again, then export.",
        )
        return redirect("training:charges")
    cleaned = form.cleaned_data
    filters = ChargeFilters(
        organisation=cleaned.get("organisation"),
        date_from=cleaned.get("from"),
        date_to=cleaned.get("to"),
    )
    charges = list(charges_for(viewer=request.user, filters=filters))
    name = _export_filename(filters)
    # Names and reasons are typed by people: config.spreadsheets writes them so that a
    # spreadsheet never runs one as a formula.
    if cleaned.get("format") == "xlsx":
        sheet = Sheet(
            "Charges",
            EXPORT_HEADER,
            _rows(charges),
            widths=EXPORT_WIDTHS,
            number_formats=EXPORT_FORMATS,
        )
        return table_xlsx_response(f"{name}.xlsx", sheet)
    return table_csv_response(f"{name}.csv", EXPORT_HEADER, _csv_rows(charges))


def _export_filename(filters: ChargeFilters) -> str:
    parts = ["charges", filters.organisation.slug if filters.organisation else "all"]
    if filters.date_from:
        parts.append(f"from-{filters.date_from.isoformat()}")
    if filters.date_to:
        parts.append(f"to-{filters.date_to.isoformat()}")
    return "-".join(parts)


ExportRow = tuple[str, str, str, date | None, str, Decimal, str, str]


def _rows(charges: Iterable[Charge]) -> Iterable[ExportRow]:
    for charge in charges:
        session = charge.booking.session
        user = charge.booking.user
        yield (
            charge.organisation.name,
            user.get_full_name() or user.email,
            session.course.title,
            timezone.localdate(session.starts_at) if session.starts_at else None,
            charge.get_kind_display(),
            charge.amount,
            "Waived" if charge.waived_at else "Charged",
            charge.waiver_reason,
        )


def _csv_rows(charges: Iterable[Charge]) -> Iterable[ExportRow]:
    """The rows with each amount to the penny (60.00), as the CSV shows it."""
    for organisation, person, course, day, kind, amount, status, reason in _rows(charges):
        yield (organisation, person, course, day, kind, amount.quantize(PENNY), status, reason)
