"""Choices for evidence of training done elsewhere."""

from django.db import models


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", "Waiting for verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
