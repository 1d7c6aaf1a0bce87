"""Who sees how staff are reading the published guides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.roles import roles_for
from cms.models.settings import SafeguardingContacts
from organisations.models import Organisation
from organisations.permissions import (
    FLAG_COORDINATOR,
    is_partnership_team,
    model_permissions,
    role_memberships,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organisations.permissions import Viewer


def organisations_with_reading_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose staff's reading of guides the viewer may see.

    Coordinators see their own organisations; the partnership team sees every organisation.
    Clerks see governors only, who are not asked to confirm reading, so they see none here.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return Organisation.objects.none()
    if roles_for(viewer).partnership_team:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    )


def can_view_reading_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_with_reading_visible_to(viewer).filter(pk=organisation.pk).exists()


def can_view_partnership_reading(viewer: Viewer) -> bool:
    """Guides' currency and reading rates across every organisation: the partnership team."""
    return is_partnership_team(viewer)


# "Worried about a child?" numbers on the home page, guides and posters, under Settings.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(SafeguardingContacts, ("change",))
