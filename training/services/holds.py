"""Booking holds: a time in which someone may not book, after repeatedly not attending.

The threshold, the window and the length of a hold are `BookingRules`, which the partnership
team changes in the admin. Non-attendances that led to a hold are spent: after it ends, only
new ones count towards the next.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from training.enums import BookingStatus
from training.models import Booking, BookingHold, BookingRules
from training.permissions import is_partnership_team
from training.selectors.eligibility import active_booking_hold

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def hold_apply_if_repeated_no_shows(
    *, user: User, now: datetime | None = None
) -> BookingHold | None:
    """Put a booking hold on the person if they have not attended often enough to earn one.

    That is `no_show_hold_threshold` sessions marked "did not attend" in the last
    `no_show_window_months` months, counting none from before an earlier hold. Nothing
    happens while a hold is already in force. Call it after marking someone as not attending.
    """
    now = now or timezone.now()
    rules = BookingRules.load()
    with transaction.atomic():
        # Two registers marked at the same moment must not give two holds.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if active_booking_hold(user=user, on=now) is not None:
            return None
        since = now - relativedelta(months=rules.no_show_window_months)
        previous = BookingHold.objects.filter(user=user, starts_at__lte=now).first()
        if previous is not None and previous.starts_at > since:
            since = previous.starts_at
        no_shows = Booking.objects.filter(
            user=user,
            status=BookingStatus.NO_SHOW,
            session__starts_at__gt=since,
            session__starts_at__lte=now,
        ).count()
        if no_shows < rules.no_show_hold_threshold:
            return None
        hold = BookingHold(
            user=user,
            starts_at=now,
            ends_at=now + timedelta(days=rules.hold_days),
            # Read as "You cannot book until … because you <reason>." (see eligibility).
            reason=(f"did not attend {no_shows} sessions in {rules.no_show_window_months} months"),
        )
        hold.full_clean(exclude=["user", "created_by", "lifted_by"])
        hold._history_user = None  # type: ignore[attr-defined]
        hold._change_reason = "Repeated non-attendance"  # type: ignore[attr-defined]
        hold.save()
    logger.info("Booking hold applied", extra={"user": user.pk, "hold": hold.pk})
    return hold


def hold_lift(*, hold: BookingHold, lifted_by: User, now: datetime | None = None) -> BookingHold:
    """The partnership team ends a hold early; the person may book again at once."""
    now = now or timezone.now()
    if not is_partnership_team(lifted_by):
        raise ValidationError("Only the partnership team can lift a booking hold.")
    with transaction.atomic():
        hold.refresh_from_db(from_queryset=BookingHold.objects.select_for_update())
        if hold.lifted_at is not None:
            raise ValidationError("This booking hold has already been lifted.")
        if hold.ends_at <= now:
            raise ValidationError("This booking hold has already ended.")
        hold.lifted_at, hold.lifted_by = now, lifted_by
        hold._history_user = lifted_by  # type: ignore[attr-defined]
        hold._change_reason = "Lifted"  # type: ignore[attr-defined]
        hold.save(update_fields=["lifted_at", "lifted_by"])
    return hold
