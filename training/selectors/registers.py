"""Reads for registers: the sessions a trainer or the partnership team marks, and who is on each
register. Every list starts from `organisations.permissions.sessions_with_registers_visible_to`
and costs the same number of queries however many sessions or people there are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet

from training.enums import ATTENDANCE_STATUSES, MARKABLE_STATUSES, BookingStatus, SessionStatus
from training.models import Booking, Session, SessionPart
from training.permissions import sessions_with_registers_visible_to

if TYPE_CHECKING:
    from organisations.permissions import Viewer

# Registers are usually marked on the day or within a week; eight weeks leaves room for
# corrections after a late sign-in sheet without the list growing without end.
RECENT_REGISTER_DAYS = 56


def _with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return (
        sessions.select_related("course")
        .annotate(
            booked_count=Count("bookings", filter=Q(bookings__status__in=MARKABLE_STATUSES)),
            marked_count=Count("bookings", filter=Q(bookings__status__in=ATTENDANCE_STATUSES)),
        )
        .prefetch_related(Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at")))
    )


def registers_upcoming(*, viewer: Viewer, now: datetime) -> QuerySet[Session]:
    """Scheduled sessions that have not ended yet (today's included), soonest first."""
    sessions = sessions_with_registers_visible_to(viewer).filter(
        status=SessionStatus.SCHEDULED, ends_at__gte=now
    )
    return _with_counts(sessions).order_by("starts_at", "pk")


def registers_recent(*, viewer: Viewer, now: datetime) -> QuerySet[Session]:
    """Scheduled sessions that ended in the last few weeks, latest first."""
    sessions = sessions_with_registers_visible_to(viewer).filter(
        status=SessionStatus.SCHEDULED,
        ends_at__lt=now,
        ends_at__gte=now - timedelta(days=RECENT_REGISTER_DAYS),
    )
    return _with_counts(sessions).order_by("-starts_at", "-pk")


def register_session(*, viewer: Viewer, pk: int) -> Session | None:
    """One session whose register the viewer may see, with what its page shows; else None."""
    return (
        sessions_with_registers_visible_to(viewer)
        .select_related("course")
        .prefetch_related(
            Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at")), "trainers"
        )
        .filter(pk=pk)
        .first()
    )


def register_bookings(*, session: Session) -> QuerySet[Booking]:
    """The people on the register: booked, or already marked, in name order."""
    return (
        Booking.objects.filter(session=session, status__in=MARKABLE_STATUSES)
        .select_related("user", "attendee__organisation", "attendee__job_role")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def register_summary(bookings: list[Booking]) -> dict[str, int]:
    """How many people are on the register, by mark, from an already-fetched list."""
    summary = {"booked": len(bookings), "not_marked": 0}
    for status in ATTENDANCE_STATUSES:
        summary[str(status)] = 0
    for booking in bookings:
        if booking.status == BookingStatus.CONFIRMED:
            summary["not_marked"] += 1
        else:
            summary[booking.status] += 1
    return summary
