"""Background jobs for training. Each takes ids (or nothing, for beat) and calls a service.

Beat runs the sweeps (config.settings.CELERY_BEAT_SCHEDULE). Each sweep selects what is due
now in one query, so nothing is scheduled days ahead and a missed tick is made up by the next.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from training.enums import NotificationKind
from training.models import Booking
from training.services import notifications
from training.services.record_imports import record_import_batches_delete_expired

# A mail server that is down or refusing mail: retry after up to 1, 2, 4… minutes (capped at
# an hour), about two hours in all, then give up. The failure is logged and the sent-log has
# no row, so nothing is marked as sent that was not.
SEND_RETRY_BACKOFF_SECONDS = 60
SEND_RETRY_BACKOFF_MAX_SECONDS = 60 * 60
SEND_MAX_RETRIES = 7


@shared_task(
    autoretry_for=(OSError,),  # smtplib's errors and socket errors are all OSErrors
    retry_backoff=SEND_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=SEND_RETRY_BACKOFF_MAX_SECONDS,
    max_retries=SEND_MAX_RETRIES,
)
def notification_send_task(booking_id: int, kind: str, key: str = "") -> bool:
    """Email one notification about a booking. Safe to run twice: each goes once."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        return False
    return notifications.notification_send(booking=booking, kind=NotificationKind(kind), key=key)


@shared_task
def notifications_sweep_task() -> int:
    """Beat job: queue the reminders and joining instructions due now."""
    return notifications.notifications_sweep(now=timezone.now())


@shared_task
def bookings_expire_unanswered_task() -> int:
    """Beat job: expire requests that no manager answered in time, and tell the people."""
    from training.services.booking import bookings_expire_unanswered

    return bookings_expire_unanswered(now=timezone.now())


@shared_task
def offers_expire_task() -> int:
    """Beat job: lapse waiting-list offers nobody accepted in time, offering each place on."""
    from training.services.booking import offers_expire

    return offers_expire(now=timezone.now())


@shared_task
def waiting_lists_offer_task() -> int:
    """Beat job: offer places that came free without a cancellation (the agency-mix rule
    released, a session made bigger, a booking hold ended) to the people waiting."""
    from training.services.booking import waiting_lists_offer_free_places

    return waiting_lists_offer_free_places(now=timezone.now())


@shared_task
def record_imports_expire_task() -> int:
    """Beat job: delete uploaded files of historic completions past keeping (the records stay)."""
    return record_import_batches_delete_expired()
