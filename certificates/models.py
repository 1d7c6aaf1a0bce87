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

from datetime import date

from django.conf import settings
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["holder", "issued_at"])]
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
