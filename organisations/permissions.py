"""Who may see and change whom. The only place these rules live.

Every list of people is built from `memberships_visible_to`, so a query is scoped by the viewer
before anything is fetched; single objects are checked with the `can_*` functions, which use the
same querysets. The rules:

- the partnership team sees and manages everyone, and manages organisations and job roles;
- a coordinator sees and manages their organisation's staff and volunteers, and sees its
  governors;
- a clerk sees and manages their board's governors;
- a line manager sees the people who report to them;
- everyone sees their own memberships.

Trainers, practitioners and governors see nobody else through these rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.roles import roles_for
from organisations.enums import MembershipKind
from organisations.models import Membership, Organisation

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User

    Viewer = User | AnonymousUser

# Kinds of membership each organisation-level role manages.
COORDINATOR_KINDS = (MembershipKind.STAFF, MembershipKind.VOLUNTEER)
CLERK_KINDS = (MembershipKind.GOVERNOR,)


def _role_organisations(viewer: User, *, flag: str) -> Q:
    """Organisations where the viewer holds a current membership with the given flag."""
    ids = Membership.objects.current().filter(user=viewer, **{flag: True}).values("organisation")
    return Q(organisation__in=ids)


def memberships_visible_to(viewer: Viewer) -> QuerySet[Membership]:
    """Every membership the viewer may see, as one queryset (never filtered after fetching)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Membership.objects.none()
    if viewer.is_partnership_team:
        return Membership.objects.all()
    visible = (
        Q(user=viewer)
        | _role_organisations(viewer, flag="is_coordinator")
        | (_role_organisations(viewer, flag="is_clerk") & Q(kind__in=CLERK_KINDS))
        | Q(line_manager__in=Membership.objects.current().filter(user=viewer))
    )
    return Membership.objects.filter(visible)


def memberships_manageable_by(viewer: Viewer) -> QuerySet[Membership]:
    """Memberships the viewer may change: edit, end, or invite into."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Membership.objects.none()
    if viewer.is_partnership_team:
        return Membership.objects.all()
    return Membership.objects.filter(
        (_role_organisations(viewer, flag="is_coordinator") & Q(kind__in=COORDINATOR_KINDS))
        | (_role_organisations(viewer, flag="is_clerk") & Q(kind__in=CLERK_KINDS))
    )


def organisations_with_people_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose people list the viewer may open (coordinators, clerks, the team)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Organisation.objects.none()
    if viewer.is_partnership_team:
        return Organisation.objects.all()
    ids = (
        Membership.objects.current()
        .filter(user=viewer)
        .filter(Q(is_coordinator=True) | Q(is_clerk=True))
        .values("organisation")
    )
    return Organisation.objects.filter(pk__in=ids)


def kinds_manageable_in(viewer: Viewer, organisation: Organisation) -> list[str]:
    """Which kinds of membership the viewer may add or change in this organisation."""
    if not viewer.is_authenticated or not viewer.is_active:
        return []
    if viewer.is_partnership_team:
        kinds = list(COORDINATOR_KINDS)
        if organisation.has_governors:
            kinds += list(CLERK_KINDS)
        return [str(k) for k in kinds]
    mine = Membership.objects.current().filter(user=viewer, organisation=organisation)
    kinds = []
    if mine.filter(is_coordinator=True).exists():
        kinds += list(COORDINATOR_KINDS)
    if organisation.has_governors and mine.filter(is_clerk=True).exists():
        kinds += list(CLERK_KINDS)
    return [str(k) for k in kinds]


def can_view_membership(viewer: Viewer, membership: Membership) -> bool:
    return memberships_visible_to(viewer).filter(pk=membership.pk).exists()


def can_manage_membership(viewer: Viewer, membership: Membership) -> bool:
    return memberships_manageable_by(viewer).filter(pk=membership.pk).exists()


def can_view_people_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_with_people_visible_to(viewer).filter(pk=organisation.pk).exists()


def can_manage_organisations(viewer: Viewer) -> bool:
    """Creating and changing organisations and job roles is for the partnership team."""
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)

