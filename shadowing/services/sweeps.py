"""What happens to placements with time, run by beat every 15 minutes (shadowing.tasks.sweeps).

- A request expires when nobody answers in time: the line manager within
  `SHADOWING_MANAGER_ANSWER_DAYS` of the request, the host within `SHADOWING_HOST_ANSWER_DAYS`
  of the manager's approval; and any request or accepted placement still waiting for someone
  when its date arrives. Its place (if it held one) is released.
- Missing checks are chased once, `SHADOWING_CHECKS_CHASE_DAYS` before the visit.
- A confirmed visitor gets the joining details once, `SHADOWING_JOINING_DETAILS_DAYS` before.
- A visitor with a reflection to write is reminded once, halfway through
  `SHADOWING_REFLECTION_DAYS` after the visit was recorded; at the end the placement closes
  without a reflection.

Each change is its own transaction with the placement row locked (rows another worker holds are
skipped, to be seen on the next run), re-checked under the lock, and its emails sent once
(outbox's sent-log), so the sweep is safe to run twice or in two workers at once. The sweep
selects what is due now, so a missed run is made up by the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shadowing.enums import Action, Event, Party, Status
from shadowing.models import Placement
from shadowing.services.notifications import missing_checks, placement_emails_send
from shadowing.states import TransitionRefused, transition_check

logger = logging.getLogger(__name__)

WAITING = (Status.AWAITING_MANAGER, Status.AWAITING_HOST, Status.AWAITING_CHECKS)


def shadowing_sweep(now: datetime | None = None) -> dict[str, int]:
    """Expire, chase, send joining details, remind and close whatever is due now. Returns how
    many placements each step changed or emailed."""
    now = now or timezone.now()
    result = {
        "expired": _each(_expiry_candidates(now), lambda p: _expire(p, now)),
        "checks_chased": _each(_chase_candidates(now), _chase),
        "joining_details": _each(_joining_candidates(now), _joining_details),
        # Closing first, so a placement about to close is not reminded on the same run.
        "closed_unreflected": _each(_close_candidates(now), lambda p: _close(p, now)),
        "reflection_reminders": _each(_reminder_candidates(now), _remind),
    }
    if any(result.values()):
        logger.info("shadowing sweep", extra=result)
    return result


def _each(candidates: QuerySet[Placement], step: Callable[[Placement], bool]) -> int:
    """Run `step` on each candidate, one transaction each, with its row locked and reloaded."""
    done = 0
    for pk in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            placement = (
                Placement.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("opportunity", "visitor__user", "visitor__line_manager__user")
                .filter(pk=pk)
                .first()
            )
            if placement is not None and step(placement):
                done += 1
    return done


def _today(now: datetime) -> date:
    return timezone.localdate(now)


# Expiring -----------------------------------------------------------------------------------


def _expiry_candidates(now: datetime) -> QuerySet[Placement]:
    today = _today(now)
    manager_late = Q(
        status=Status.AWAITING_MANAGER,
        requested_at__lte=now - timedelta(days=settings.SHADOWING_MANAGER_ANSWER_DAYS),
    )
    host_late = Q(
        status=Status.AWAITING_HOST,
        manager_decided_at__lte=now - timedelta(days=settings.SHADOWING_HOST_ANSWER_DAYS),
    )
    date_arrived = Q(status__in=WAITING) & (
        Q(visit_date__lte=today)
        | Q(visit_date__isnull=True, requested_date__date__lte=today)
        # By arrangement, before a date is agreed: checked against the proposed dates below.
        | Q(visit_date__isnull=True, requested_date__isnull=True)
    )
    return Placement.objects.filter(manager_late | host_late | date_arrived)


def _expiry_reason(placement: Placement, now: datetime) -> str | None:
    """Why the placement expires now, in words for its people; None if it does not."""
    if placement.status not in WAITING:
        return None
    today = _today(now)
    day = _date_of(placement)
    if day is not None and day <= today:
        if placement.status == Status.AWAITING_CHECKS:
            return "The checks were not all done before the day of the visit."
        return "The day of the visit came before the request was answered."
    if placement.status == Status.AWAITING_MANAGER and placement.requested_at <= now - timedelta(
        days=settings.SHADOWING_MANAGER_ANSWER_DAYS
    ):
        days = settings.SHADOWING_MANAGER_ANSWER_DAYS
        return f"The line manager did not answer within {days} days."
    decided = placement.manager_decided_at
    if (
        placement.status == Status.AWAITING_HOST
        and decided is not None
        and decided <= now - timedelta(days=settings.SHADOWING_HOST_ANSWER_DAYS)
    ):
        days = settings.SHADOWING_HOST_ANSWER_DAYS
        return f"The host did not answer within {days} days."
    return None


def _date_of(placement: Placement) -> date | None:
    """The day the placement is for: the agreed one, the one asked for, or, by arrangement,
    the last day the visitor proposed (the host may still pick it until then)."""
    if placement.visit_date is not None:
        return placement.visit_date
    if placement.requested_date_id is not None and placement.requested_date is not None:
        return placement.requested_date.date
    proposed = []
    for value in placement.proposed_dates or []:
        try:
            proposed.append(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return max(proposed) if proposed else None


def _expire(placement: Placement, now: datetime) -> bool:
    reason = _expiry_reason(placement, now)
    if reason is None:
        return False
    try:
        transition_check(action=Action.EXPIRE, status=placement.status, parties={Party.SYSTEM})
    except TransitionRefused:
        return False
    placement.status = Status.EXPIRED
    placement.ended_at = now
    placement.reason = reason
    placement.ended_by = None
    # The place goes back on offer.
    placement.place_number = None
    placement._history_user = None  # type: ignore[attr-defined]
    placement._change_reason = "Expired unanswered"  # type: ignore[attr-defined]
    placement.save()
    placement_emails_send(placement=placement, event=Event.EXPIRED)
    return True


# Chasing checks and joining details ---------------------------------------------------------


def _chase_candidates(now: datetime) -> QuerySet[Placement]:
    today = _today(now)
    return Placement.objects.filter(
        status=Status.AWAITING_CHECKS,
        visit_date__gt=today,
        visit_date__lte=today + timedelta(days=settings.SHADOWING_CHECKS_CHASE_DAYS),
    )


def _chase(placement: Placement) -> bool:
    if placement.status != Status.AWAITING_CHECKS or not missing_checks(placement):
        return False
    return placement_emails_send(placement=placement, event=Event.CHECKS_CHASED) > 0


def _joining_candidates(now: datetime) -> QuerySet[Placement]:
    today = _today(now)
    return Placement.objects.filter(
        status=Status.CONFIRMED,
        visit_date__gte=today,
        visit_date__lte=today + timedelta(days=settings.SHADOWING_JOINING_DETAILS_DAYS),
    )


def _joining_details(placement: Placement) -> bool:
    if placement.status != Status.CONFIRMED:
        return False
    return placement_emails_send(placement=placement, event=Event.JOINING_DETAILS) > 0


# Reflections --------------------------------------------------------------------------------


def _reflection_period() -> timedelta:
    return timedelta(days=settings.SHADOWING_REFLECTION_DAYS)


def _reminder_candidates(now: datetime) -> QuerySet[Placement]:
    return Placement.objects.filter(
        status=Status.AWAITING_REFLECTION,
        outcome_recorded_at__lte=now - _reflection_period() / 2,
        outcome_recorded_at__gt=now - _reflection_period(),
    )


def _remind(placement: Placement) -> bool:
    if placement.status != Status.AWAITING_REFLECTION:
        return False
    return placement_emails_send(placement=placement, event=Event.REFLECTION_REMINDER) > 0


def _close_candidates(now: datetime) -> QuerySet[Placement]:
    return Placement.objects.filter(
        status=Status.AWAITING_REFLECTION, outcome_recorded_at__lte=now - _reflection_period()
    )


def _close(placement: Placement, now: datetime) -> bool:
    recorded = placement.outcome_recorded_at
    if (
        placement.status != Status.AWAITING_REFLECTION
        or recorded is None
        or recorded > now - _reflection_period()
    ):
        return False
    placement.status = Status.NOT_REFLECTED
    placement.ended_at = now
    placement.reason = (
        f"No reflection was written within {settings.SHADOWING_REFLECTION_DAYS} days of the visit."
    )
    placement._history_user = None  # type: ignore[attr-defined]
    placement._change_reason = "Closed: no reflection written in time"  # type: ignore[attr-defined]
    placement.save()
    placement_emails_send(placement=placement, event=Event.NOT_REFLECTED)
    return True
