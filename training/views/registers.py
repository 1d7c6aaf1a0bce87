"""Registers: the trainer's list of sessions, one session's register with "Mark attendance",
and a version to print for people to sign.

Only the session's trainers and the partnership team may open a register; everyone else gets
a 404, as if the session had no register (`organisations.permissions`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from training.enums import BookingStatus, SessionStatus
from training.forms.registers import RegisterForm
from training.models import Session
from training.permissions import can_manage_sessions, can_see_registers
from training.selectors.registers import (
    register_bookings,
    register_session,
    register_summary,
    registers_recent,
    registers_upcoming,
)
from training.services.attendance import arrival_is_late, late_arrival_cutoff, register_mark

SESSIONS_PER_PAGE = 50  # a screenful of sessions that still reads well with a screen reader


def _session_or_404(request: HttpRequest, pk: int) -> Session:
    session = register_session(viewer=request.user, pk=pk)
    if session is None:
        raise Http404
    return session


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    if not can_see_registers(request.user):
        raise Http404
    now = timezone.now()
    upcoming = registers_upcoming(viewer=request.user, now=now)
    page = Paginator(upcoming, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    recent = list(registers_recent(viewer=request.user, now=now))
    context = {"page": page, "recent": recent, "now": now}
    return render(request, "training/register_list.html", context)


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    now = timezone.now()
    bookings = list(register_bookings(session=session))
    can_mark = (
        session.status == SessionStatus.SCHEDULED
        and session.starts_at is not None
        and now >= session.starts_at
    )
    form = RegisterForm(
        request.POST if request.method == "POST" and can_mark else None, bookings=bookings
    )
    if request.method == "POST" and can_mark and form.is_valid():
        marks = form.marks()
        try:
            changed = register_mark(
                session=session,
                marks=marks,
                marked_by=request.user,  # type: ignore[arg-type]
                now=now,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            late = sum(
                1
                for status, arrived_at in marks.values()
                if status != BookingStatus.NO_SHOW
                and arrival_is_late(session=session, arrived_at=arrived_at)
            )
            messages.success(request, _saved_message(changed=changed, late=late))
            return redirect("training:register", pk=session.pk)
    context = {
        "session": session,
        "bookings": bookings,
        "summary": register_summary(bookings),
        "form": form,
        "can_mark": can_mark,
        "cutoff": late_arrival_cutoff(session=session),
        "can_manage": can_manage_sessions(request.user),
    }
    return render(request, "training/register.html", context)


def _saved_message(*, changed: int, late: int) -> str:
    if changed == 0:
        return "Attendance saved. Nothing had changed."
    people = "1 person" if changed == 1 else f"{changed} people"
    message = f"Attendance saved for {people}."
    if late:
        arrivals = "1 person arrived" if late == 1 else f"{late} people arrived"
        message += f" {arrivals} after the cut-off, so counted as did not attend."
    return message


@login_required
def register_print(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    context = {
        "session": session,
        "bookings": list(register_bookings(session=session)),
        "cutoff": late_arrival_cutoff(session=session),
    }
    return render(request, "training/register_print.html", context)
