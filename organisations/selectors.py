"""Reads for organisations. Every list of people is scoped by the viewer first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from organisations.models import Membership, Organisation
from organisations.permissions import memberships_visible_to

if TYPE_CHECKING:
    from organisations.permissions import Viewer


def people_in_organisation(
    *, viewer: Viewer, organisation: Organisation, kind: str | None = None
) -> QuerySet[Membership]:
    """Current memberships of an organisation that the viewer may see."""
    memberships = (
        memberships_visible_to(viewer)
        .current()
        .filter(organisation=organisation)
        .select_related("user", "job_role", "line_manager__user")
        .order_by("user__last_name", "user__first_name")
    )
    if kind:
        memberships = memberships.filter(kind=kind)
    return memberships
