"""Compliance worked out in Python for the demo's history, as the database works it out.

The history step plans records person by person and needs to know, as it goes, the status each
plan gives (records made by earlier steps count too), to steer each organisation towards its
share. This is the same rule as `compliance.selectors.statuses` and the view behind
`AppliedRequirement` (migration 0005), on a few light rows held in memory; the seed's tests
compare the outcome with the database's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from compliance.enums import ComplianceStatus
from compliance.models import Requirement
from demo.training.dates import months_after
from organisations.models import Membership
from training.models import StandardCover, TrainingRecord, TrainingStandard

MET = frozenset({ComplianceStatus.IN_DATE, ComplianceStatus.DUE_SOON})


@dataclass(frozen=True)
class Member:
    """One current membership, read as a light row."""

    membership_id: int
    user_id: int
    email: str
    organisation_id: int
    organisation_slug: str
    sector: str
    kind: str
    job_role_id: int | None
    governor_role: str
    start_date: date


def members_load(*, on: date, first_user_id: int = 0) -> list[Member]:
    """Current memberships of active people (from `first_user_id` on), by email address, so
    random choices made over them are the same on every database."""
    rows = (
        Membership.objects.current(on)
        .filter(user__is_active=True, user_id__gte=first_user_id)
        .order_by("user__email", "organisation__slug", "kind")
        .values_list(
            "pk",
            "user_id",
            "user__email",
            "organisation_id",
            "organisation__slug",
            "organisation__sector",
            "kind",
            "job_role_id",
            "governor_role",
            "start_date",
        )
    )
    return [Member(*row) for row in rows]


@dataclass(frozen=True)
class Rule:
    """An active requirement, matched to memberships as the view matches it."""

    requirement_id: int
    standard_id: int
    sector: str
    kind: str
    governor_role: str
    job_role_ids: frozenset[int]
    renewal_months: int | None
    grace_months: int
    applies_from: date

    def applies_to(self, member: Member) -> bool:
        return (
            (not self.sector or self.sector == member.sector)
            and (not self.kind or self.kind == member.kind)
            and (not self.governor_role or self.governor_role == member.governor_role)
            and (not self.job_role_ids or member.job_role_id in self.job_role_ids)
        )

    def grace_ends_on(self, member: Member) -> date:
        return months_after(max(member.start_date, self.applies_from), self.grace_months)


def rules_load(on: date) -> list[Rule]:
    """The requirements in force on the day."""
    job_roles: dict[int, set[int]] = defaultdict(set)
    for requirement_id, job_role_id in Requirement.job_roles.through.objects.values_list(
        "requirement_id", "jobrole_id"
    ):
        job_roles[requirement_id].add(job_role_id)
    return [
        Rule(
            r.pk,
            r.standard_id,
            r.sector,
            r.membership_kind,
            r.governor_role,
            frozenset(job_roles[r.pk]),
            r.renewal_months,
            r.grace_months,
            r.applies_from,
        )
        for r in Requirement.objects.active().filter(applies_from__lte=on).order_by("pk")
    ]


@dataclass(frozen=True)
class Standard:
    """A standard with the ones it meets (itself included, through any chain)."""

    pk: int
    slug: str
    validity_months: int | None
    hours_required: Decimal | None
    covers: frozenset[int]


def _covers() -> dict[int, set[int]]:
    covers: dict[int, set[int]] = defaultdict(set)
    for standard_id, covered_id in StandardCover.objects.values_list("standard_id", "covered_id"):
        covers[standard_id].add(covered_id)
    return covers


def standards_load() -> dict[int, Standard]:
    covers = _covers()
    return {
        s.pk: Standard(
            s.pk, s.slug, s.validity_months, s.cpd_hours_required, frozenset(covers[s.pk])
        )
        for s in TrainingStandard.objects.all()
    }


@dataclass(frozen=True)
class Past:
    """A record as a status sees it: when, how many hours, which standards it meets."""

    completed_on: date
    hours: Decimal
    meets: frozenset[int]
    # The organisation that imported or verified it (it counts there only); None for the
    # partnership's own training, which counts everywhere.
    attributed_to: int | None = None


def pasts_load() -> dict[int, list[Past]]:
    """Everyone's records so far, by person."""
    covers = _covers()
    meets: dict[int, set[int]] = defaultdict(set)
    for record_id, standard_id in TrainingRecord.standards.through.objects.values_list(
        "trainingrecord_id", "trainingstandard_id"
    ):
        meets[record_id] |= covers[standard_id]
    pasts: dict[int, list[Past]] = defaultdict(list)
    for pk, user_id, completed_on, hours, attributed_to in TrainingRecord.objects.values_list(
        "pk", "user_id", "completed_on", "cpd_hours", "attributed_to_id"
    ):
        pasts[user_id].append(Past(completed_on, hours, frozenset(meets[pk]), attributed_to))
    return pasts


def effective_on(pasts: list[Past], standard: Standard, on: date) -> date | None:
    """When the standard was last met: the latest record meeting it, or for an hours rule the
    latest day from which (counting that day) the records meeting it add up to the hours."""
    meeting = [p for p in pasts if standard.pk in p.meets and p.completed_on <= on]
    if standard.hours_required is None:
        return max((p.completed_on for p in meeting), default=None)
    by_day: dict[date, Decimal] = defaultdict(Decimal)
    for p in meeting:
        by_day[p.completed_on] += p.hours
    total = Decimal(0)
    for day in sorted(by_day, reverse=True):
        total += by_day[day]
        if total >= standard.hours_required:
            return day
    return None


def status_on(
    pasts: list[Past], standard: Standard, rule: Rule, member: Member, *, on: date, due_soon: int
) -> str:
    """The status of one membership and requirement on the day."""
    pasts = [p for p in pasts if p.attributed_to in (None, member.organisation_id)]
    effective = effective_on(pasts, standard, on)
    renewal = rule.renewal_months or standard.validity_months
    if effective is not None:
        expires = months_after(effective, renewal) if renewal else None
        if expires is None or expires > on + timedelta(days=due_soon):
            return ComplianceStatus.IN_DATE
        if expires > on:
            return ComplianceStatus.DUE_SOON
    if rule.grace_ends_on(member) > on:
        return ComplianceStatus.NEW_STARTER
    return ComplianceStatus.OVERDUE if effective is not None else ComplianceStatus.MISSING
