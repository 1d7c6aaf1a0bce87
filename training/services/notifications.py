"""Notifications about bookings. Each is sent exactly once (see models.NotificationLog).

Services call `notify_on_commit`; the email goes from a Celery task after the transaction
commits. Time-based notifications (reminders, joining instructions) come from beat sweeps.
"""

from __future__ import annotations

from training.enums import NotificationKind


def notify_on_commit(*, booking_id: int, kind: NotificationKind, key: str = "") -> None:
    """Queue one notification about a booking, sent once the current transaction commits."""
    # Filled in by the notifications work (sent-log, templates, .ics attachments).
    return None
