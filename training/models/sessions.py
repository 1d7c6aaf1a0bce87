"""Sessions of a course, each with one or more dated parts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from training.enums import MixScope, SessionStatus


class SessionQuerySet(models.QuerySet["Session"]):
    def scheduled(self) -> SessionQuerySet:
        return self.filter(status=SessionStatus.SCHEDULED)


class Session(ClusterableModel):
    """One run of a course. `starts_at` and `ends_at` mirror the first and last part's times
    (kept by `training.services.sessions`), so listings can filter and sort without joins.
    Clusterable so the admin edits its parts as rows on the same form."""

    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="sessions")
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    starts_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    venue = models.TextField(blank=True, help_text="Address, room and how to get there.")
    joining_link = models.URLField(blank=True, help_text="For virtual sessions.")
    joining_details = models.TextField(
        blank=True, help_text="Anything else booked people need, such as a meeting passcode."
    )
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    minimum_numbers = models.PositiveIntegerField(default=0)
    booking_opens_at = models.DateTimeField(null=True, blank=True)
    booking_closes_at = models.DateTimeField(null=True, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sessions_trained"
    )
    mix_scope = models.CharField(
        "Share places out by",
        max_length=20,
        choices=MixScope.choices,
        default=MixScope.ORGANISATION,
    )
    mix_max_places = models.PositiveIntegerField(
        "Most places one organisation or sector may hold",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    mix_max_percent = models.PositiveSmallIntegerField(
        "Most places one organisation or sector may hold, as a percentage",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    mix_release_at = models.DateTimeField(
        "Agency mix rule ends",
        null=True,
        blank=True,
        help_text="After this, any remaining places go to whoever books first.",
    )
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised on every change people must hear about."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_numbers__lte=models.F("capacity")),
                name="session_minimum_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(booking_opens_at__isnull=True)
                | Q(booking_closes_at__isnull=True)
                | Q(booking_closes_at__gt=models.F("booking_opens_at")),
                name="session_booking_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        when = (
            timezone.localtime(self.starts_at).strftime("%-d %B %Y")
            if self.starts_at
            else "date to be set"
        )
        return f"{self.course} — {when}"

    def get_absolute_url(self) -> str:
        return reverse("training:session", kwargs={"pk": self.pk})


class SessionPart(models.Model):
    """One dated part of a session, such as day 1 of a two-day course."""

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="parts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_part_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%d/%m/%Y %H:%M} to {self.ends_at:%H:%M}"
