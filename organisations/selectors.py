"""Reads for organisations. Every list of people is scoped by the viewer first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.models import Invitation
from organisations.models import ImportBatch, JobRole, Membership, Organisation
from organisations.permissions import (
    import_batches_manageable_by,
    invitations_manageable_by,
    memberships_manageable_by,
    memberships_visible_to,
)

if TYPE_CHECKING:
    from organisations.permissions import Viewer


def people_in_organisation(
    *,
    viewer: Viewer,
    organisation: Organisation,
    kind: str | None = None,
    search: str | None = None,
) -> QuerySet[Membership]:
    """Current memberships of an organisation that the viewer may see.

    `search` matches names and email addresses; every word must match (so "sam tay" finds
    Sam Taylor).
    """
    memberships = (
        memberships_visible_to(viewer)
        .current()
        .filter(organisation=organisation)
        .select_related("user", "job_role", "line_manager__user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    if kind:
        memberships = memberships.filter(kind=kind)
    for word in (search or "").split():
        memberships = memberships.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return memberships


def membership_visible(*, viewer: Viewer, organisation: Organisation, pk: int) -> Membership | None:
    """One membership of this organisation, if the viewer may see it (ended ones included)."""
    return (
        memberships_visible_to(viewer)
        .filter(organisation=organisation, pk=pk)
        .select_related("user", "organisation", "job_role", "line_manager__user")
        .first()
    )


def membership_manageable(
    *, viewer: Viewer, organisation: Organisation, pk: int
) -> Membership | None:
    """One membership of this organisation, if the viewer may change it."""
    return (
        memberships_manageable_by(viewer)
        .filter(organisation=organisation, pk=pk)
        .select_related("user", "organisation", "job_role", "line_manager__user")
        .first()
    )


def line_manager_choices(
    *, viewer: Viewer, organisation: Organisation, exclude: Membership | None = None
) -> QuerySet[Membership]:
    """Who may be chosen as a line manager here: the organisation's current staff."""
    staff = (
        memberships_visible_to(viewer)
        .current()
        .staff()
        .filter(organisation=organisation)
        .select_related("user", "job_role")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    if exclude is not None:
        staff = staff.exclude(pk=exclude.pk)
    return staff


def job_roles_for(*, organisation: Organisation) -> QuerySet[JobRole]:
    """Job roles people in this organisation may hold: its sector's, and those for any sector."""
    return JobRole.objects.filter(Q(sector=organisation.sector) | Q(sector="")).order_by("name")


def reports_of(*, viewer: Viewer, membership: Membership) -> QuerySet[Membership]:
    """The current people who report to this membership, as far as the viewer may see."""
    return (
        memberships_visible_to(viewer)
        .current()
        .filter(line_manager=membership)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def direct_reports_of(*, viewer: Viewer) -> QuerySet[Membership]:
    """The current people who report to the viewer, in any of the viewer's organisations."""
    return (
        memberships_visible_to(viewer)
        .current()
        .filter(line_manager__in=Membership.objects.current().filter(user=viewer.pk))
        .select_related("user", "organisation", "job_role")
        .order_by("user__last_name", "user__first_name")
    )


def invitations_open_in(*, viewer: Viewer, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations not yet accepted or withdrawn (expired ones too: they can be sent again)."""
    return (
        invitations_manageable_by(viewer)
        .filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("job_role", "invited_by")
        .order_by("last_name", "first_name", "pk")
    )


def invitation_manageable(
    *, viewer: Viewer, organisation: Organisation, pk: int
) -> Invitation | None:
    return (
        invitations_open_in(viewer=viewer, organisation=organisation)
        .select_related("organisation")
        .filter(pk=pk)
        .first()
    )


def import_batch_manageable(
    *, viewer: Viewer, organisation: Organisation, pk: int
) -> ImportBatch | None:
    return (
        import_batches_manageable_by(viewer)
        .filter(organisation=organisation, pk=pk)
        .select_related("organisation", "uploaded_by", "applied_by")
        .first()
    )
