"""An uploaded file of historic training completions, from preview to confirmation."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse

from organisations.enums import ImportStatus


def _private_storage() -> Storage:
    return storages["private"]


def _record_import_path(instance: RecordImportBatch, filename: str) -> str:
    return f"record-imports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class RecordImportBatch(models.Model):
    """Historic completions for one organisation's people. Like the people import: rows kept as
    read, every row's problems listed in plain English, applied all or nothing, once."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="record_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=_record_import_path, storage=_private_storage, max_length=255)
    rows = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(
        default=list, blank=True, help_text="Notes about the whole file, such as ignored columns."
    )
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    row_count = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=False))
                | (~Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=True)),
                name="recordimport_applied_at_when_applied",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} for {self.organisation} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "training:records_import_preview",
            kwargs={"slug": self.organisation.slug, "pk": self.pk},
        )

    @property
    def is_applied(self) -> bool:
        return self.status == ImportStatus.APPLIED

    @property
    def is_checking(self) -> bool:
        """A task is still reading the file; the preview waits for it."""
        return self.status == ImportStatus.CHECKING

    @property
    def can_be_applied(self) -> bool:
        """Only a file read and checked, with no problems, not yet imported, may be confirmed."""
        return self.status == ImportStatus.UPLOADED and not self.problems
