"""Published guides: whether each organisation's escalation guide is in date, and who has
confirmed reading it.

The partnership team sees every organisation, with counts across the partnership and the
partnership procedures' reading; a coordinator sees their own organisations. Who sees which
organisation is decided in `organisations.permissions` (`organisations_with_reading_visible_to`,
`can_view_reading_of`); the people listed are scoped by `memberships_visible_to` in the query.
Anyone else gets a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cms.enums import ReviewStatus
from cms.permissions import (
    can_view_partnership_reading,
    can_view_reading_of,
    organisations_with_reading_visible_to,
)
from cms.selectors.currency import (
    OrganisationCurrency,
    currency_counts,
    organisation_currency,
    partnership_procedures,
    procedure_currency,
)
from cms.selectors.reading_rates import (
    guide_readers,
    partnership_procedure_rates,
    reading_rates_for,
)
from organisations.models import Organisation

PEOPLE_PER_PAGE = 50  # a screenful that still reads well with a screen reader, as elsewhere

# The statuses the overview can be filtered by, with the words the page uses for them.
# "missing" is every organisation without a live guide, whether or not a draft is waiting.
STATUS_FILTERS = {
    ReviewStatus.OVERDUE.value: "Overdue for review",
    ReviewStatus.DUE_SOON.value: "Review due soon",
    ReviewStatus.IN_DATE.value: "In date",
    "missing": "Not published",
}


def _shown(row: OrganisationCurrency, status: str) -> bool:
    if not status:
        return True
    if status == "missing":
        return row.guide is None
    return row.status == status


@login_required
@require_GET
def guides_overview_view(request: HttpRequest) -> HttpResponse:
    """Every organisation the viewer may see, with its guide's status and its staff's reading."""
    is_partnership_team = can_view_partnership_reading(request.user)
    organisations = organisations_with_reading_visible_to(request.user)
    if not is_partnership_team and not organisations.exists():
        raise Http404
    today = timezone.localdate()
    rows = organisation_currency(organisations=organisations, today=today)
    procedures = partnership_procedures()
    readings = reading_rates_for(
        organisations=[row.organisation for row in rows],
        guides=[row.guide.page for row in rows if row.guide is not None],
        procedures=[],
    )
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    listed = [(row, readings[row.organisation.pk]) for row in rows if _shown(row, status)]
    context = {
        "is_partnership_team": is_partnership_team,
        "rows": listed,
        "status": status,
        "status_label": STATUS_FILTERS.get(status, ""),
        "today": today,
    }
    if is_partnership_team:
        context.update(
            {
                "counts": currency_counts(rows),
                "procedures": list(
                    zip(
                        procedure_currency(procedures, today=today),
                        partnership_procedure_rates(procedures=procedures),
                        strict=True,
                    )
                ),
            }
        )
    return render(request, "cms/guides_overview.html", context)


@login_required
@require_GET
def organisation_guides_view(request: HttpRequest, slug: str) -> HttpResponse:
    """One organisation's guide: its currency and reading, and who has not confirmed it yet."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_reading_of(request.user, organisation):
        raise Http404
    today = timezone.localdate()
    (currency,) = organisation_currency(
        organisations=Organisation.objects.filter(pk=organisation.pk), today=today
    )
    procedures = partnership_procedures()
    reading = reading_rates_for(
        organisations=[organisation],
        guides=[currency.guide.page] if currency.guide else [],
        procedures=procedures,
    )[organisation.pk]
    showing_confirmed = request.GET.get("show") == "confirmed"
    page = None
    if currency.guide is not None:
        people = guide_readers(
            viewer=request.user,
            organisation=organisation,
            guide=currency.guide.page,
            confirmed=showing_confirmed,
        )
        page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "currency": currency,
        "reading": reading,
        "procedures": list(
            zip(procedure_currency(procedures, today=today), reading.procedures, strict=True)
        ),
        "showing_confirmed": showing_confirmed,
        "page": page,
        "page_query": urlencode({"show": "confirmed"}) if showing_confirmed else "",
        "today": today,
    }
    return render(request, "cms/organisation_guides.html", context)
