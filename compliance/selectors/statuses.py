"""Compliance: who must hold what, and whether they hold it, computed by the database.

Every figure starts from `requirement_rows`: one row for each current membership and each
requirement that applies to it (the `AppliedRequirement` view), annotated with its status on a
given day. Counts for a person, a team, an organisation, a sector or the whole partnership are
`status_counts` over those rows, grouped as asked: one query, whatever the number of people.

The rules (docs/compliance.md):

- A record *counts* for a membership when it is the partnership's own training (attendance,
  e-learning: not attributed to an organisation) or was imported or verified by the
  membership's own organisation (`attributed_to`).
- A record *meets* a standard when one of its standards is that standard or covers it (level 3
  covers levels 2 and 1, through any chain). Records completed after the day asked about are
  ignored.
- The *effective date* for a standard is the latest date D such that the records meeting it
  completed on or after D, and before D + the renewal months below, add up to the standard's
  CPD hours required (for a standard without an hours rule, any one record: D is the latest
  completion). Hours spread so thin that they never add up within one period never meet it.
- It *expires* on D + the requirement's renewal months (the standard's validity when the
  requirement has none; never, when neither has one). On the expiry day it no longer counts.
- Status on day T: *in date* if T is before expiry minus the due-soon window; *due soon* if T
  is before expiry; otherwise *new starter* if T is before the end of the grace period (grace
  months from the later of the membership's start and the requirement's start); otherwise
  *overdue* if it was ever met and *missing* if never.

The status is one subquery per row (one of two, by whether the standard counts hours), so
grouping by it costs one evaluation per row. The dates behind it (`with_dates`) are separate
annotations, for lists a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Round
from django.db.models.lookups import GreaterThan, IsNull
from django.utils import timezone

from compliance.db_functions import AddDays, AddMonths
from compliance.enums import ComplianceStatus
from compliance.models import AppliedRequirement, ComplianceRules
from organisations.permissions import memberships_visible_to
from training.models import TrainingRecord

if TYPE_CHECKING:
    from organisations.permissions import Viewer

_through = TrainingRecord.standards.through


@dataclass(frozen=True)
class ComplianceDay:
    """The day statuses are worked out for, and the due-soon window in days."""

    on: date
    due_soon_days: int

    @classmethod
    def today(cls) -> ComplianceDay:
        return cls(on=timezone.localdate(), due_soon_days=ComplianceRules.load().due_soon_days)

    @property
    def due_soon_from(self) -> date:
        """Training expiring before this day is due soon (or worse)."""
        return self.on + timedelta(days=self.due_soon_days)


def _resolve(day: ComplianceDay | None) -> ComplianceDay:
    return day if day is not None else ComplianceDay.today()


def _renewal_months() -> Coalesce:
    """The requirement's renewal, or the standard's validity; NULL means it never expires."""
    return Coalesce(F("requirement__renewal_months"), F("standard__validity_months"))


def _grace_ends_on(row: Any = F) -> AddMonths:
    """The day a new starter's grace ends, from the later of their start and the
    requirement's. `row` is `F` on the rows themselves, or `OuterRef` inside a subquery."""
    return AddMonths(
        Greatest(row("membership__start_date"), row("requirement__applies_from")),
        row("requirement__grace_months"),
    )


def _counted_for(organisation: Any) -> Q:
    """Records that count for a row of `organisation`: the partnership's own training (not
    attributed to anyone) counts everywhere; a record an organisation imported or verified
    counts only towards that organisation's requirements (docs/compliance.md)."""
    return Q(attributed_to_id__isnull=True) | Q(attributed_to_id=organisation)


def _meeting_records(
    *, user: Any, standard: Any, organisation: Any, day: ComplianceDay
) -> QuerySet[TrainingRecord]:
    """Records of `user` that meet `standard` and count for `organisation`, each record once,
    completed by the day.

    `user`, `standard` and `organisation` are the row's as seen from these records (an
    `OuterRef`, nested as deep as these records sit).
    """
    meets = _through.objects.filter(
        trainingrecord_id=OuterRef("pk"), trainingstandard__covers__covered_id=OuterRef(standard)
    )
    return (
        TrainingRecord.objects.filter(user_id=user, completed_on__lte=day.on)
        .filter(_counted_for(organisation))
        .filter(Exists(meets))
    )


