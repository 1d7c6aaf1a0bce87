"""Reads for charges: the list and the invoicing export, scoped by the viewer in the database
(`organisations.permissions.charges_visible_to`). A period means the date of the session the
charge is for, so a no-show marked days later still falls in the session's period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from organisations.models import Organisation
from training.models import Charge
from training.permissions import charges_visible_to

if TYPE_CHECKING:
    from organisations.permissions import Viewer


@dataclass(frozen=True)
class ChargeFilters:
    organisation: Organisation | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ChargeTotals:
    charged_count: int
    charged_amount: Decimal
    waived_count: int
    waived_amount: Decimal


def charges_for(*, viewer: Viewer, filters: ChargeFilters) -> QuerySet[Charge]:
    """Charges the viewer may see that match the filters, by organisation, date and person."""
    charges = charges_visible_to(viewer)
    if filters.organisation is not None:
        charges = charges.filter(organisation=filters.organisation)
    if filters.date_from is not None:
        charges = charges.filter(booking__session__starts_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        charges = charges.filter(booking__session__starts_at__date__lte=filters.date_to)
    return charges.select_related(
        "organisation", "booking__user", "booking__session__course", "waived_by"
    ).order_by(
        "organisation__name",
        "booking__session__starts_at",
        "booking__user__last_name",
        "booking__user__first_name",
        "pk",
    )


def charge_totals(charges: QuerySet[Charge]) -> ChargeTotals:
    """How many charges and how much, charged and waived, in one query."""
    charged, waived = Q(waived_at__isnull=True), Q(waived_at__isnull=False)
    row = charges.order_by().aggregate(
        charged_count=Count("pk", filter=charged),
        charged_amount=Sum("amount", filter=charged),
        waived_count=Count("pk", filter=waived),
        waived_amount=Sum("amount", filter=waived),
    )
    return ChargeTotals(
        charged_count=row["charged_count"],
        charged_amount=row["charged_amount"] or Decimal(0),
        waived_count=row["waived_count"],
        waived_amount=row["waived_amount"] or Decimal(0),
    )
