"""Who verifies and sees evidence of training done elsewhere.

Evidence is verified by whoever manages the membership it was uploaded through (the
coordinator for staff and volunteers, the clerk for governors, or the partnership team); its
owner sees their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from evidence.models import ExternalEvidence
from organisations.permissions import memberships_manageable_by

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organisations.permissions import Viewer


def evidence_reviewable_by(viewer: Viewer) -> QuerySet[ExternalEvidence]:
    """External evidence the viewer may verify or reject."""
    if not viewer.is_authenticated or not viewer.is_active:
        return ExternalEvidence.objects.none()
    return ExternalEvidence.objects.filter(membership__in=memberships_manageable_by(viewer))


def evidence_visible_to(viewer: Viewer) -> QuerySet[ExternalEvidence]:
    """The viewer's own evidence and the evidence they may review."""
    if not viewer.is_authenticated or not viewer.is_active:
        return ExternalEvidence.objects.none()
    return ExternalEvidence.objects.filter(
        Q(user=viewer) | Q(pk__in=evidence_reviewable_by(viewer).values("pk"))
    )
