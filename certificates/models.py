"""Certificates and the signatory printed on them.

A `Certificate` is a snapshot: everything it says is copied from the training record, the
person, the course and the signatory when it is issued, and never recomputed, so later changes
to any of them change no issued certificate. It keeps a link to its record (`training_record`,
set to null if the record goes) and to its holder, for permissions and for reissuing.

A certificate is *current* until it is revoked or superseded. The database allows one current
certificate per training record (`one_current_certificate_per_record`), which is what makes
issuing idempotent.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from certificates.codes import code_display


class CertificateState(models.TextChoices):
    """What the verification page says about a certificate."""

    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Replaced by a newer certificate"


# Why a certificate was revoked when its training record was removed, by source.
ATTENDANCE_CORRECTED_REASON = "Attendance corrected"
RECORD_REMOVED_REASON = "The training record was removed"


class Certificate(models.Model):
    """A certificate for one training record, fixed at issue."""

    code = models.CharField(
        max_length=16,
        unique=True,
        editable=False,
        help_text="The verification code, normalised (16 characters of Crockford's base32).",
    )
    training_record = models.ForeignKey(
        "training.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        help_text="Null once the record is removed; the certificate (revoked) stays.",
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )

    # The snapshot, fixed at issue.
    holder_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=200)
    session_dates = models.CharField(
        max_length=300, blank=True, help_text="The days of the course, as printed."
    )
    starts_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField()
    cpd_hours = models.DecimalField("CPD hours", max_digits=5, decimal_places=2)
    standards_met = models.CharField(
        max_length=1000, blank=True, help_text="The standards and levels met, as printed."
    )
    issuer = models.CharField(max_length=200)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True)
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField()
    expires_on = models.DateField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who reissued it; blank when issued automatically.",
    )

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )

    # The holder is owed the email with the PDF: set in the transaction that issues it (unless
    # issued without one, as the demo's past certificates are), cleared in the one that stores
    # the email. The hourly sweep sends any that a lost task left owing.
    email_pending = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["email_pending"])

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["holder", "issued_at"]),
            models.Index(
                fields=["issued_at"],
                condition=Q(email_pending=True),
                name="certificate_email_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["training_record"],
                condition=Q(revoked_at__isnull=True, superseded_at__isnull=True),
                name="one_current_certificate_per_record",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revoked_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(superseded_at__isnull=False),
                name="certificate_superseded_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_title} — {self.holder_name} ({self.display_code})"

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    @property
    def is_current(self) -> bool:
        return self.revoked_at is None and self.superseded_at is None

    def state(self, today: date | None = None) -> CertificateState:
        """Valid, expired, revoked or superseded, on `today` (the local date by default)."""
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if self.superseded_at is not None:
            return CertificateState.SUPERSEDED
        today = today or timezone.localdate()
        if self.expires_on is not None and self.expires_on < today:
            return CertificateState.EXPIRED
        return CertificateState.VALID

    def get_verify_url(self) -> str:
        return reverse("certificates:verify_code", args=[self.code])


@register_setting(icon="doc-full")
class CertificateSignatory(BaseGenericSetting):
    """Who signs the partnership's certificates (edited in the admin under Settings). Each
    certificate copies these at issue, so a new signatory changes only certificates issued
    after."""

    name = models.CharField(max_length=200, blank=True, help_text="As printed under the signature.")
    role = models.CharField(
        max_length=200, blank=True, help_text="For example: Independent Scrutineer."
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An image of the signature (optional), on a white or clear background.",
    )

    class Meta:
        verbose_name = "Certificate signatory"


def _private_storage() -> Storage:
    """The zips hold personal data: kept out of MEDIA_ROOT, served only through a view that
    checks who is asking."""
    return storages["private"]


def _export_file_path(instance: CertificateExport, filename: str) -> str:
    """A random name: the path must not be guessable."""
    return f"certificate-exports/{uuid.uuid4().hex}.zip"


def _export_expires_at() -> datetime:
    """Kept `CERTIFICATE_EXPORT_KEEP_DAYS` days, then deleted by the hourly sweep."""
    return timezone.now() + timedelta(days=settings.CERTIFICATE_EXPORT_KEEP_DAYS)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be made"


class CertificateExport(models.Model):
    """A zip of the current certificates of an organisation's staff and volunteers for a
    period, made by a Celery task for the coordinator who asked, and deleted after a few
    days."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="certificate_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="certificate_exports",
    )
    period_from = models.DateField(help_text="Certificates for courses completed on or after.")
    period_to = models.DateField(help_text="Certificates for courses completed on or before.")
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0, help_text="Certificates to put in the zip.")
    done = models.PositiveIntegerField(default=0, help_text="Certificates in it so far.")
    file = models.FileField(
        upload_to=_export_file_path, storage=_private_storage, max_length=255, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_export_expires_at)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="certificate_export_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")),
                name="certificate_export_done_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Certificates for {self.organisation}, {self.period_from} to {self.period_to}"

    def get_absolute_url(self) -> str:
        return reverse(
            "certificates:export_detail",
            kwargs={"slug": self.organisation.slug, "pk": self.pk},
        )

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY and bool(self.file)

    @property
    def is_in_progress(self) -> bool:
        return self.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}

    @property
    def percent_done(self) -> int:
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
