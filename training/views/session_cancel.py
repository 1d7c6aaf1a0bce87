"""Cancelling a session, for the partnership team. Sessions are cancelled, never deleted:
everyone booked keeps a record of what happened and is told (see
`training.services.booking.session_cancel`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from training.enums import SessionStatus
from training.forms.registers import SessionCancelForm
from training.models import Session
from training.permissions import can_manage_sessions
from training.services.booking import session_cancel as session_cancel_service


@login_required
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_sessions(request.user):
        raise Http404
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    back = reverse("session_admin:edit", args=[session.pk])
    if session.status == SessionStatus.CANCELLED:
        messages.info(request, "This session has already been cancelled.")
        return redirect(back)
    form = SessionCancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel_service(
                session=session,
                cancelled_by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("reason", message)
        else:
            messages.success(
                request, "The session is cancelled. Everyone booked on it is being told."
            )
            return redirect(back)
    context = {
        "session": session,
        "form": form,
        "back": back,
        "booked": session.bookings.active().count(),
    }
    return render(request, "training/session_cancel.html", context)