def _latest_record(day: ComplianceDay) -> QuerySet[TrainingRecord]:
    """For a standard without an hours rule: records meeting it, newest first."""
    return (
        TrainingRecord.objects.filter(
            user_id=OuterRef("user_id"),
            completed_on__lte=day.on,
            standards__covers__covered_id=OuterRef("standard_id"),
        )
        .filter(_counted_for(OuterRef("organisation_id")))
        .order_by("-completed_on")
    )


def _enough_hours_record(day: ComplianceDay) -> QuerySet[TrainingRecord]:
    """For a standard with an hours rule: records meeting it from which on (counting records
    on the same day, and only those before the renewal period from it ends) the hours add up
    to what the standard requires, newest first."""
    hours_since = (
        _meeting_records(
            user=OuterRef("user_id"),
            standard=OuterRef(OuterRef("standard_id")),
            organisation=OuterRef(OuterRef("organisation_id")),
            day=day,
        )
        .filter(
            completed_on__gte=OuterRef("completed_on"), completed_on__lt=OuterRef("period_ends_on")
        )
        .order_by()
        .values("user_id")
        # Hours have two decimal places, so the exact total has too: rounding to them undoes
        # SQLite's binary floating point (0.7 + 0.1 is 0.7999… there, short of 0.8). PostgreSQL
        # adds exactly either way. The float output field only spares SQLite the casts Django
        # puts around decimals, which would nest this deeper than its parser allows in the
        # reminders' queries; the total is compared in SQL, never read.
        .annotate(
            total=Round(Sum("cpd_hours", output_field=FloatField()), 2, output_field=FloatField())
        )
        .values("total")
    )
    return (
        _meeting_records(
            user=OuterRef("user_id"),
            standard=OuterRef("standard_id"),
            organisation=OuterRef("organisation_id"),
            day=day,
        )
        # Hours from records so far apart that they never fell in one period never met it.
        .annotate(
            period_ends_on=AddMonths(
                F("completed_on"),
                Coalesce(
                    OuterRef("requirement__renewal_months"), OuterRef("standard__validity_months")
                ),
            )
        )
        .annotate(hours_since=Subquery(hours_since))
        .filter(hours_since__gte=OuterRef("standard__cpd_hours_required"))
        .order_by("-completed_on")
    )


def _by_hours_rule(simple: Any, hours: Any, output_field: Any) -> Case:
    """One of two subqueries, by whether the row's standard counts hours (CASE evaluates only
    the branch it takes)."""
    return Case(
        When(standard__cpd_hours_required__isnull=True, then=simple),
        default=hours,
        output_field=output_field,
    )


def _status_of_record(day: ComplianceDay) -> Case:
    """Inside a records subquery: the row's status if this record's date is its effective
    date."""
    expires_on = AddMonths(
        F("completed_on"),
        Coalesce(OuterRef("requirement__renewal_months"), OuterRef("standard__validity_months")),
    )
    return Case(
        When(IsNull(expires_on, True), then=Value(ComplianceStatus.IN_DATE)),
        When(GreaterThan(expires_on, day.due_soon_from), then=Value(ComplianceStatus.IN_DATE)),
        When(GreaterThan(expires_on, day.on), then=Value(ComplianceStatus.DUE_SOON)),
        When(
            GreaterThan(_grace_ends_on(OuterRef), day.on),
            then=Value(ComplianceStatus.NEW_STARTER),
        ),
        default=Value(ComplianceStatus.OVERDUE),
        output_field=CharField(),
    )


def _status(day: ComplianceDay) -> Coalesce:
    """The row's status: from its effective record, or, with none, new starter or missing."""
    status = _status_of_record(day)
    from_records = _by_hours_rule(
        Subquery(_latest_record(day).annotate(status=status).values("status")[:1]),
        Subquery(_enough_hours_record(day).annotate(status=status).values("status")[:1]),
        CharField(),
    )
    without_records = Case(
        When(GreaterThan(_grace_ends_on(F), day.on), then=Value(ComplianceStatus.NEW_STARTER)),
        default=Value(ComplianceStatus.MISSING),
        output_field=CharField(),
    )
    return Coalesce(from_records, without_records, output_field=CharField())


