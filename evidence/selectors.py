"""Reads for evidence of training done elsewhere: a person's own, and the review list.

Everything is scoped by the viewer in the database (`organisations.permissions`:
`evidence_visible_to` for one item, `evidence_reviewable_by` for the review list).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from evidence.permissions import evidence_reviewable_by, evidence_visible_to
from organisations.enums import MembershipKind
from organisations.models import Membership, MembershipQuerySet

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.permissions import Viewer

# What every page about evidence shows next to it.
_SHOWN_WITH = ("user", "membership__organisation", "standard", "decided_by")

OWN_EVIDENCE = (
    "You cannot verify or reject your own evidence. Someone else who checks evidence for "
    "your organisation, or the partnership team, must do it."
)
ALREADY_DECIDED = {
    EvidenceStatus.VERIFIED: "This evidence has already been verified.",
    EvidenceStatus.REJECTED: "This evidence has already been rejected.",
}


@dataclass(frozen=True)
class EvidenceCounts:
    """How many items of evidence the viewer may review, in each state."""

    pending: int
    verified: int
    rejected: int

    @property
    def total(self) -> int:
        return self.pending + self.verified + self.rejected


def evidence_of(user: User) -> QuerySet[ExternalEvidence]:
    """The person's own evidence, newest first, with what a list of it shows."""
    return (
        ExternalEvidence.objects.filter(user=user)
        .select_related(*_SHOWN_WITH)
        .order_by("-created_at", "-pk")
    )


def evidence_memberships_of(user: User) -> MembershipQuerySet:
    """The person's current memberships, any of which their evidence may be sent through."""
    return (
        Membership.objects.current()
        .filter(user=user)
        .select_related("organisation", "job_role")
        .order_by("organisation__name", "kind", "pk")
    )


def evidence_for_review(
    *, viewer: Viewer, status: EvidenceStatus | None = None
) -> QuerySet[ExternalEvidence]:
    """Evidence the viewer may decide on, optionally of one status.

    Waiting items come first, the longest waiting at the top; decided ones follow, the most
    recently decided first. The viewer's own evidence is left out: someone else decides it.
    """
    evidence = _reviewable_by_someone_else(viewer)
    if status is not None:
        evidence = evidence.filter(status=status)
    waiting = Q(status=EvidenceStatus.PENDING)
    return (
        evidence.select_related(*_SHOWN_WITH)
        .annotate(
            decided=Case(
                When(waiting, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            waiting_since=Case(When(waiting, then=F("created_at"))),
        )
        .order_by(
            "decided",
            F("waiting_since").asc(nulls_last=True),
            F("decided_at").desc(nulls_last=True),
            "-pk",
        )
    )


def evidence_counts_for_review(*, viewer: Viewer) -> EvidenceCounts:
    """How many items the review list holds in each state, in one query."""
    totals = _reviewable_by_someone_else(viewer).aggregate(
        pending=Count("pk", filter=Q(status=EvidenceStatus.PENDING)),
        verified=Count("pk", filter=Q(status=EvidenceStatus.VERIFIED)),
        rejected=Count("pk", filter=Q(status=EvidenceStatus.REJECTED)),
    )
    return EvidenceCounts(**totals)


def evidence_visible(*, viewer: Viewer, pk: int) -> ExternalEvidence | None:
    """One item of evidence, if the viewer may see it (their own, or one they review)."""
    return evidence_visible_to(viewer).select_related(*_SHOWN_WITH).filter(pk=pk).first()


def evidence_reviewable(*, viewer: Viewer, pk: int) -> ExternalEvidence | None:
    """One item of evidence, if the viewer may verify or reject it."""
    return evidence_reviewable_by(viewer).select_related(*_SHOWN_WITH).filter(pk=pk).first()


def evidence_decision_refused(*, evidence: ExternalEvidence, viewer: User) -> str | None:
    """Why the viewer cannot decide on this evidence now, as a sentence; None when they can.

    Only the rules about the evidence itself: whether the viewer reviews it at all is
    `evidence_reviewable_by`.
    """
    if evidence.status != EvidenceStatus.PENDING:
        return ALREADY_DECIDED[EvidenceStatus(evidence.status)]
    if evidence.user_id == viewer.pk:
        return OWN_EVIDENCE
    return None


def evidence_checker_description(membership: Membership) -> str:
    """Who checks evidence sent through this membership, in words for the person sending it."""
    organisation = membership.organisation.name
    if membership.kind == MembershipKind.GOVERNOR:
        return f"the clerk to the governors at {organisation}"
    return f"a training coordinator at {organisation}"


def _reviewable_by_someone_else(viewer: Viewer) -> QuerySet[ExternalEvidence]:
    evidence = evidence_reviewable_by(viewer)
    if viewer.is_authenticated:
        evidence = evidence.exclude(user=viewer.pk)
    return evidence
