"""Choices for reporting: how a snapshot was taken and which parts of the figures it holds."""

from __future__ import annotations

from django.db import models


class SnapshotHow(models.TextChoices):
    NIGHTLY = "nightly", "Taken by the nightly job"
    BACKFILL = "backfill", "Recomputed afterwards from history"
    BY_HAND = "by_hand", "Taken by hand"


class SnapshotPart(models.TextChoices):
    """A kind of figure a snapshot may hold (`Snapshot.parts`)."""

    COMPLIANCE = "compliance", "Compliance"
    GOVERNORS = "governors", "Governors' take-up"
    BOOKINGS = "bookings", "Bookings, attendance and charges"
    SESSIONS = "sessions", "Agencies per session"
    EVALUATIONS = "evaluations", "Evaluations"
    SHADOWING = "shadowing", "Shadowing"


ALL_PARTS = frozenset(SnapshotPart)
# What a past day's figures can be worked out from, long after the day: everything but
# governors' take-up, whose declarations are counted against the edition of the guidance
# current when the figures are taken (a past day's edition is not kept).
RECOMPUTABLE_PARTS = ALL_PARTS - {SnapshotPart.GOVERNORS}