def requirement_rows(day: ComplianceDay | None = None) -> QuerySet[AppliedRequirement]:
    """Every membership current on the day, of an active account, with each requirement in
    force that applies to it, annotated with `status`."""
    day = _resolve(day)
    return AppliedRequirement.objects.filter(
        Q(membership__end_date__isnull=True) | Q(membership__end_date__gte=day.on),
        membership__start_date__lte=day.on,
        user__is_active=True,
        requirement__applies_from__lte=day.on,
    ).annotate(status=_status(day))


def requirement_rows_visible_to(
    viewer: Viewer, day: ComplianceDay | None = None
) -> QuerySet[AppliedRequirement]:
    """The rows of the memberships the viewer may see (the foundation's rules)."""
    return requirement_rows(day).filter(membership__in=memberships_visible_to(viewer))


def with_dates(
    rows: QuerySet[AppliedRequirement], day: ComplianceDay | None = None
) -> QuerySet[AppliedRequirement]:
    """Add the dates behind each status: `effective_on` (when it was last met), `expires_on`,
    `grace_ends_on` and `status_changes_on` (when the status will next change, if it will).

    Each is its own expression, so use this for a page of rows rather than for counting.
    """
    day = _resolve(day)
    effective_on = _by_hours_rule(
        Subquery(_latest_record(day).values("completed_on")[:1]),
        Subquery(_enough_hours_record(day).values("completed_on")[:1]),
        DateField(),
    )
    rows = rows.annotate(
        effective_on=effective_on,
        expires_on=AddMonths(effective_on, _renewal_months()),
        grace_ends_on=_grace_ends_on(F),
    )
    return rows.annotate(
        status_changes_on=Case(
            When(
                status=ComplianceStatus.IN_DATE,
                expires_on__isnull=False,
                then=AddDays(F("expires_on"), Value(-day.due_soon_days)),
            ),
            When(status=ComplianceStatus.DUE_SOON, then=F("expires_on")),
            When(status=ComplianceStatus.NEW_STARTER, then=F("grace_ends_on")),
            default=None,
            output_field=DateField(),
        )
    )


@dataclass
class StatusCounts:
    """How many rows in a group have each status, and the compliance rate.

    The rate is in date (including due soon) out of everyone required, leaving out new starters
    still inside their grace period, who are shown separately.
    """

    group: dict[str, Any]
    in_date: int = 0
    due_soon: int = 0
    overdue: int = 0
    missing: int = 0
    new_starter: int = 0

    @property
    def total(self) -> int:
        return self.in_date + self.due_soon + self.overdue + self.missing + self.new_starter

    @property
    def met(self) -> int:
        return self.in_date + self.due_soon

    @property
    def counted(self) -> int:
        return self.total - self.new_starter

    @property
    def rate(self) -> Decimal | None:
        """Per cent, to one decimal place; None when nobody is counted."""
        if not self.counted:
            return None
        return (Decimal(100 * self.met) / self.counted).quantize(Decimal("0.1"))


def status_counts(rows: QuerySet[AppliedRequirement], *group_by: str) -> list[StatusCounts]:
    """Counts by status for each group of rows (no group: one total), in one query.

    The database groups by the given fields and the status; the handful of grouped rows are
    then laid out one group a line.
    """
    grouped = rows.order_by().values(*group_by, "status").annotate(count=Count("*"))
    by_group: dict[tuple[Any, ...], StatusCounts] = {}
    for line in grouped:
        key = tuple(line[field] for field in group_by)
        counts = by_group.setdefault(key, StatusCounts(group=dict(zip(group_by, key, strict=True))))
        setattr(counts, line["status"], line["count"])
    if not group_by and not by_group:
        return [StatusCounts(group={})]
    return [by_group[key] for key in sorted(by_group, key=_sortable)]


def _sortable(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, value) for value in key)
