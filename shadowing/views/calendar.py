"""Calendar files: a confirmed shadowing visit as an .ics file for the people taking part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from shadowing.calendar import calendar_content_type, placement_ics
from shadowing.enums import Party, Status
from shadowing.models import Placement
from shadowing.permissions import parties_of

# Who takes part in the visit and so may put it in their calendar.
CALENDAR_PARTIES = frozenset({Party.VISITOR, Party.LINE_MANAGER, Party.HOST, Party.SUPERVISOR})
# A visit is in calendars from its confirmation on.
CONFIRMED_OR_LATER = frozenset(
    {
        Status.CONFIRMED,
        Status.AWAITING_REFLECTION,
        Status.COMPLETED,
        Status.DID_NOT_HAPPEN,
        Status.NOT_REFLECTED,
    }
)


def _has_calendar(placement: Placement) -> bool:
    if placement.status in CONFIRMED_OR_LATER:
        return True
    # A cancelled visit that was confirmed gives the file that removes it.
    return placement.status == Status.CANCELLED and placement.confirmed_at is not None


@login_required
def placement_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": the visit's days, for the visitor, their line manager and the host.
    A 404 for anyone else, and before the visit is confirmed."""
    placement = get_object_or_404(
        Placement.objects.select_related(
            "opportunity", "visitor__user", "supervisor", "host_organisation"
        ),
        pk=pk,
    )
    if not parties_of(request.user, placement) & CALENDAR_PARTIES or not _has_calendar(placement):
        raise Http404
    response = HttpResponse(placement_ics(placement), content_type=calendar_content_type(placement))
    response["Content-Disposition"] = f'attachment; filename="shadowing-visit-{placement.pk}.ics"'
    return response
