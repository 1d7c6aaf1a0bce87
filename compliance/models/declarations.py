"""Governors' yearly declaration that they have read the current statutory guidance."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class GovernorDeclaration(models.Model):
    """A governor says they have read an edition of the guidance (Keeping children safe in
    education is revised every September, so each edition is declared once)."""

    membership = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="declarations"
    )
    edition = models.CharField(
        max_length=120, help_text='For example "Keeping children safe in education 2026".'
    )
    declared_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "training_governordeclaration"
        ordering = ["-declared_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "edition"], name="declaration_once_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership} read {self.edition} on {self.declared_on:%d/%m/%Y}"
