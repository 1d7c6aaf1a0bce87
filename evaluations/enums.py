"""Choices shared by the evaluations models, services and pages."""

from __future__ import annotations

from django.db import models


class Step(models.TextChoices):
    BEFORE = "before", "Before the course"
    AFTER = "after", "Straight after the course"
    FOLLOW_UP = "follow_up", "Follow-up"


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating scale"
    YES_NO = "yes_no", "Yes or no"
    FREE_TEXT = "free_text", "Free text"
