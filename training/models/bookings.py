"""Bookings, the charges they cause, and booking holds for repeated non-attendance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from training.enums import ACTIVE_STATUSES, BookingStatus, ChargeKind


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def holding_places(self) -> BookingQuerySet:
        from training.enums import PLACE_HOLDING_STATUSES

        return self.filter(status__in=PLACE_HOLDING_STATUSES)

    def waiting(self) -> BookingQuerySet:
        """The waiting list, first come first served."""
        return self.filter(status=BookingStatus.WAITLISTED).order_by("waitlisted_at", "pk")


class Booking(models.Model):
    """A person's place (or wish for one) on a session, booked through one of their memberships.

    `user` mirrors `attendee.user` so the database can hold one active booking per person per
    session.
    """

    session = models.ForeignKey(
        "training.Session", on_delete=models.PROTECT, related_name="bookings"
    )
    attendee = models.ForeignKey(
        "organisations.Membership", on_delete=models.PROTECT, related_name="bookings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings", editable=False
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_made"
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    approval_expires_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booking_cancellations",
    )
    cancellation_reason = models.TextField(blank=True)
    arrived_at = models.TimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance_marked",
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    substituted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="substituted_by",
        help_text="The booking this one took the place of.",
    )

    history = HistoricalRecords()
    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=sorted(ACTIVE_STATUSES)),
                name="booking_one_active_per_person",
            )
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.session} ({self.get_status_display()})"


class Charge(models.Model):
    """Money owed by the attendee's home organisation for a booking."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="charges")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="training_charges"
    )
    kind = models.CharField(max_length=20, choices=ChargeKind.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waiver_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="charge_one_per_kind"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_positive"),
            models.CheckConstraint(
                condition=Q(waived_at__isnull=True) | ~Q(waiver_reason=""),
                name="charge_waiver_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} — {self.organisation}"


class BookingHold(models.Model):
    """A period in which a person may not book, usually after repeatedly not attending."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_holds"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="hold_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Booking hold for {self.user} until {self.ends_at:%d/%m/%Y}"
