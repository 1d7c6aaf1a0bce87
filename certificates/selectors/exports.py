"""Reading what a coordinator's zip of certificates holds."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from certificates.models import Certificate
from certificates.selectors.eligibility import current_certificates
from organisations.models import Membership, Organisation
from organisations.permissions import COORDINATOR_KINDS


def certificates_for_export(
    *, organisation: Organisation, period_from: date, period_to: date
) -> QuerySet[Certificate]:
    """The current certificates (valid or expired, never revoked or replaced) of the people
    who are on the organisation's staff or volunteers today, for courses completed in the
    period (both days included), by holder's name."""
    staff = (
        Membership.objects.current()
        .filter(organisation=organisation, kind__in=COORDINATOR_KINDS)
        .values("user")
    )
    return (
        current_certificates()
        .filter(holder__in=staff, completed_on__gte=period_from, completed_on__lte=period_to)
        .select_related("signature_image")
        .order_by("holder_name", "completed_on", "pk")
    )
