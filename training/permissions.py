"""Who may act on someone's booking, and who sees registers, sessions, charges and imports.

Built only from `organisations.permissions` (who manages whom) and the line-manager relation on
a membership, so the rules about people stay in one place:

- a person books, cancels and passes on their own place;
- whoever manages their membership (their organisation's coordinator, the clerk for a governor,
  the partnership team) may do the same for them, and may approve or decline their requests;
- their current line manager may approve or decline their requests and pass their place to a
  colleague;
- nobody approves their own request.

Registers, sessions and charges:
- the partnership team runs every session: sees and marks every register, cancels sessions,
  and sees and waives every charge;
- a trainer sees and marks the registers of the sessions they train (while they are a trainer);
- a coordinator sees their organisation's charges, read-only;
- nobody else sees registers or charges.

Historic completions are imported by whoever manages memberships in the organisation.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.roles import roles_for
from organisations.models import Membership, Organisation
from organisations.permissions import (
    FLAG_COORDINATOR,
    can_manage_membership,
    is_partnership_team,
    model_permissions,
    organisations_with_people_visible_to,
    role_memberships,
)
from training.models import (
    BookingRules,
    Charge,
    Course,
    RecordImportBatch,
    Session,
    TrainingStandard,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from organisations.permissions import Viewer


def has_line_manager(membership: Membership, *, on: date | None = None) -> bool:
    """Whether the membership names a line manager who is still in post and can sign in."""
    if membership.line_manager_id is None:
        return False
    return (
        Membership.objects.current(on)
        .filter(pk=membership.line_manager_id, user__is_active=True)
        .exists()
    )


def is_line_manager_of(user: User, membership: Membership, *, on: date | None = None) -> bool:
    """Whether the person is the membership's current line manager."""
    if membership.line_manager_id is None or not user.is_active:
        return False
    return Membership.objects.current(on).filter(pk=membership.line_manager_id, user=user).exists()


def can_book_for(user: User, membership: Membership) -> bool:
    """Book or cancel a place for this membership: the person, or whoever manages them."""
    if not user.is_active:
        return False
    return membership.user_id == user.pk or can_manage_membership(user, membership)


def can_decide_bookings_for(user: User, membership: Membership) -> bool:
    """Approve or decline this membership's requests: their line manager or whoever manages
    them, never the person themselves."""
    if not user.is_active or membership.user_id == user.pk:
        return False
    return is_line_manager_of(user, membership) or can_manage_membership(user, membership)


def can_substitute_for(user: User, membership: Membership) -> bool:
    """Pass this membership's place to a colleague: the person, their manager or coordinator."""
    return can_book_for(user, membership) or is_line_manager_of(user, membership)


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
    return is_partnership_team(viewer)


def organisations_with_charges_visible_to(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose training charges the viewer may see."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Organisation.objects.none()
    if viewer.is_partnership_team:
        return Organisation.objects.all()
    coordinating = role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
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
    return is_partnership_team(viewer)


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
    coordinating = role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    return RecordImportBatch.objects.filter(
        Q(organisation__in=coordinating)
        | Q(uploaded_by=viewer, organisation__in=organisations_importing_records_by(viewer))
    )


# The Training menu in the admin (standards, courses, sessions) and the booking rules under
# Settings. Charges are seen and waived on our own pages (above); their model permissions are
# here only so the permissions tell the truth.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = (
    model_permissions(TrainingStandard)
    | model_permissions(Course)
    | model_permissions(Session)
    | model_permissions(Charge, ("view", "change"))
    | model_permissions(BookingRules, ("change",))
)
