"""`SentEmail`: the "sent exactly once" log every app's emails can share.

An email that must go once (a decision, a reminder, an invitation to evaluate) claims a row
here, in the transaction that sends it, and the unique constraint makes a second claim fail:
a rerun, a retry or two workers at once send nothing more, and a send that fails rolls its row
back, so a retry sends. The messages themselves are in the outbox (django-post-office).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SentEmail(models.Model):
    kind = models.CharField(max_length=60, help_text='What the email is, e.g. "evidence_decision".')
    key = models.CharField(max_length=200, help_text="What it is about: an id, or ids and a date.")
    recipient = models.CharField(max_length=254, help_text="The address it went to.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "recipient"], name="sent_email_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.recipient}"
