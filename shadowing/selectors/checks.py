"""Reads for a placement's checks: which conditions are still to meet, who may record each, and
the host's confidentiality agreement a visitor signs."""

from __future__ import annotations

from collections.abc import Set

from organisations.models import Organisation
from shadowing.enums import CheckKind, Party
from shadowing.models import Condition, ConfidentialityAgreement, Placement

# Who records that a condition of each kind is met: the visitor's own organisation vouches for
# their DBS check (the host never sees the certificate); the visitor signs and confirms for
# themselves; the host records what it does itself.
RECORDED_BY: dict[str, frozenset[str]] = {
    CheckKind.HOME_DBS: frozenset({Party.LINE_MANAGER, Party.HOME_COORDINATOR}),
    CheckKind.AGREEMENT: frozenset({Party.VISITOR}),
    CheckKind.VISITOR_CONFIRMS: frozenset({Party.VISITOR}),
    CheckKind.HOST_RECORDS: frozenset({Party.HOST, Party.SUPERVISOR}),
}


def _prefetched(instance: object, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


def checks_outstanding(placement: Placement) -> list[Condition]:
    """The opportunity's conditions not yet met for this placement, in checklist order. From
    the rows a list prefetched (`checks`, `opportunity__conditions`) when it did, so a page of
    placements asks nothing more; with one query otherwise."""
    if _prefetched(placement, "checks") and _prefetched(placement.opportunity, "conditions"):
        done = {check.condition_id for check in placement.checks.all()}
        return sorted(
            (c for c in placement.opportunity.conditions.all() if c.pk not in done),
            key=lambda c: (c.order, c.name),
        )
    return list(
        placement.opportunity.conditions.exclude(
            pk__in=placement.checks.values("condition")
        ).order_by("order", "name")
    )


def check_recordable_by(condition: Condition, parties: Set[str]) -> bool:
    """Whether someone who is `parties` to a placement may record this condition as met."""
    return bool(RECORDED_BY.get(condition.met_by, frozenset()) & set(parties))


def current_agreement(organisation: Organisation) -> ConfidentialityAgreement | None:
    """The organisation's latest confidentiality agreement, or None if it has not published one."""
    return (
        ConfidentialityAgreement.objects.filter(organisation=organisation)
        .order_by("-version")
        .first()
    )
