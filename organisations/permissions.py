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

Training adds registers and charges (see the end of this module): the partnership team sees
every register and charge; a trainer sees the registers of the sessions they train; a
coordinator sees their organisation's charges, read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.models import Invitation
from accounts.roles import roles_for
from organisations.enums import SECTORS_WITH_GOVERNORS, MembershipKind
from organisations.models import ImportBatch, Membership, MembershipQuerySet, Organisation
from training.models import Charge, ExternalEvidence, RecordImportBatch, Session

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


def _role_memberships(viewer: User, *, flag: str) -> MembershipQuerySet:
    """The viewer's current memberships that carry a role flag where that role means something.

    A clerk serves a governing board, so the clerk flag counts only in organisations that have
    one (as `kinds_manageable_in` and `flags_grantable_in` already assume).
    """
    memberships = Membership.objects.current().filter(user=viewer, **{flag: True})
    if flag == FLAG_CLERK:
        memberships = memberships.filter(organisation__sector__in=SECTORS_WITH_GOVERNORS)
    return memberships


def _role_organisations(viewer: User, *, flag: str) -> Q:
    """Organisations where the viewer holds a current membership with the given flag."""
    return Q(organisation__in=_role_memberships(viewer, flag=flag).values("organisation"))


def _managed_kinds_q(viewer: User) -> Q:
    """Organisation and kind pairs the viewer manages, for any model with both fields."""
    return (_role_organisations(viewer, flag="is_coordinator") & Q(kind__in=COORDINATOR_KINDS)) | (
        _role_organisations(viewer, flag="is_clerk") & Q(kind__in=CLERK_KINDS)
    )


def memberships_visible_to(viewer: Viewer) -> MembershipQuerySet:
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
    coordinating = _role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    clerking = _role_memberships(viewer, flag=FLAG_CLERK).values("organisation")
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
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)


# Training ------------------------------------------------------------------------------------
#
# - the partnership team runs every session: sees and marks every register, cancels sessions,
#   and sees and waives every charge;
# - a trainer sees and marks the registers of the sessions they train (while they are a trainer);
# - a coordinator sees their organisation's charges, read-only;
# - nobody else sees registers or charges.


def sessions_with_registers_visible_to(viewer: Viewer) -> QuerySet[Session]:
    """Sessions whose register the viewer may see, print and mark."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Session.objects.none()
    if viewer.is_partnership_team:
        return Session.objects.all()
    if viewer.is_trainer:
        return Session.objects.filter(trainers=viewer)
    return Session.objects.none()


def can_see_registers(viewer: Viewer) -> bool:
    """Whether the viewer has a list of registers at all: trainers and the partnership team."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    roles = roles_for(viewer)
    return roles.partnership_team or roles.trainer


def can_view_register(viewer: Viewer, session: Session) -> bool:
    return sessions_with_registers_visible_to(viewer).filter(pk=session.pk).exists()


def can_manage_sessions(viewer: Viewer) -> bool:
    """Cancelling sessions (and managing courses and sessions in the admin) is for the team."""
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)


def organisations_with_charges_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose training charges the viewer may see."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Organisation.objects.none()
    if viewer.is_partnership_team:
        return Organisation.objects.all()
    coordinating = _role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    return Organisation.objects.filter(pk__in=coordinating)


def charges_visible_to(viewer: Viewer) -> QuerySet[Charge]:
    """Every charge the viewer may see, as one queryset."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Charge.objects.none()
    if viewer.is_partnership_team:
        return Charge.objects.all()
    return Charge.objects.filter(organisation__in=organisations_with_charges_visible_to(viewer))


def can_waive_charges(viewer: Viewer) -> bool:
    """Waiving a charge is for the partnership team; coordinators only see theirs."""
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)


# Compliance ----------------------------------------------------------------------------------
#
# Compliance figures are about people, so they follow the people rules above:
# - the partnership team sees every organisation's compliance and the partnership summaries;
# - a coordinator sees their organisation's (staff, volunteers and its governors);
# - a clerk sees their board's governors;
# - a line manager sees the people who report to them;
# - everyone sees their own.
# External evidence is verified by whoever manages the membership it was uploaded through (the
# coordinator for staff and volunteers, the clerk for governors, or the partnership team).
# Historic completions are imported by the same people, for the memberships they manage.


def organisations_with_compliance_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose compliance table the viewer may open."""
    return organisations_with_people_visible_to(viewer)


def can_view_compliance_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_with_compliance_visible_to(viewer).filter(pk=organisation.pk).exists()


def can_view_partnership_compliance(viewer: Viewer) -> bool:
    """Summaries across organisations (by sector, by school) are for the partnership team."""
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)


def boards_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations with a governing board whose governors the viewer may see."""
    return organisations_with_people_visible_to(viewer).filter(sector__in=SECTORS_WITH_GOVERNORS)


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


def organisations_importing_records_by(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose historic completions the viewer may import: where they manage
    some kind of membership (coordinators, clerks) or the partnership team."""
    return organisations_with_people_visible_to(viewer)


def record_imports_manageable_by(viewer: Viewer) -> QuerySet[RecordImportBatch]:
    if not viewer.is_authenticated or not viewer.is_active:
        return RecordImportBatch.objects.none()
    if viewer.is_partnership_team:
        return RecordImportBatch.objects.all()
    # A coordinator sees everyone in their organisation, so every file uploaded there; a clerk
    # sees only governors, so only the files they uploaded themselves.
    coordinating = _role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    return RecordImportBatch.objects.filter(
        Q(organisation__in=coordinating)
        | Q(uploaded_by=viewer, organisation__in=organisations_importing_records_by(viewer))
    )


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
        pk__in=_role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    )


def can_view_reading_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_with_reading_visible_to(viewer).filter(pk=organisation.pk).exists()


def can_view_partnership_reading(viewer: Viewer) -> bool:
    """Guides' currency and reading rates across every organisation: the partnership team."""
    return bool(viewer.is_authenticated and viewer.is_active and roles_for(viewer).partnership_team)
