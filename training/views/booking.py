"""A session's page and what people do there: book a place or join the waiting list, cancel,
answer a waiting-list offer, book for a member of staff and pass a place to a colleague."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import roles_for
from organisations.models import Membership
from training.calendar_files import joining_details_shown
from training.enums import BookingStatus, ChargeKind, SessionStatus
from training.forms.booking import BookForm, CancelForm, PersonForm, StaffSearchForm
from training.models import Booking, BookingRules, Session
from training.permissions import can_book_for, can_substitute_for
from training.selectors.catalogue import booking_options, session_for_page
from training.selectors.eligibility import booking_blockers, mix_rule_message
from training.selectors.my_training import (
    PEOPLE_SHOWN,
    booking_with_session,
    colleagues_of,
    people_bookable_by,
    staff_bookings_on,
)
from training.services.booking import (
    CANCELLABLE_STATUSES,
    booking_cancel,
    booking_create,
    booking_substitute,
    offer_accept,
    offer_decline,
)
from training.services.charges import charge_amount
from training.templatetags.session_dates import british_date
from training.working_days import cancellation_deadline, is_late_cancellation

if TYPE_CHECKING:
    from accounts.models import User


def _session_or_404(pk: int) -> Session:
    session = session_for_page(pk=pk)
    if session is None:
        raise Http404
    return session


def _is_open(session: Session) -> bool:
    """Whether the session is still ahead and not cancelled (booking may still be closed)."""
    return (
        session.status == SessionStatus.SCHEDULED
        and session.starts_at is not None
        and session.starts_at > timezone.now()
    )


def _session_page(
    request: HttpRequest, session: Session, *, form: BookForm | None = None
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    options = booking_options(session=session, viewer=user)
    if form is None:
        form = BookForm(memberships=_memberships_qs(options.eligible))
    booking = options.booking
    places_left: int = session.places_left
    # With one way to book, the button can say whether the person will get a place now.
    mix_message = None
    if len(options.eligible) == 1 and places_left > 0:
        mix_message = mix_rule_message(session=session, membership=options.eligible[0])
    roles = roles_for(user)
    manages_people = _books_for_others(user)
    context = {
        "session": session,
        "course": session.course,
        "parts": list(session.parts.all()),
        "is_open": _is_open(session),
        "options": options,
        "booking": booking,
        "form": form,
        "choose_membership": len(options.eligible) > 1,
        "joins_waiting_list": places_left <= 0 or mix_message is not None,
        "mix_message": mix_message,
        "show_joining_details": booking is not None
        and booking.status == BookingStatus.CONFIRMED
        and joining_details_shown(session=session),
        "rules": BookingRules.load(),
        "may_book_for_others": manages_people,
        # The partnership team runs sessions (organisations.permissions.can_manage_sessions).
        "runs_sessions": roles.partnership_team,
        "staff_bookings": (
            staff_bookings_on(session=session, viewer=user)
            if manages_people or roles.line_manager
            else []
        ),
    }
    return render(request, "training/session_detail.html", context)


def _memberships_qs(memberships: list[Membership]) -> QuerySet[Membership]:
    """The memberships as a queryset, for the form's radios and for checking the choice."""
    return (
        Membership.objects.filter(pk__in=[membership.pk for membership in memberships])
        .select_related("organisation", "job_role")
        .order_by("organisation__name", "pk")
    )


def _books_for_others(user: User) -> bool:
    """Roles that manage people (`organisations.permissions.memberships_manageable_by`), so may
    book for them. Checked from the cached roles, so pages pay no query for it."""
    roles = roles_for(user)
    return roles.coordinator or roles.clerk or roles.partnership_team


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, _session_or_404(pk))


