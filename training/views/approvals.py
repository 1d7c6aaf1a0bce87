"""Requests for places that wait for a manager: the list, "Approve" and "Decline".

A line manager answers their reports' requests; a coordinator (or clerk, or the partnership
team) answers those of the people they manage. Nobody answers their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import roles_for
from training.enums import BookingStatus
from training.forms.booking import DeclineForm
from training.models import Booking
from training.permissions import can_decide_bookings_for
from training.selectors.my_training import approval_requests_for, booking_with_session
from training.services.booking import booking_approve, booking_decline
from training.templatetags.session_dates import british_date

if TYPE_CHECKING:
    from accounts.models import User

REQUESTS_PER_PAGE = 50  # a screenful that still reads well with a screen reader


def may_answer_requests(user: User) -> bool:
    """Whether the person holds a role that answers anyone's requests (the navigation and the
    list page use this; each request is still checked on its own)."""
    roles = roles_for(user)
    return roles.line_manager or roles.coordinator or roles.clerk or roles.partnership_team


@login_required
def approval_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may_answer_requests(user):
        raise Http404
    page = Paginator(approval_requests_for(viewer=user), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "training/approval_list.html", {"page": page, "page_query": ""})


def _request_or_404(request: HttpRequest, pk: int) -> Booking:
    booking = booking_with_session(pk=pk)
    if booking is None or not can_decide_bookings_for(request.user, booking.attendee):  # type: ignore[arg-type]
        raise Http404
    return booking


def _describe(booking: Booking) -> str:
    session = booking.session
    name = booking.user.get_full_name() or booking.user.email
    return f"{name}'s request for {session.course.title} on {british_date(session.starts_at)}"


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _request_or_404(request, pk)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        messages.info(request, f"{_describe(booking)} has already been answered.")
        return redirect("training:approvals")
    try:
        booking_approve(booking=booking, approved_by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("training:approvals")
    messages.success(request, f"You have approved {_describe(booking)}. Their place is confirmed.")
    return redirect("training:approvals")


@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _request_or_404(request, pk)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        messages.info(request, f"{_describe(booking)} has already been answered.")
        return redirect("training:approvals")
    data = request.POST if request.method == "POST" else None
    form = DeclineForm(data)
    if data is not None and form.is_valid():
        try:
            booking_decline(
                booking=booking,
                declined_by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"You have declined {_describe(booking)}. We have told them why."
            )
            return redirect("training:approvals")
    context = {"booking": booking, "session": booking.session, "form": form}
    return render(request, "training/booking_decline.html", context)
