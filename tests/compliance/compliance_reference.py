"""A plain, obviously-correct implementation of the compliance rules, for checking the fast one.

Written from the rules in the docstring of `compliance.selectors.statuses` (and
docs/compliance.md), never from the fast code: no database, no cleverness, loops over
everything, `dateutil.relativedelta` for months. The property test
(tests/compliance/test_selectors_statuses_property.py) builds the same partnership in the
database and asserts that both agree on every status, every date and every count.

A partnership is described by plain dataclasses that refer to each other by *key* (a small
integer of the test's own, not a database id), so the test can map the database's ids back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

IN_DATE = "in_date"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
MISSING = "missing"
NEW_STARTER = "new_starter"
STATUSES = (IN_DATE, DUE_SOON, OVERDUE, MISSING, NEW_STARTER)


@dataclass(frozen=True)
class Standard:
    key: int
    validity_months: int | None = None
    cpd_hours_required: Decimal | None = None
    satisfies: frozenset[int] = frozenset()  # keys of the lower standards it also meets


@dataclass(frozen=True)
class Organisation:
    key: int
    sector: str


@dataclass(frozen=True)
class Person:
    key: int
    is_active: bool = True


@dataclass(frozen=True)
class Membership:
    key: int
    person: int
    organisation: int
    kind: str = "staff"
    governor_role: str = ""
    job_role: int | None = None
    start_date: date = date(2000, 1, 1)
    end_date: date | None = None


@dataclass(frozen=True)
class Requirement:
    key: int
    standard: int
    sector: str = ""
    membership_kind: str = ""
    governor_role: str = ""
    job_roles: frozenset[int] = frozenset()
    renewal_months: int | None = None
    grace_months: int = 3
    applies_from: date = date(2000, 1, 1)
    is_active: bool = True


@dataclass(frozen=True)
class Record:
    key: int
    person: int
    completed_on: date
    cpd_hours: Decimal = Decimal(0)
    standards: frozenset[int] = frozenset()
    # The organisation that imported or verified it (counts there only); None: the
    # partnership's own training, which counts everywhere.
    attributed_to: int | None = None


@dataclass(frozen=True)
class Partnership:
    standards: tuple[Standard, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    job_roles: tuple[int, ...] = ()
    people: tuple[Person, ...] = ()
    memberships: tuple[Membership, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    records: tuple[Record, ...] = ()

    def standard(self, key: int) -> Standard:
        return next(s for s in self.standards if s.key == key)

    def organisation(self, key: int) -> Organisation:
        return next(o for o in self.organisations if o.key == key)

    def person(self, key: int) -> Person:
        return next(p for p in self.people if p.key == key)


@dataclass(frozen=True)
class Row:
    """One membership and one requirement on the day, with its status and dates."""

    membership: int
    requirement: int
    standard: int
    organisation: int
    sector: str
    status: str
    effective_on: date | None
    expires_on: date | None
    grace_ends_on: date
    status_changes_on: date | None


@dataclass
class Counts:
    in_date: int = 0
    due_soon: int = 0
    overdue: int = 0
    missing: int = 0
    new_starter: int = 0

    def as_tuple(self) -> tuple[int, int, int, int, int]:
        return (self.in_date, self.due_soon, self.overdue, self.missing, self.new_starter)

    @property
    def rate(self) -> Decimal | None:
        """In date or due soon, out of everyone but new starters, per cent to 1 dp."""
        counted = self.in_date + self.due_soon + self.overdue + self.missing
        if counted == 0:
            return None
        return (Decimal(100 * (self.in_date + self.due_soon)) / counted).quantize(Decimal("0.1"))


# The rules ------------------------------------------------------------------------------------


def standards_met_by(partnership: Partnership, key: int) -> set[int]:
    """The standard itself and everything below it through any chain of "satisfies"."""
    met = {key}
    changed = True
    while changed:  # grow until nothing new: cycles simply stop growing
        changed = False
        for standard in partnership.standards:
            if standard.key in met and not standard.satisfies <= met:
                met |= standard.satisfies
                changed = True
    return met


def record_meets(partnership: Partnership, record: Record, standard: int) -> bool:
    return any(standard in standards_met_by(partnership, own) for own in record.standards)


def applies(partnership: Partnership, requirement: Requirement, membership: Membership) -> bool:
    """Whether the (active) requirement applies to the membership, whatever the day."""
    sector = partnership.organisation(membership.organisation).sector
    return (
        requirement.is_active
        and requirement.sector in ("", sector)
        and requirement.membership_kind in ("", membership.kind)
        and requirement.governor_role in ("", membership.governor_role)
        and (not requirement.job_roles or membership.job_role in requirement.job_roles)
    )


def is_counted_on(
    partnership: Partnership, membership: Membership, requirement: Requirement, on: date
) -> bool:
    """The membership is current, its person's account active, the requirement in force."""
    return (
        membership.start_date <= on
        and (membership.end_date is None or membership.end_date >= on)
        and partnership.person(membership.person).is_active
        and requirement.applies_from <= on
    )