def _booked_message(booking: Booking, *, for_someone_else: bool) -> str:
    course, day = booking.session.course.title, british_date(booking.session.starts_at)
    name = booking.user.get_full_name() or booking.user.email
    if booking.status == BookingStatus.AWAITING_APPROVAL:
        if for_someone_else:
            return f"{name}'s request for {course} on {day} is waiting for their line manager."
        return (
            f"Your request for {course} on {day} has been sent to your line manager. "
            "We will email you when they answer."
        )
    if booking.status == BookingStatus.WAITLISTED:
        if for_someone_else:
            return f"{name} is on the waiting list for {course} on {day}."
        return (
            f"You are on the waiting list for {course} on {day}. "
            "We will email you if a place becomes free."
        )
    if for_someone_else:
        return f"{name} has a place on {course} on {day}."
    return f"You have a place on {course} on {day}. We have sent you an email to confirm it."


@login_required
@require_POST
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a place for oneself, or join the waiting list when the session is full."""
    session = _session_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    options = booking_options(session=session, viewer=user)
    if options.booking is not None:
        messages.info(request, "You already have a booking for this session.")
        return redirect(session)
    if not options.eligible:
        # The session page says why, in place of the button.
        return redirect(session)
    form = BookForm(request.POST, memberships=_memberships_qs(options.eligible))
    if len(options.eligible) == 1:
        attendee = options.eligible[0]
    elif form.is_valid():
        attendee = form.cleaned_data["membership"]
    else:
        return _session_page(request, session, form=form)
    try:
        booking = booking_create(session=session, attendee=attendee, booked_by=user)
    except ValidationError as error:
        form.add_error(None, error)
        return _session_page(request, session, form=form)
    messages.success(request, _booked_message(booking, for_someone_else=False))
    return redirect(session)


@login_required
def book_for(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator (or clerk, or the partnership team) books a place for someone they
    manage. The list is narrowed by a search, so it stays short in a large organisation."""
    session = _session_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    if not _books_for_others(user):
        raise Http404
    search_form = StaffSearchForm(request.GET)
    search_form.is_valid()
    search = search_form.cleaned_data.get("q") or ""
    shown = people_bookable_by(viewer=user, search=search)
    data = request.POST if request.method == "POST" else None
    # Choices are checked against everyone the viewer may book for, not only those shown.
    form = PersonForm(
        data,
        people=people_bookable_by(viewer=user),
        label="Who are you booking a place for?",
    )
    if data is not None and form.is_valid() and _is_open(session):
        attendee: Membership = form.cleaned_data["person"]
        blockers = booking_blockers(session=session, membership=attendee, viewer=user)
        if blockers:
            for reason in blockers:
                form.add_error("person", reason)
        else:
            try:
                booking = booking_create(session=session, attendee=attendee, booked_by=user)
            except ValidationError as error:
                form.add_error("person", error)
            else:
                messages.success(request, _booked_message(booking, for_someone_else=True))
                return redirect(session)
    total = shown.count()
    form.fields["person"].queryset = shown[:PEOPLE_SHOWN]  # type: ignore[attr-defined]
    context = {
        "session": session,
        "course": session.course,
        "is_open": _is_open(session),
        "form": form,
        "search_form": search_form,
        "search": search,
        "total": total,
        "people_shown": PEOPLE_SHOWN,
    }
    return render(request, "training/session_book_for.html", context)


def _booking_or_404(pk: int) -> Booking:
    booking = booking_with_session(pk=pk)
    if booking is None:
        raise Http404
    return booking


