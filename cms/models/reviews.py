"""Reminders sent to review owners, one row per reminder so none is sent twice."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cms.enums import ReviewReminderKind


class ReviewReminder(models.Model):
    """A reminder about one review date of one page. A new review date gets new reminders."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReviewReminderKind.choices)
    next_review = models.DateField()
    recipients = models.TextField(blank=True, help_text="The addresses it went to.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "kind", "next_review"], name="reviewreminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for page {self.page_id} ({self.next_review})"