def renewal_months(partnership: Partnership, requirement: Requirement) -> int | None:
    if requirement.renewal_months is not None:
        return requirement.renewal_months
    return partnership.standard(requirement.standard).validity_months


def meeting_records(
    partnership: Partnership, person: int, standard: int, on: date, organisation: int
) -> list[Record]:
    """The person's records meeting the standard and counting for the organisation, completed
    by the day."""
    return [
        record
        for record in partnership.records
        if record.person == person
        and record.attributed_to in (None, organisation)
        and record.completed_on <= on
        and record_meets(partnership, record, standard)
    ]


def effective_on(
    partnership: Partnership, person: int, requirement: Requirement, on: date, organisation: int
) -> date | None:
    """The latest day D from which the person's records meeting the standard (completed by
    `on`, and before the renewal period from D ends) add up to the hours it needs; without an
    hours rule, the latest such record."""
    standard = partnership.standard(requirement.standard)
    months = renewal_months(partnership, requirement)
    meeting = meeting_records(partnership, person, standard.key, on, organisation)
    if standard.cpd_hours_required is None:
        return max((record.completed_on for record in meeting), default=None)
    for candidate in sorted({record.completed_on for record in meeting}, reverse=True):
        period_ends = None if months is None else candidate + relativedelta(months=months)
        hours = sum(
            (
                record.cpd_hours
                for record in meeting
                if record.completed_on >= candidate
                and (period_ends is None or record.completed_on < period_ends)
            ),
            Decimal(0),
        )
        if hours >= standard.cpd_hours_required:
            return candidate
    return None


def expires_on(
    partnership: Partnership, person: int, requirement: Requirement, on: date, organisation: int
) -> tuple[date | None, date | None]:
    """(effective date, expiry) on the day."""
    met_on = effective_on(partnership, person, requirement, on, organisation)
    months = renewal_months(partnership, requirement)
    if met_on is None or months is None:
        return met_on, None
    return met_on, met_on + relativedelta(months=months)


def held_on(
    partnership: Partnership, person: int, requirement: Requirement, on: date, organisation: int
) -> bool:
    """Met and not expired on the day."""
    met_on, expiry = expires_on(partnership, person, requirement, on, organisation)
    return met_on is not None and (expiry is None or on < expiry)


def ever_held(
    partnership: Partnership, person: int, requirement: Requirement, on: date, organisation: int
) -> bool:
    """Held on some day up to `on`. Holding can only start on the day of a record, so those
    are the days to try."""
    days = {
        record.completed_on
        for record in meeting_records(partnership, person, requirement.standard, on, organisation)
    }
    return any(held_on(partnership, person, requirement, day, organisation) for day in days)


def row_on(
    partnership: Partnership,
    membership: Membership,
    requirement: Requirement,
    on: date,
    due_soon_days: int,
) -> Row:
    met_on, expiry = expires_on(
        partnership, membership.person, requirement, on, membership.organisation
    )
    grace_ends_on = max(membership.start_date, requirement.applies_from) + relativedelta(
        months=requirement.grace_months
    )

    window = timedelta(days=due_soon_days)
    if met_on is not None and (expiry is None or on < expiry - window):
        status = IN_DATE
    elif expiry is not None and on < expiry:
        status = DUE_SOON
    elif on < grace_ends_on:
        status = NEW_STARTER
    elif ever_held(partnership, membership.person, requirement, on, membership.organisation):
        status = OVERDUE
    else:
        status = MISSING

    changes_on: date | None = None
    if status == IN_DATE and expiry is not None:
        changes_on = expiry - window
    elif status == DUE_SOON:
        changes_on = expiry
    elif status == NEW_STARTER:
        changes_on = grace_ends_on

    return Row(
        membership=membership.key,
        requirement=requirement.key,
        standard=requirement.standard,
        organisation=membership.organisation,
        sector=partnership.organisation(membership.organisation).sector,
        status=status,
        effective_on=met_on,
        expires_on=expiry,
        grace_ends_on=grace_ends_on,
        status_changes_on=changes_on,
    )


def rows_on(partnership: Partnership, on: date, due_soon_days: int) -> dict[tuple[int, int], Row]:
    """Every (membership, requirement) counted on the day, keyed by their keys."""
    rows = {}
    for membership in partnership.memberships:
        for requirement in partnership.requirements:
            if applies(partnership, requirement, membership) and is_counted_on(
                partnership, membership, requirement, on
            ):
                rows[membership.key, requirement.key] = row_on(
                    partnership, membership, requirement, on, due_soon_days
                )
    return rows


def counts_by(
    rows: Iterable[Row], key: Callable[[Row], tuple[object, ...]]
) -> dict[tuple[object, ...], Counts]:
    """How many rows of each status in each group."""
    grouped: dict[tuple[object, ...], Counts] = defaultdict(Counts)
    for row in rows:
        counts = grouped[key(row)]
        setattr(counts, row.status, getattr(counts, row.status) + 1)
    return dict(grouped)
