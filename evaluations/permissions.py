"""Who sees which evaluation results.

Results are about people's answers, so they follow the people and training rules in
`organisations.permissions` and `accounts.roles`:

- the partnership team sees the results of every session;
- a trainer sees the results of the sessions they train (while they are a trainer);
- a coordinator sees the answers of their organisation's staff and volunteers, on whichever
  session those people were booked, and nobody else's;
- someone who is both a trainer and a coordinator sees both;
- nobody else sees results: their pages and exports are a 404, as for any record a person may
  not see (docs/conventions.md).

Every figure on the results pages is computed from `invitations_in_results_of(viewer)`, a
queryset the database filters before anything is counted, never a list filtered afterwards.
Whoever sees results still never sees who gave which answer: `evaluations.selectors.results`
shows a figure only for a group of at least `RESULTS_MINIMUM_GROUP` people.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.roles import roles_for
from evaluations.models import CourseEvaluation, Invitation, Question
from organisations.models import Membership, Organisation
from organisations.permissions import (
    COORDINATOR_KINDS,
    FLAG_COORDINATOR,
    is_partnership_team,
    model_permissions,
    role_memberships,
)
from training.models import Booking, Course, Session

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from organisations.permissions import Viewer


def _active(viewer: Viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def _staff_coordinated_by(viewer: Viewer) -> QuerySet[Membership]:
    """Staff and volunteer memberships of the organisations the viewer coordinates, ended ones
    included: an answer given while someone worked there stays their organisation's."""
    coordinating = role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")  # type: ignore[arg-type]
    return Membership.objects.filter(organisation__in=coordinating, kind__in=COORDINATOR_KINDS)


def can_view_results(viewer: Viewer) -> bool:
    """Whether the viewer has results pages at all: the partnership team, trainers and
    coordinators (what each sees is narrower: `invitations_in_results_of`)."""
    if not _active(viewer):
        return False
    roles = roles_for(viewer)  # type: ignore[arg-type]
    return roles.partnership_team or roles.trainer or roles.coordinator


def invitations_in_results_of(viewer: Viewer) -> QuerySet[Invitation]:
    """Every invitation (one booking asked one step) whose answers count in the viewer's
    results, as one queryset."""
    if not _active(viewer):
        return Invitation.objects.none()
    if is_partnership_team(viewer):
        return Invitation.objects.all()
    roles = roles_for(viewer)  # type: ignore[arg-type]
    visible = Q(pk__in=[])
    if roles.trainer:
        visible |= Q(booking__session__in=Session.objects.filter(trainers=viewer))
    if roles.coordinator:
        visible |= Q(booking__attendee__in=_staff_coordinated_by(viewer))
    return Invitation.objects.filter(visible)


def sessions_with_results_visible_to(viewer: Viewer) -> QuerySet[Session]:
    """Sessions whose results page the viewer may open: every session for the partnership team,
    the sessions a trainer trains, and sessions a coordinator's staff were booked on (showing
    only those people's answers)."""
    if not _active(viewer):
        return Session.objects.none()
    if is_partnership_team(viewer):
        return Session.objects.all()
    roles = roles_for(viewer)  # type: ignore[arg-type]
    visible = Q(pk__in=[])
    if roles.trainer:
        visible |= Q(pk__in=Session.objects.filter(trainers=viewer).values("pk"))
    if roles.coordinator:
        booked = Booking.objects.filter(attendee__in=_staff_coordinated_by(viewer))
        visible |= Q(pk__in=booked.values("session"))
    return Session.objects.filter(visible)


def can_view_session_results(viewer: Viewer, session: Session) -> bool:
    return sessions_with_results_visible_to(viewer).filter(pk=session.pk).exists()


def sessions_to_filter_results_by(viewer: Viewer) -> QuerySet[Session]:
    """The sessions the results filter offers: those the viewer sees whose learners have been
    asked to evaluate them."""
    asked = invitations_in_results_of(viewer).values("booking__session")
    return sessions_with_results_visible_to(viewer).filter(pk__in=asked)


def courses_to_filter_results_by(viewer: Viewer) -> QuerySet[Course]:
    """The courses the results filter offers: those of `sessions_to_filter_results_by`."""
    return Course.objects.filter(pk__in=sessions_to_filter_results_by(viewer).values("course"))


def organisations_to_filter_results_by(viewer: Viewer) -> QuerySet[Organisation]:
    """The organisations the results filter offers: those whose people's answers the viewer
    sees (a coordinator's own; for a trainer, those of the people on their sessions)."""
    if is_partnership_team(viewer):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=invitations_in_results_of(viewer).values("booking__attendee__organisation")
    )


# The question bank and courses' evaluations in the content admin (evaluations.viewsets).
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(Question) | model_permissions(
    CourseEvaluation
)
