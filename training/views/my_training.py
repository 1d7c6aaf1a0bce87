"""A person's own training: what is required of them and what would satisfy it, their
governor declarations, bookings, requests, waiting lists, past sessions, records and evidence,
and calendar files for their bookings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from training.calendar_files import booking_calendar_file
from training.enums import BookingStatus
from training.models import BookingRules
from training.selectors.evidence import evidence_of
from training.selectors.my_training import booking_with_session, my_training_for
from training.selectors.requirements_for_me import requirements_for


@login_required
@require_http_methods(["GET", "HEAD"])
def my_training(request: HttpRequest) -> HttpResponse:
    required = requirements_for(user=request.user)  # type: ignore[arg-type]
    context = {
        "required": required,
        "training": my_training_for(user=request.user),
        "evidence": list(evidence_of(request.user)),  # type: ignore[arg-type]
        "rules": BookingRules.load(),
    }
    return render(request, "training/my_training.html", context)


@login_required
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Add to calendar": the person's own confirmed booking as an .ics file."""
    booking = booking_with_session(pk=pk)
    if (
        booking is None
        or booking.user_id != request.user.pk
        or booking.status != BookingStatus.CONFIRMED
    ):
        raise Http404
    calendar_file = booking_calendar_file(booking=booking)
    response = HttpResponse(calendar_file.content, content_type=calendar_file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{calendar_file.filename}"'
    return response
