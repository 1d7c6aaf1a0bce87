"""The sent-log that makes every booking notification go exactly once."""

from __future__ import annotations

from django.db import models

from training.enums import NotificationKind


class NotificationLog(models.Model):
    """One notification about one booking. The unique key is claimed in the same transaction
    that sends the email, so a sweep that runs twice, or a worker that dies mid-way, never
    sends it twice (see training.services.notifications)."""

    booking = models.ForeignKey(
        "training.Booking", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    # What makes a repeat different: e.g. the session's sequence for "session changed".
    key = models.CharField(max_length=100, blank=True)
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "key", "recipient"], name="notification_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"
