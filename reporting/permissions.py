"""Who sees the partnership's reports, and of which organisations.

Reports are figures, never people, but a figure about one small organisation can still say a
lot about its staff, so the same lines hold as for compliance (`organisations.permissions`):
- the partnership team sees the whole partnership, every organisation and sector;
- a coordinator sees the same pages for the organisations they coordinate only;
- nobody else has reports (their own training is on My training).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from organisations.models import Organisation
from organisations.permissions import FLAG_COORDINATOR, is_partnership_team, role_memberships

if TYPE_CHECKING:
    from organisations.permissions import Viewer


@dataclass(frozen=True)
class ReportScope:
    """What a viewer's reports cover: `organisation_ids` None for the whole partnership."""

    organisation_ids: frozenset[int] | None
    label: str

    @property
    def whole_partnership(self) -> bool:
        return self.organisation_ids is None


def report_scope(viewer: Viewer) -> ReportScope | None:
    """The viewer's reports, or None when they have none. One query for a coordinator."""
    if not viewer.is_authenticated or not viewer.is_active:
        return None
    if is_partnership_team(viewer):
        return ReportScope(None, "The whole partnership")
    organisations = list(
        Organisation.objects.filter(
            pk__in=role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
        ).order_by("name")
    )
    if not organisations:
        return None
    return ReportScope(
        frozenset(o.pk for o in organisations), ", ".join(o.name for o in organisations)
    )
