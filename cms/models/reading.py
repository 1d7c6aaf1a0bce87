"""Who has read and understood which edition of a guide or procedure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Acknowledgement(models.Model):
    """A person's "I have read and understood this" for one edition of a page.

    A new edition (a published version not marked as a small correction) is not covered by an
    acknowledgement of an earlier one, so the person is asked again; the old row stays as history.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="page_acknowledgements"
    )
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    edition = models.PositiveIntegerField()
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "edition"], name="acknowledgement_once_per_edition"
            )
        ]
        indexes = [models.Index(fields=["page", "edition"], name="acknowledgement_page_edition")]

    def __str__(self) -> str:
        return f"{self.user} read page {self.page_id} edition {self.edition}"
