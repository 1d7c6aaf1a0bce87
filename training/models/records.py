"""Training records: what a person has completed, from any source."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from training.enums import RecordSource


class TrainingRecord(models.Model):
    """A piece of training a person completed, and the standards it meets until it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    membership = models.ForeignKey(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_records",
        help_text="The membership the training was done through, if any.",
    )
    course = models.ForeignKey(
        "training.Course",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    booking = models.OneToOneField(
        "training.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record",
    )
    title = models.CharField(max_length=200, help_text="The course or activity's name.")
    standards = models.ManyToManyField("training.TrainingStandard", blank=True, related_name="+")
    cpd_hours = models.DecimalField("CPD hours", max_digits=5, decimal_places=2)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=RecordSource.choices)
    attributed_to = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=(
            "The organisation that imported or verified this record: it counts towards that "
            "organisation's requirements only. Blank for the partnership's own training, which "
            "counts everywhere."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_batch = models.ForeignKey(
        "training.RecordImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[standards])

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["user", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.user}, {self.completed_on:%d/%m/%Y}"
