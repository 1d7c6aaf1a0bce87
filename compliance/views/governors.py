"""Governors: a board's governors and their training, the partnership's take-up by school
(with its export), and a governor's declaration that they have read the statutory guidance.

Who sees what (`organisations.permissions`): a clerk sees their board, a school's coordinator
their school's board, the partnership team every board and the take-up; anyone else gets a
404. Only the governor themselves declares, for their own current governor membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from compliance.forms.governors import (
    TAKE_UP_SORTS,
    DeclarationForm,
    TakeUpExportForm,
    TakeUpSortForm,
)
from compliance.models import ComplianceRules
from compliance.permissions import boards_visible_to, can_view_partnership_compliance
from compliance.selectors.governors import (
    TakeUp,
    board_for,
    take_up_by_school,
    take_up_sorted,
    take_up_total,
)
from compliance.selectors.governors import board as board_selector
from compliance.selectors.statuses import ComplianceDay
from compliance.services.declarations import declaration_record
from config.spreadsheets import Sheet, table_csv_response, table_xlsx_response
from organisations.models import Membership

EXPORT_HEADER = [
    "School",
    "Governors",
    "In date",
    "Counted",
    "In date (%)",
    "New starters",
    "Overdue or missing",
    "Chair",
    "Safeguarding link governor",
    "Declared current edition",
    "Declared (%)",
]
# Column widths in characters, wide enough for each header.
EXPORT_WIDTHS = (40, 11, 9, 9, 12, 13, 19, 20, 26, 24, 13)


def _day_and_rules() -> tuple[ComplianceDay, ComplianceRules]:
    rules = ComplianceRules.load()
    return ComplianceDay(on=timezone.localdate(), due_soon_days=rules.due_soon_days), rules


@login_required
@require_http_methods(["GET", "HEAD"])
def boards(request: HttpRequest) -> HttpResponse:
    """Where "Governors" leads: the take-up for the partnership team, a clerk's only board, or
    the list of the boards someone may see."""
    if can_view_partnership_compliance(request.user):
        return redirect("compliance:take_up")
    visible = boards_visible_to(request.user)
    slugs = list(visible.order_by("name").values_list("slug", flat=True)[:2])
    if not slugs:
        raise Http404
    if len(slugs) == 1:
        return redirect("compliance:board", slug=slugs[0])
    day, rules = _day_and_rules()
    lines = take_up_by_school(
        viewer=request.user, schools=visible, day=day, edition=rules.guidance_edition
    )
    return render(request, "compliance/governors_boards.html", {"lines": lines, "rules": rules})


@login_required
@require_http_methods(["GET", "HEAD"])
def board(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = board_for(viewer=request.user, slug=slug)
    if organisation is None:
        raise Http404
    day, rules = _day_and_rules()
    context = {
        "board": board_selector(
            viewer=request.user,
            organisation=organisation,
            day=day,
            edition=rules.guidance_edition,
        ),
        "rules": rules,
        "day": day,
        "is_partnership_team": can_view_partnership_compliance(request.user),
    }
    return render(request, "compliance/governors_board.html", context)


def _sort_headers(sort: str, order: str) -> list[dict[str, str]]:
    """Each sortable column's link and aria-sort: a second click on the sorted column turns
    the order round."""
    headers = []
    for key, label in TAKE_UP_SORTS:
        current = key == sort
        next_order = "desc" if current and order == "asc" else "asc"
        if not current and key in ("rate", "overdue"):
            # Figures are first looked at worst first: lowest percentage, most overdue.
            next_order = "asc" if key == "rate" else "desc"
        headers.append(
            {
                "key": key,
                "label": label,
                "href": "?" + urlencode({"sort": key, "order": next_order}),
                "aria_sort": ("ascending" if order == "asc" else "descending")
                if current
                else "none",
            }
        )
    return headers


def _take_up_lines(
    request: HttpRequest, *, sort: str, order: str, rules: ComplianceRules
) -> list[TakeUp]:
    day = ComplianceDay(on=timezone.localdate(), due_soon_days=rules.due_soon_days)
    lines = take_up_by_school(
        viewer=request.user,
        schools=boards_visible_to(request.user),
        day=day,
        edition=rules.guidance_edition,
    )
    return take_up_sorted(lines, sort=sort, descending=order == "desc")


@login_required
@require_http_methods(["GET", "HEAD"])
def take_up(request: HttpRequest) -> HttpResponse:
    if not can_view_partnership_compliance(request.user):
        raise Http404
    sort, order = TakeUpSortForm(request.GET).sort_and_order()
    rules = ComplianceRules.load()
    lines = _take_up_lines(request, sort=sort, order=order, rules=rules)
    export_url = reverse("compliance:take_up_export")
    query = {"sort": sort, "order": order}
    context = {
        "lines": lines,
        "headers": {header["key"]: header for header in _sort_headers(sort, order)},
        "rules": rules,
        "totals": take_up_total(lines),
        "export_csv_url": f"{export_url}?{urlencode({**query, 'format': 'csv'})}",
        "export_xlsx_url": f"{export_url}?{urlencode({**query, 'format': 'xlsx'})}",
    }
    return render(request, "compliance/governors_take_up.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def take_up_export(request: HttpRequest) -> HttpResponse:
    if not can_view_partnership_compliance(request.user):
        raise Http404
    form = TakeUpExportForm(request.GET)
    if not form.is_valid():
        raise Http404
    sort, order = form.sort_and_order()
    lines = _take_up_lines(request, sort=sort, order=order, rules=ComplianceRules.load())
    name = f"governor-take-up-{timezone.localdate().isoformat()}"
    # School names are typed by people: config.spreadsheets writes them so that a spreadsheet
    # never runs one as a formula.
    if form.cleaned_data["format"] == "xlsx":
        sheet = Sheet("Governor take-up", EXPORT_HEADER, _rows(lines), widths=EXPORT_WIDTHS)
        return table_xlsx_response(f"{name}.xlsx", sheet)
    return table_csv_response(f"{name}.csv", EXPORT_HEADER, _rows(lines))


ExportRow = list[str | int | Decimal | None]


def _rows(lines: Iterable[TakeUp]) -> Iterable[ExportRow]:
    for line in lines:
        yield [
            line.name,
            line.governors,
            line.in_date,
            line.counted,
            line.rate,
            line.new_starters,
            line.action_needed,
            line.chair.label,
            line.link.label,
            line.declared,
            line.declared_rate,
        ]


@login_required
@require_http_methods(["POST"])
def declaration(request: HttpRequest, membership_pk: int) -> HttpResponse:
    """A governor declares they have read the current edition of the guidance."""
    membership = (
        Membership.objects.current()
        .governors()
        .filter(pk=membership_pk, user=request.user.pk)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    back = f"{reverse('compliance:my_training')}#governor-{membership.pk}"
    rules = ComplianceRules.load()
    form = DeclarationForm(request.POST)
    if not form.is_valid() or form.cleaned_data["edition"] != rules.guidance_edition:
        messages.info(
            request,
            f"The guidance has a new edition: read {rules.guidance_edition}, then say you "
            "have read it.",
        )
        return redirect(back)
    try:
        result = declaration_record(membership=membership, edition=rules.guidance_edition)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(back)
    on = date_format(result.declaration.declared_on, "j F Y")
    if result.created:
        messages.success(request, f"You have declared that you have read {rules.guidance_edition}.")
    else:
        messages.info(
            request,
            f"You have already declared that you have read {rules.guidance_edition}, on {on}.",
        )
    return redirect(back)
