"""Charges to an attendee's organisation: late cancellations, non-attendance and course fees.

Amounts come from the course (the fee from the organisation's sector). A booking has at most
one charge of each kind (a database constraint), so creating one twice gives the same charge.
Only the partnership team waives a charge, and always with a reason.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from training.enums import BookingStatus, ChargeKind
from training.models import Booking, Charge, CourseFee
from training.permissions import can_waive_charges

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The booking state each kind of charge is for; a fee may be charged for any booking.
# Charges that marking a register causes, so correcting the register may withdraw them.
REGISTER_CHARGE_KINDS = frozenset({ChargeKind.NO_SHOW, ChargeKind.FEE})
CHARGEABLE_STATUS = {
    ChargeKind.LATE_CANCELLATION: BookingStatus.LATE_CANCELLED,
    ChargeKind.NO_SHOW: BookingStatus.NO_SHOW,
}


def charge_amount(*, booking: Booking, kind: ChargeKind) -> Decimal:
    """What the course charges for this kind, for this booking's organisation."""
    course = booking.session.course
    if kind == ChargeKind.LATE_CANCELLATION:
        return course.late_cancellation_charge
    if kind == ChargeKind.NO_SHOW:
        return course.no_show_charge
    fee = CourseFee.objects.filter(
        course=course, sector=booking.attendee.organisation.sector
    ).first()
    return fee.amount if fee is not None else Decimal(0)


def charge_create(
    *, booking: Booking, kind: ChargeKind, actor: User | None = None
) -> Charge | None:
    """Charge the attendee's organisation for the booking, once.

    None when the course charges nothing for this. Call it after the booking's status has
    changed: a late-cancellation charge needs a late cancellation, a did-not-attend charge a
    booking marked as not attended.
    """
    expected = CHARGEABLE_STATUS.get(kind)
    if expected is not None and booking.status != expected:
        raise ValidationError(
            f"Only a booking that is “{BookingStatus(expected).label.lower()}” can have a "
            f"{ChargeKind(kind).label.lower()} charge."
        )
    amount = charge_amount(booking=booking, kind=kind)
    if amount <= 0:
        return None
    existing = Charge.objects.filter(booking=booking, kind=kind).first()
    if existing is not None:
        return existing
    charge = Charge(
        booking=booking,
        organisation_id=booking.attendee.organisation_id,
        kind=kind,
        amount=amount,
    )
    charge.full_clean(exclude=["booking", "organisation"], validate_constraints=False)
    charge._history_user = actor  # type: ignore[attr-defined]
    try:
        # A savepoint: if someone else charged it meanwhile, theirs stands.
        with transaction.atomic():
            charge.save()
    except IntegrityError:
        return Charge.objects.get(booking=booking, kind=kind)
    logger.info(
        "Charge created",
        extra={"charge": charge.pk, "booking": booking.pk, "kind": kind, "amount": str(amount)},
    )
    return charge


def charge_waive(
    *,
    charge: Charge,
    waived_by: User,
    reason: str,
    now: datetime | None = None,
    correcting_register: bool = False,
) -> Charge:
    """The partnership team waives a charge, saying why. It stays on record, marked waived.

    `correcting_register` is for the attendance service only: when a mark turns out to be
    wrong, whoever may mark the register (checked there) withdraws the charge it caused (a
    did-not-attend charge, or a course fee), which needs no decision from the partnership team.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if correcting_register and charge.kind not in REGISTER_CHARGE_KINDS:
        raise ValidationError(
            "Only a did-not-attend charge or a course fee is withdrawn by correcting a register."
        )
    if not correcting_register and not can_waive_charges(waived_by):
        raise ValidationError("Only the partnership team can waive a charge.")
    if not reason:
        raise ValidationError("Enter a reason for waiving the charge.")
    with transaction.atomic():
        charge.refresh_from_db(from_queryset=Charge.objects.select_for_update())
        if charge.waived_at is not None:
            raise ValidationError("This charge has already been waived.")
        charge.waived_at, charge.waived_by, charge.waiver_reason = now, waived_by, reason
        charge._history_user = waived_by  # type: ignore[attr-defined]
        charge._change_reason = "Waived"  # type: ignore[attr-defined]
        charge.save(update_fields=["waived_at", "waived_by", "waiver_reason"])
    return charge
