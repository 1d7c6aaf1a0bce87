"""Who may see and do what in shadowing, on the primitives in `organisations.permissions`.

Who someone is to a placement (`parties_of`):
- the visitor (the placement's membership is theirs);
- the visitor's line manager (the manager on the visitor's membership now, so a new manager
  takes over a request);
- a coordinator of the visitor's organisation (home coordinator);
- a host: a coordinator of the host organisation, or a member its coordinators marked as a
  shadowing host (`Host`);
- the host supervisor named on the placement;
- the partnership team.

What each sees (`placements_visible_to`): their own; their staff's (line manager, home
coordinator); their organisation's as host once the line manager has approved (a request the
manager has not approved is not yet the host's business); the ones they supervise; the team
sees every placement. A reflection is seen by its writer, their line manager and the host
supervisor only (`can_view_reflection`): not the host's other staff, not the coordinators,
not the team, who see only that one was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db.models import Q, QuerySet

from organisations.models import Membership, Organisation
from organisations.permissions import (
    FLAG_COORDINATOR,
    is_partnership_team,
    model_permissions,
    role_memberships,
)
from shadowing.enums import Party, Status
from shadowing.models import (
    Condition,
    ConfidentialityAgreement,
    CountingStandard,
    Host,
    Opportunity,
    Placement,
)

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.permissions import Viewer


def _active(viewer: Viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def _user(viewer: Viewer) -> User:
    """The viewer as a signed-in user: call only after `_active`."""
    return cast("User", viewer)


def host_memberships(viewer: Viewer) -> QuerySet[Membership]:
    """The viewer's current memberships through which they host: as a coordinator, or marked."""
    if not _active(viewer):
        return Membership.objects.none()
    marked = Host.objects.values("membership")
    return (
        Membership.objects.current()
        .filter(user=_user(viewer))
        .filter(Q(is_coordinator=True) | Q(pk__in=marked))
    )


def host_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations the viewer hosts for (the team hosts for none, but may see them all)."""
    return Organisation.objects.filter(pk__in=host_memberships(viewer).values("organisation"))


def publishing_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations the viewer may add opportunities for: those they host for, and for the
    team every organisation (to publish one on a host's behalf)."""
    if _active(viewer) and is_partnership_team(viewer):
        return Organisation.objects.all()
    return host_organisations(viewer)


def coordinated_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    if not _active(viewer):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=role_memberships(_user(viewer), flag=FLAG_COORDINATOR).values("organisation")
    )


def is_host(viewer: Viewer) -> bool:
    return host_memberships(viewer).exists()


def opportunities_manageable_by(viewer: Viewer) -> QuerySet[Opportunity]:
    """Opportunities the viewer may edit: their host organisations'; the team's, all."""
    if not _active(viewer):
        return Opportunity.objects.none()
    if is_partnership_team(viewer):
        return Opportunity.objects.all()
    return Opportunity.objects.filter(organisation__in=host_organisations(viewer))


def can_mark_hosts_in(viewer: Viewer, organisation: Organisation) -> bool:
    """Coordinators mark their organisation's shadowing hosts; the team marks anyone's."""
    if is_partnership_team(viewer):
        return True
    return coordinated_organisations(viewer).filter(pk=organisation.pk).exists()


def placements_visible_to(viewer: Viewer) -> QuerySet[Placement]:
    """Every placement the viewer may open, as one queryset."""
    if not _active(viewer):
        return Placement.objects.none()
    if is_partnership_team(viewer):
        return Placement.objects.all()
    mine = Membership.objects.current().filter(user=_user(viewer))
    host_approved = Q(manager_decided_at__isnull=False) & ~Q(status=Status.DECLINED_BY_MANAGER)
    return Placement.objects.filter(
        Q(visitor__user=viewer)
        | Q(visitor__line_manager__in=mine)
        | Q(home_organisation__in=coordinated_organisations(viewer))
        | (Q(host_organisation__in=host_organisations(viewer)) & host_approved)
        | Q(supervisor__in=mine)
    )


def parties_of(viewer: Viewer, placement: Placement) -> frozenset[str]:
    """Who the viewer is to this placement (empty for someone with no part in it).

    Reads `placement.visitor` and `placement.supervisor`; three queries at most."""
    if not _active(viewer):
        return frozenset()
    parties: set[str] = set()
    if is_partnership_team(viewer):
        parties.add(Party.TEAM)
    visitor = placement.visitor
    if visitor.user_id == viewer.pk:
        parties.add(Party.VISITOR)
    mine = list(Membership.objects.current().filter(user=_user(viewer)))
    mine_ids = {m.pk for m in mine}
    if visitor.line_manager_id is not None and visitor.line_manager_id in mine_ids:
        parties.add(Party.LINE_MANAGER)
    if any(m.is_coordinator and m.organisation_id == placement.home_organisation_id for m in mine):
        parties.add(Party.HOME_COORDINATOR)
    hosting = [m for m in mine if m.organisation_id == placement.host_organisation_id]
    if hosting and (
        any(m.is_coordinator for m in hosting)
        or Host.objects.filter(membership__in=[m.pk for m in hosting]).exists()
    ):
        parties.add(Party.HOST)
    if placement.supervisor_id is not None and placement.supervisor_id in mine_ids:
        parties.add(Party.SUPERVISOR)
    return frozenset(parties)


def can_view_placement(viewer: Viewer, placement: Placement) -> bool:
    return placements_visible_to(viewer).filter(pk=placement.pk).exists()


def can_view_reflection(viewer: Viewer, placement: Placement) -> bool:
    """The writer, their line manager and the host supervisor; nobody else, the team included."""
    return bool(
        parties_of(viewer, placement) & {Party.VISITOR, Party.LINE_MANAGER, Party.SUPERVISOR}
    )


def can_see_partnership_figures(viewer: Viewer) -> bool:
    return is_partnership_team(viewer)


# The shadowing admin pages (shadowing.viewsets): the checklist, the standards shadowing counts
# towards, agreement versions (added, never deleted once signed: the database protects those),
# and opportunities, which hosts add on their own pages and the team corrects here.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = (
    model_permissions(Condition)
    | model_permissions(CountingStandard)
    | model_permissions(ConfidentialityAgreement)
    | model_permissions(Opportunity, ("change", "view"))
)
