"""Who sees whose compliance.

Compliance figures are about people, so they follow the people rules in
`organisations.permissions`:
- the partnership team sees every organisation's compliance and the partnership summaries;
- a coordinator sees their organisation's (staff, volunteers and its governors);
- a clerk sees their board's governors;
- a line manager sees the people who report to them;
- everyone sees their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from compliance.models import ComplianceRules, Requirement
from organisations.enums import SECTORS_WITH_GOVERNORS
from organisations.permissions import (
    is_partnership_team,
    model_permissions,
    organisations_with_people_visible_to,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organisations.models import Organisation
    from organisations.permissions import Viewer


def organisations_with_compliance_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose compliance table the viewer may open."""
    return organisations_with_people_visible_to(viewer)


def can_view_compliance_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_with_compliance_visible_to(viewer).filter(pk=organisation.pk).exists()


def can_view_partnership_compliance(viewer: Viewer) -> bool:
    """Summaries across organisations (by sector, by school) are for the partnership team."""
    return is_partnership_team(viewer)


def boards_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations with a governing board whose governors the viewer may see."""
    return organisations_with_people_visible_to(viewer).filter(sector__in=SECTORS_WITH_GOVERNORS)


# Requirements in the admin, and the compliance rules under Settings (due-soon window,
# reminders, the edition of the guidance governors declare).
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(Requirement) | model_permissions(
    ComplianceRules, ("change",)
)
