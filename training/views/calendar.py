"""Calendar files: a person's own confirmed booking as an .ics file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from training.calendar_files import booking_calendar_file
from training.enums import BookingStatus
from training.selectors.my_training import booking_with_session


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
