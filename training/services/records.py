"""Training records: the only way any app writes one (attendance here, verified evidence in
`evidence`, and the apps to come), with the one rule for when a record expires.

Record imports write many at once with `bulk_create`, but take their expiry from
`record_expiry` too, so a record expires the same way wherever it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from dateutil.relativedelta import relativedelta

from training.enums import RecordSource
from training.models import Booking, Course, TrainingRecord, TrainingStandard

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Membership, Organisation


class HasValidity(Protocol):
    @property
    def validity_months(self) -> int | None: ...


def record_expiry(*, completed_on: date, standards: Iterable[HasValidity]) -> date | None:
    """When a record expires: after the shortest validity among the standards it meets (the
    same day that many months on, or the month's last day when it has no such day); never
    when none of them expires."""
    months = [standard.validity_months for standard in standards if standard.validity_months]
    return completed_on + relativedelta(months=min(months)) if months else None


def training_record_create(
    *,
    membership: Membership,
    title: str,
    cpd_hours: Decimal,
    completed_on: date,
    standards: Sequence[TrainingStandard],
    source: RecordSource,
    created_by: User | None,
    course: Course | None = None,
    booking: Booking | None = None,
    attributed_to: Organisation | None = None,
    reason: str = "",
) -> TrainingRecord:
    """A training record for the membership's person, meeting `standards`, in the caller's
    transaction. `attributed_to` limits the organisations whose requirements it counts for
    (docs/compliance.md, "Which records count"); `reason` goes in the record's history."""
    record = TrainingRecord(
        user_id=membership.user_id,
        membership=membership,
        course=course,
        booking=booking,
        title=title,
        cpd_hours=cpd_hours,
        completed_on=completed_on,
        expires_on=record_expiry(completed_on=completed_on, standards=standards),
        source=source,
        attributed_to=attributed_to,
        created_by=created_by,
    )
    # Foreign keys are the database's to check; validating them here would cost a query each.
    record.full_clean(
        exclude=["user", "membership", "course", "booking", "attributed_to", "created_by"]
    )
    record._history_user = created_by  # type: ignore[attr-defined]
    if reason:
        record._change_reason = reason  # type: ignore[attr-defined]
    record.save()
    record.standards.set(standards)
    return record