@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then cancel a booking: the person's own, or one they made for their staff."""
    booking = _booking_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    if not can_book_for(user, booking.attendee):
        raise Http404
    session = booking.session
    if booking.status not in CANCELLABLE_STATUSES:
        messages.info(request, "This booking has already been cancelled or has ended.")
        return redirect(session)
    own = booking.user_id == user.pk
    data = request.POST if request.method == "POST" else None
    form = CancelForm(data)
    if data is not None and form.is_valid():
        was_waiting = booking.status == BookingStatus.WAITLISTED
        try:
            booking_cancel(booking=booking, cancelled_by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if was_waiting:
                what = "left the waiting list" if own else "been taken off the waiting list"
            else:
                what = "cancelled the booking" if own else "had the booking cancelled"
            name = "You have" if own else f"{booking.user.get_full_name()} has"
            messages.success(
                request,
                f"{name} {what} for {session.course.title} on {british_date(session.starts_at)}.",
            )
            return redirect("compliance:my_training" if own else session.get_absolute_url())
    deadline = cancellation_deadline(session) if session.starts_at else None
    late = session.starts_at is not None and is_late_cancellation(session, at=timezone.now())
    # Only a confirmed place is charged for cancelling late (training.services.booking).
    charge = Decimal(0)
    if late and booking.status == BookingStatus.CONFIRMED:
        charge = charge_amount(booking=booking, kind=ChargeKind.LATE_CANCELLATION)
    context = {
        "booking": booking,
        "session": session,
        "course": session.course,
        "own": own,
        "form": form,
        "deadline": deadline,
        "late": late,
        "charge": charge,
        "late_charge": session.course.late_cancellation_charge,
    }
    return render(request, "training/booking_cancel.html", context)


def _own_offer_or_redirect(request: HttpRequest, pk: int) -> Booking | HttpResponse:
    booking = _booking_or_404(pk)
    if booking.user_id != request.user.pk:
        raise Http404
    if booking.status != BookingStatus.OFFERED:
        messages.info(request, "This place is no longer on offer to you.")
        return redirect(booking.session)
    return booking


@login_required
@require_POST
def accept_offer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _own_offer_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    try:
        booking = offer_accept(booking=found, accepted_by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _booked_message(booking, for_someone_else=False))
    return redirect(found.session)


@login_required
@require_POST
def decline_offer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _own_offer_or_redirect(request, pk)
    if isinstance(found, HttpResponse):
        return found
    try:
        offer_decline(booking=found, declined_by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(found.session)
    messages.success(
        request, "You have declined the place. We will offer it to the next person waiting."
    )
    return redirect("compliance:my_training")


@login_required
def substitute(request: HttpRequest, pk: int) -> HttpResponse:
    """Pass a booked place to a colleague from the same organisation, free of charge."""
    booking = _booking_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    if not can_substitute_for(user, booking.attendee):
        raise Http404
    session = booking.session
    if booking.status != BookingStatus.CONFIRMED:
        messages.info(request, "Only a booked place can be passed to a colleague.")
        return redirect(session)
    search_form = StaffSearchForm(request.GET)
    search_form.is_valid()
    search = search_form.cleaned_data.get("q") or ""
    colleagues = colleagues_of(viewer=user, booking=booking)
    shown = colleagues_of(viewer=user, booking=booking, search=search)
    data = request.POST if request.method == "POST" else None
    form = PersonForm(
        data,
        people=colleagues,
        label="Who is taking the place?",
        help_text=f"Someone else from {booking.attendee.organisation.name}.",
    )
    if data is not None and form.is_valid():
        substitute_membership: Membership = form.cleaned_data["person"]
        try:
            booking_substitute(
                booking=booking, substitute=substitute_membership, substituted_by=user
            )
        except ValidationError as error:
            form.add_error("person", error)
        else:
            messages.success(
                request,
                f"{substitute_membership.user.get_full_name()} has taken "
                f"{booking.user.get_full_name()}'s place on {session.course.title}.",
            )
            return redirect(session)
    total = shown.count()
    form.fields["person"].queryset = shown[:PEOPLE_SHOWN]  # type: ignore[attr-defined]
    context = {
        "booking": booking,
        "session": session,
        "course": session.course,
        "form": form,
        "search_form": search_form,
        "search": search,
        "total": total,
        "people_shown": PEOPLE_SHOWN,
        "own": booking.user_id == user.pk,
    }
    return render(request, "training/booking_substitute.html", context)
