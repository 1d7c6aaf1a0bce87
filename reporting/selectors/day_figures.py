"""One day's figures, worked out from live data by grouped queries (never a loop over people).

Each function returns unsaved figure rows (no snapshot yet) for `reporting.services.snapshots`
to store. A fixed number of queries each, however many people, bookings or answers there are.

Compliance and governors' take-up are statuses *on* the day (the compliance app's own
`requirement_rows` and `take_up`, asked about that day). Everything else counts what happened
*during* the day, by the timestamp each event carries, so a closed day's figures do not move
when the same event's state moves later (docs/reporting.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from compliance.enums import ComplianceStatus
from compliance.models import ComplianceRules
from compliance.selectors.governors import take_up
from compliance.selectors.statuses import ComplianceDay, requirement_rows, status_counts
from evaluations.enums import QuestionKind
from evaluations.models import Answer, Invitation
from organisations.enums import GovernorRole
from organisations.models import Membership, Organisation
from reporting.models import (
    BookingFigure,
    ComplianceFigure,
    EvaluationFigure,
    GovernorFigure,
    SessionMixFigure,
    ShadowingFigure,
)
from shadowing.models import Placement
from training.enums import BookingStatus
from training.models import Booking, Charge, Session

ATTENDED = (BookingStatus.ATTENDED, BookingStatus.PARTIALLY_ATTENDED)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The day's start and the next day's, in the site's time zone (a half-open range, so an
    index on the timestamp serves it)."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _during(field: str, day: date) -> Q:
    start, end = day_bounds(day)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


# Statuses on the day ---------------------------------------------------------------------------


def compliance_figures(day: date) -> list[ComplianceFigure]:
    """Requirement rows by organisation, standard and status on the day: compliance's own
    `status_counts` over `requirement_rows`, grouped with the names of the day. One query."""
    rows = requirement_rows(
        ComplianceDay(on=day, due_soon_days=ComplianceRules.load().due_soon_days)
    )
    group = (
        "organisation_id",
        "organisation__name",
        "organisation__sector",
        "standard_id",
        "standard__name",
    )
    figures = []
    for counts in status_counts(rows, *group):
        g = counts.group
        for status in ComplianceStatus:
            number = getattr(counts, status.value)
            if number:
                figures.append(
                    ComplianceFigure(
                        organisation_id=g["organisation_id"],
                        organisation_name=g["organisation__name"],
                        sector=g["organisation__sector"],
                        standard_id=g["standard_id"],
                        standard_name=g["standard__name"],
                        status=status.value,
                        rows=number,
                    )
                )
    return figures


def governor_figures(day: date) -> list[GovernorFigure]:
    """Governors' take-up by school and governor role on the day: compliance's own `take_up`,
    once for each role (and once for governors with none), then the schools' names. Six
    queries."""
    rules = ComplianceRules.load()
    compliance_day = ComplianceDay(on=day, due_soon_days=rules.due_soon_days)
    governors = Membership.objects.all()
    roles = ["", *GovernorRole.values]
    by_role = {
        role: take_up(
            governors=governors.filter(governor_role=role),
            day=compliance_day,
            edition=rules.guidance_edition,
        )
        for role in roles
    }
    ids = {organisation_id for lines in by_role.values() for organisation_id in lines}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [
        GovernorFigure(
            organisation_id=line.organisation_id,
            organisation_name=names.get(line.organisation_id, ""),
            governor_role=role,
            governors=line.governors,
            in_date=line.in_date,
            new_starters=line.new_starters,
            action_needed=line.action_needed,
            declared=line.declared,
            edition=rules.guidance_edition,
        )
        for role in roles
        for line in by_role[role].values()
    ]


# What happened during the day ------------------------------------------------------------------

_BOOKING_GROUP = (
    "attendee__organisation_id",
    "attendee__organisation__name",
    "attendee__organisation__sector",
    "session__course_id",
    "session__course__title",
)


def _grouped(queryset: QuerySet[Any], group: Iterable[str], **counts: Any) -> list[dict[str, Any]]:
    return list(queryset.order_by().values(*group).annotate(**counts))


def booking_figures(day: date) -> list[BookingFigure]:
    """Bookings of each course by each organisation's people: made, marked attended or not,
    cancelled late, and charged, each on the day it happened. Four queries."""
    lines: dict[tuple[int, int], BookingFigure] = {}

    def line_for(row: dict[str, Any], prefix: str) -> BookingFigure:
        key = (row[f"{prefix}attendee__organisation_id"], row[f"{prefix}session__course_id"])
        if key not in lines:
            lines[key] = BookingFigure(
                organisation_id=key[0],
                organisation_name=row[f"{prefix}attendee__organisation__name"],
                sector=row[f"{prefix}attendee__organisation__sector"],
                course_id=key[1],
                course_title=row[f"{prefix}session__course__title"],
            )
        return lines[key]

    bookings = Booking.objects.all()
    for row in _grouped(bookings.filter(_during("created_at", day)), _BOOKING_GROUP, n=Count("pk")):
        line_for(row, "").booked = row["n"]
    marked = bookings.filter(_during("attendance_marked_at", day))
    for row in _grouped(
        marked,
        _BOOKING_GROUP,
        attended=Count("pk", filter=Q(status__in=ATTENDED)),
        did_not_attend=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
    ):
        line = line_for(row, "")
        line.attended, line.did_not_attend = row["attended"], row["did_not_attend"]
    late = bookings.filter(_during("cancelled_at", day), status=BookingStatus.LATE_CANCELLED)
    for row in _grouped(late, _BOOKING_GROUP, n=Count("pk")):
        line_for(row, "").late_cancelled = row["n"]
    _, end = day_bounds(day)
    standing = Q(waived_at__isnull=True) | Q(waived_at__gte=end)
    charges = Charge.objects.filter(_during("created_at", day))
    for row in _grouped(
        charges,
        [f"booking__{field}" for field in _BOOKING_GROUP],
        n=Count("pk"),
        amount=Sum("amount", filter=standing),
    ):
        line = line_for(row, "booking__")
        line.charges = row["n"]
        line.charges_pence = int((row["amount"] or Decimal(0)) * 100)
    return list(lines.values())


def session_mix_figures(day: date) -> list[SessionMixFigure]:
    """Sessions that started on the day, with the organisations, sectors and people that
    attended them. One query."""
    attended = Q(bookings__status__in=ATTENDED)
    sessions = (
        Session.objects.filter(_during("starts_at", day))
        .order_by()
        .values("pk", "course_id", "course__title", "starts_at")
        .annotate(
            agencies=Count("bookings__attendee__organisation", filter=attended, distinct=True),
            sectors=Count(
                "bookings__attendee__organisation__sector", filter=attended, distinct=True
            ),
            attendees=Count("bookings", filter=attended),
        )
    )
    return [
        SessionMixFigure(
            session_id=row["pk"],
            course_id=row["course_id"],
            course_title=row["course__title"],
            starts_at=row["starts_at"],
            agencies=row["agencies"],
            sectors=row["sectors"],
            attendees=row["attendees"],
        )
        for row in sessions
    ]


def shadowing_figures(day: date) -> list[ShadowingFigure]:
    """Placements requested and completed on the day, by the visitor's sector and the host's
    (shadowing's own matrix, a day at a time). One query."""
    group = ("home_organisation__sector", "host_organisation__sector")
    rows = _grouped(
        Placement.objects.filter(_during("requested_at", day) | _during("completed_at", day)),
        group,
        requested=Count("pk", filter=_during("requested_at", day)),
        completed=Count("pk", filter=_during("completed_at", day)),
    )
    return [
        ShadowingFigure(
            visitor_sector=row["home_organisation__sector"],
            host_sector=row["host_organisation__sector"],
            requested=row["requested"],
            completed=row["completed"],
        )
        for row in rows
    ]


def evaluation_figures(day: date) -> list[EvaluationFigure]:
    """Each course's evaluation steps: invitations sent on the day, answered on the day, and
    the ratings in those answers. Two queries."""
    lines: dict[tuple[int, str], EvaluationFigure] = {}
    group = ("booking__session__course_id", "booking__session__course__title", "step")

    def line_for(row: dict[str, Any], prefix: str) -> EvaluationFigure:
        key = (row[f"{prefix}booking__session__course_id"], row[f"{prefix}step"])
        if key not in lines:
            lines[key] = EvaluationFigure(
                course_id=key[0],
                course_title=row[f"{prefix}booking__session__course__title"],
                step=key[1],
            )
        return lines[key]

    invitations = Invitation.objects.filter(_during("asked_at", day) | _during("completed_at", day))
    for row in _grouped(
        invitations,
        group,
        asked=Count("pk", filter=_during("asked_at", day)),
        responses=Count("pk", filter=_during("completed_at", day)),
    ):
        line = line_for(row, "")
        line.asked, line.responses = row["asked"], row["responses"]
    ratings = Answer.objects.filter(
        _during("invitation__completed_at", day),
        question__kind=QuestionKind.RATING,
        rating__isnull=False,
    )
    for row in _grouped(
        ratings, [f"invitation__{field}" for field in group], n=Count("pk"), total=Sum("rating")
    ):
        line = line_for(row, "invitation__")
        line.ratings, line.rating_total = row["n"], row["total"] or 0
    return list(lines.values())
