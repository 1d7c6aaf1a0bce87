"""Who may see and change whom. The only place these rules live.

Every list of people is built from `memberships_visible_to`, so a query is scoped by the viewer
before anything is fetched; single objects are checked with the `can_*` functions, which use the
same querysets. The rules:

- the partnership team sees and manages everyone, and manages organisations and job roles;
- a coordinator sees and manages their organisation's staff and volunteers, and sees its
  governors;
- a clerk sees and manages their board's governors (a clerk flag anywhere without a governing
  board gives nothing);
- a line manager sees the people who report to them;
- everyone sees their own memberships.

Invitations and import files follow the memberships they would create: whoever manages that
kind of membership in that organisation sees and handles them. Flags that give someone a role
(coordinator, clerk, web editor) are granted by the partnership team, or by a coordinator in
their own organisation; clerks grant none.

Trainers, practitioners and governors see nobody else through these rules.

These are the foundation's primitives. Each feature app builds its own rules on them in its
own `permissions.py` (`training`, `compliance`, `evidence`, `cms`), so this module imports no
feature app; `is_partnership_team` is the one answer to "is this the partnership team?".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_permission_codename
from django.db.models import Model, Q

from accounts.models import Invitation
from accounts.roles import roles_for
from organisations.enums import SECTORS_WITH_GOVERNORS, MembershipKind
from organisations.models import (
    ImportBatch,
    JobRole,
    Membership,
    MembershipQuerySet,
    Organisation,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User

    Viewer = User | AnonymousUser

# Kinds of membership each organisation-level role manages.
COORDINATOR_KINDS = (MembershipKind.STAFF, MembershipKind.VOLUNTEER)
CLERK_KINDS = (MembershipKind.GOVERNOR,)

# Membership fields that give a person a role, in the order forms show them.
FLAG_COORDINATOR = "is_coordinator"
FLAG_WEB_EDITOR = "is_web_editor"
FLAG_CLERK = "is_clerk"


def role_memberships(viewer: User, *, flag: str) -> MembershipQuerySet:
    """The viewer's current memberships that carry a role flag where that role means something.

    A clerk serves a governing board, so the clerk flag counts only in organisations that have
    one (as `kinds_manageable_in` and `flags_grantable_in` already assume).
    """
    memberships = Membership.objects.current().filter(user=viewer, **{flag: True})
    if flag == FLAG_CLERK:
        memberships = memberships.filter(organisation__sector__in=SECTORS_WITH_GOVERNORS)
    return memberships


def role_organisations(viewer: User, *, flag: str) -> Q:
    """Organisations where the viewer holds a current membership with the given flag."""
    return Q(organisation__in=role_memberships(viewer, flag=flag).values("organisation"))


def _managed_kinds_q(viewer: User) -> Q:
    """Organisation and kind pairs the viewer manages, for any model with both fields."""
    return (role_organisations(viewer, flag="is_coordinator") & Q(kind__in=COORDINATOR_KINDS)) | (
        role_organisations(viewer, flag="is_clerk") & Q(kind__in=CLERK_KINDS)
    )


def memberships_visible_to(viewer: Viewer) -> MembershipQuerySet:
    """Every membership the viewer may see, as one queryset (never filtered after fetching)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Membership.objects.none()
    if viewer.is_partnership_team:
        return Membership.objects.all()
    visible = (
        Q(user=viewer)
        | role_organisations(viewer, flag="is_coordinator")
        | (role_organisations(viewer, flag="is_clerk") & Q(kind__in=CLERK_KINDS))
        | Q(line_manager__in=Membership.objects.current().filter(user=viewer))
    )
    return Membership.objects.filter(visible)


def memberships_manageable_by(viewer: Viewer) -> MembershipQuerySet:
    """Memberships the viewer may change: edit, end, or invite into."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Membership.objects.none()
    if viewer.is_partnership_team:
        return Membership.objects.all()
    return Membership.objects.filter(_managed_kinds_q(viewer))


def invitations_manageable_by(viewer: Viewer) -> QuerySet[Invitation]:
    """Invitations the viewer may see, send again or withdraw: those for people they manage."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Invitation.objects.none()
    if viewer.is_partnership_team:
        return Invitation.objects.all()
    return Invitation.objects.filter(_managed_kinds_q(viewer))


def import_batches_manageable_by(viewer: Viewer) -> QuerySet[ImportBatch]:
    """Uploaded import files the viewer may preview and confirm: those for people they manage."""
    if not viewer.is_authenticated or not viewer.is_active:
        return ImportBatch.objects.none()
    if viewer.is_partnership_team:
        return ImportBatch.objects.all()
    return ImportBatch.objects.filter(_managed_kinds_q(viewer))


def organisations_with_people_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose people list the viewer may open (coordinators, clerks, the team)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Organisation.objects.none()
    if viewer.is_partnership_team:
        return Organisation.objects.all()
    coordinating = role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    clerking = role_memberships(viewer, flag=FLAG_CLERK).values("organisation")
    return Organisation.objects.filter(Q(pk__in=coordinating) | Q(pk__in=clerking))


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


def flags_grantable_in(viewer: Viewer, organisation: Organisation) -> list[str]:
    """Which role flags the viewer may give or take away in this organisation.

    The partnership team and the organisation's coordinators grant coordinator and web editor,
    and clerk where there is a governing board (nowhere else does a clerk mean anything).
    Clerks grant nothing.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return []
    if not viewer.is_partnership_team and not (
        Membership.objects.current()
        .filter(user=viewer, organisation=organisation, is_coordinator=True)
        .exists()
    ):
        return []
    flags = [FLAG_COORDINATOR, FLAG_WEB_EDITOR]
    if organisation.has_governors:
        flags.append(FLAG_CLERK)
    return flags


def can_view_membership(viewer: Viewer, membership: Membership) -> bool:
    return memberships_visible_to(viewer).filter(pk=membership.pk).exists()


def can_manage_membership(viewer: Viewer, membership: Membership) -> bool:
    return memberships_manageable_by(viewer).filter(pk=membership.pk).exists()


def can_view_people_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_with_people_visible_to(viewer).filter(pk=organisation.pk).exists()


def can_manage_organisations(viewer: Viewer) -> bool:
    """Creating and changing organisations and job roles is for the partnership team."""
    return is_partnership_team(viewer)


def is_partnership_team(viewer: Viewer) -> bool:
    """Whether the viewer is an active member of the partnership team, who run the programme
    and see across every organisation. Every "is this the partnership team?" asks this."""
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)


def model_permissions(
    model: type[Model], actions: tuple[str, ...] = ("add", "change", "delete", "view")
) -> frozenset[str]:
    """Django permission names ("app.action_model") for a model, from its `_meta`, for the
    `PARTNERSHIP_TEAM_ADMIN_PERMISSIONS` each app declares (accounts.backends gathers them)."""
    return frozenset(
        f"{model._meta.app_label}.{get_permission_codename(action, model._meta)}"
        for action in actions
    )


# The admin pages for organisations and job roles (organisations.viewsets).
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(Organisation) | model_permissions(JobRole)
