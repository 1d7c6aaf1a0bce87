"""Evidence of training done elsewhere, which a coordinator verifies before it counts."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from evidence.enums import EvidenceStatus


def _private_storage() -> Storage:
    """Certificates hold personal data: kept out of MEDIA_ROOT, served only through a view that
    checks who is asking."""
    return storages["private"]


def _evidence_file_path(instance: ExternalEvidence, filename: str) -> str:
    return f"training-evidence/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ExternalEvidence(models.Model):
    """A practitioner's claim that they did training elsewhere, with a certificate or similar.

    Only verified evidence counts: verifying creates the `TrainingRecord` (source "external")
    that compliance reads; pending and rejected evidence is never counted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_evidence"
    )
    membership = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.PROTECT,
        related_name="training_evidence",
        help_text="The membership whose coordinator (or clerk, for governors) verifies it.",
    )
    title = models.CharField("Course name", max_length=200)
    provider = models.CharField(max_length=200)
    completed_on = models.DateField()
    cpd_hours = models.DecimalField(
        "CPD hours", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    standard = models.ForeignKey(
        "training.TrainingStandard", on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to=_evidence_file_path, storage=_private_storage, max_length=255)
    original_filename = models.CharField(max_length=255)
    status = models.CharField(
        max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    record = models.OneToOneField(
        "training.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(table_name="training_historicalexternalevidence")

    class Meta:
        db_table = "training_externalevidence"
        ordering = ["-created_at"]
        verbose_name_plural = "external evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=EvidenceStatus.REJECTED) | ~Q(rejection_reason=""),
                name="evidence_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=EvidenceStatus.PENDING) | Q(decided_at__isnull=False),
                name="evidence_decision_dated",
            ),
        ]
        indexes = [models.Index(fields=["membership", "status"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider}) — {self.user}"
