"""The programme's bookings and what follows from them, built in memory under the rules the
booking services keep, then written with bulk inserts.

The seed makes hundreds of bookings, so it does not call the services one booking at a time;
`Ledger` keeps the same promises instead, and refuses (with an error, failing the seed) any
booking that would break one:

- a session never holds more places than its capacity, nor more for one organisation than
  its agency-mix rule allows;
- one active booking per person per session;
- a waiting list only on a full session; an offer only for a free place;
- attending gives a training record (completed the day the session ends, expiring after the
  shortest validity of the course's standards); partial attendance gives none;
- cancelling after the working-day deadline, and not attending, charge the home organisation
  the course's amount, when the course charges;
- reaching the booking rules' number of non-attendances within their window puts a hold on
  the person, as `training.services.holds` does.

Everything that happened carries the time it happened and who did it, in the row and in its
history (django-simple-history), so the demo's pages and audit trail read as if people did it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from demo.training.courses import CourseSpec
from demo.training.dates import months_after
from demo.training.learners import Learner, may_book
from training.enums import (
    ACTIVE_STATUSES,
    ATTENDANCE_STATUSES,
    PLACE_HOLDING_STATUSES,
    BookingStatus,
    ChargeKind,
    RecordSource,
    SessionStatus,
)
from training.models import (
    Booking,
    BookingHold,
    BookingRules,
    Charge,
    Session,
    TrainingRecord,
    TrainingStandard,
)
from training.working_days import is_late_cancellation

BATCH_SIZE = 1000
# Why the history rows of the demo's rows exist.
HISTORY_REASON = "Demo data"
# When the trainer marks the register: a quarter of an hour after the session ends.
MARKED_AFTER_END = timedelta(minutes=15)


class SeedRuleBroken(Exception):
    """The demo tried to make a booking the services would refuse: a bug in the seed."""


@dataclass
class PlannedSession:
    """A saved session of the programme, with what the ledger needs to know about it."""

    session: Session
    spec: CourseSpec
    trainers: list[User]
    standards: list[TrainingStandard]
    key: str = ""

    # In UTC, as the database gives them back, so that adding hours across a change of the
    # clocks gives what the services (which read them from the database) would.
    @property
    def starts_at(self) -> datetime:
        assert self.session.starts_at is not None
        return self.session.starts_at.astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        assert self.session.ends_at is not None
        return self.session.ends_at.astimezone(UTC)

    @property
    def first_day(self) -> date:
        return timezone.localdate(self.starts_at)

    @property
    def last_day(self) -> date:
        return timezone.localdate(self.ends_at)

    @property
    def organisation_limit(self) -> int | None:
        """The most places one organisation may hold under the agency-mix rule."""
        session = self.session
        limits = [session.mix_max_places] if session.mix_max_places else []
        if session.mix_max_percent:
            limits.append(session.capacity * session.mix_max_percent // 100)
        return min(limits) if limits else None

    @property
    def expiry_months(self) -> int | None:
        months = [s.validity_months for s in self.standards if s.validity_months]
        return min(months) if months else None


@dataclass
class Entry:
    """A booking being built, with when it was made and its latest change, and by whom."""

    booking: Booking
    learner: Learner
    planned: PlannedSession
    created_at: datetime
    changed_at: datetime
    changed_by_id: int


@dataclass
class Dated:
    """A charge, record or hold, when it was made and last changed, and by whom."""

    row: Charge | TrainingRecord | BookingHold
    created_at: datetime
    changed_by_id: int | None
    standards: list[TrainingStandard] = field(default_factory=list)
    changed_at: datetime | None = None


class Ledger:
    """Bookings, charges, records and holds, checked as they are made (see the module)."""

    def __init__(self, *, rules: BookingRules, completed: dict[tuple[int, int], date]) -> None:
        self.rules = rules
        # (user id, course id) → when the person completed the course, from any source.
        self.completed = dict(completed)
        self.entries: list[Entry] = []
        self.dated: list[Dated] = []
        self.courses_taken: set[tuple[int, int]] = set(completed)
        self.sessions_booked: Counter[int] = Counter()
        self._active: set[tuple[int, int]] = set()
        self._held: Counter[int] = Counter()
        self._held_by_organisation: Counter[tuple[int, int]] = Counter()
        self._no_shows: dict[int, list[date]] = defaultdict(list)
        self._on_hold: set[int] = set()

    # Reading ----------------------------------------------------------------------------

    def places_held(self, planned: PlannedSession) -> int:
        return self._held[self._key(planned)]

    def places_left(self, planned: PlannedSession) -> int:
        return planned.session.capacity - self.places_held(planned)

    def organisation_places(self, planned: PlannedSession, organisation_id: int) -> int:
        return self._held_by_organisation[(self._key(planned), organisation_id)]

    def has_active(self, planned: PlannedSession, user_id: int) -> bool:
        return (self._key(planned), user_id) in self._active

    def on(self, planned: PlannedSession, *statuses: str) -> list[Entry]:
        """The session's bookings in these statuses, in the order they were made."""
        return [e for e in self.entries if e.planned is planned and e.booking.status in statuses]

    def is_on_hold(self, user_id: int) -> bool:
        return user_id in self._on_hold

    def no_show_near(self, user_id: int, day: date) -> bool:
        """Whether another non-attendance within the rules' window (either side) would make
        this one put the person on hold."""
        window = timedelta(days=31 * self.rules.no_show_window_months)
        return any(abs(day - other) <= window for other in self._no_shows[user_id])

    # Booking ----------------------------------------------------------------------------

    def book(
        self,
        planned: PlannedSession,
        learner: Learner,
        *,
        status: str,
        at: datetime,
        booked_by_id: int | None = None,
        decided_by_id: int | None = None,
        decided_at: datetime | None = None,
    ) -> Entry:
        """A booking that holds a place: confirmed, or awaiting the manager's approval.

        On a course that needs approval, a confirmed booking was approved by the person's
        line manager (`decided_by_id`); a request waits for them until it expires.
        """
        if status not in (BookingStatus.CONFIRMED, BookingStatus.AWAITING_APPROVAL):
            raise SeedRuleBroken(f"book() makes confirmed bookings or requests, not {status}.")
        self._check_may_book(planned, learner, at=at)
        needs_approval = planned.session.course.requires_manager_approval
        if status == BookingStatus.AWAITING_APPROVAL and not needs_approval:
            raise SeedRuleBroken(f"{planned.spec.title} needs no approval.")
        if needs_approval and learner.line_manager_user_id is None:
            raise SeedRuleBroken(f"{learner.email} has no line manager to approve them.")
        if needs_approval and status == BookingStatus.CONFIRMED and decided_at is None:
            raise SeedRuleBroken("An approved booking needs the time of its approval.")
        self._take_place(planned, learner)
        booked_by = booked_by_id or learner.user_id
        booking = self._booking(planned, learner, status=status, booked_by_id=booked_by)
        changed_at, changed_by = at, booked_by
        if status == BookingStatus.AWAITING_APPROVAL:
            booking.approval_expires_at = planned.starts_at - timedelta(
                hours=self.rules.approval_expires_hours_before
            )
        elif needs_approval and decided_at is not None:
            booking.decided_by_id = decided_by_id or learner.line_manager_user_id
            booking.decided_at = decided_at
            changed_at, changed_by = decided_at, booking.decided_by_id or booked_by
        return self._add(booking, learner, planned, at=at, changed_at=changed_at, by=changed_by)

    def waitlist(
        self,
        planned: PlannedSession,
        learner: Learner,
        *,
        at: datetime,
        booked_by_id: int | None = None,
    ) -> Entry:
        """A place on the waiting list of a full session."""
        self._check_may_book(planned, learner, at=at)
        if self.places_left(planned) > 0:
            raise SeedRuleBroken(f"{planned.session} has places: nobody waits for one.")
        self._active.add((self._key(planned), learner.user_id))
        self.courses_taken.add((learner.user_id, planned.session.course.pk))
        booked_by = booked_by_id or learner.user_id
        booking = self._booking(
            planned, learner, status=BookingStatus.WAITLISTED, booked_by_id=booked_by
        )
        booking.waitlisted_at = at
        return self._add(booking, learner, planned, at=at, changed_at=at, by=booked_by)

    def offer(self, entry: Entry, *, at: datetime) -> None:
        """Offer the waiting person a freed place, for the rules' time to accept."""
        if entry.booking.status != BookingStatus.WAITLISTED or self.places_left(entry.planned) < 1:
            raise SeedRuleBroken("Only someone waiting can be offered, and only a free place.")
        self._take_place(entry.planned, entry.learner, already_active=True)
        days_ahead = (entry.planned.starts_at - at).days
        hours = (
            self.rules.offer_hours_near_session
            if days_ahead <= self.rules.near_session_days
            else self.rules.offer_hours
        )
        entry.booking.status = BookingStatus.OFFERED
        entry.booking.offer_expires_at = min(
            at.astimezone(UTC) + timedelta(hours=hours), entry.planned.starts_at
        )
        # The system makes offers, not a person: the history shows the last person's change.

    def cancel(self, entry: Entry, *, at: datetime, by_id: int, reason: str) -> None:
        """Cancel a place: free before the course's working-day deadline, charged after it."""
        booking = entry.booking
        if booking.status not in ACTIVE_STATUSES or booking.status in ATTENDANCE_STATUSES:
            raise SeedRuleBroken(f"A {booking.status} booking cannot be cancelled.")
        if at >= entry.planned.starts_at or at < entry.created_at:
            raise SeedRuleBroken("A booking is cancelled after it is made, before the session.")
        late = booking.status != BookingStatus.WAITLISTED and is_late_cancellation(
            entry.planned.session, at=at
        )
        self._release(entry)
        booking.status = BookingStatus.LATE_CANCELLED if late else BookingStatus.CANCELLED
        booking.cancelled_at = at
        booking.cancelled_by_id = by_id
        booking.cancellation_reason = reason
        entry.changed_at, entry.changed_by_id = at, by_id
        if late:
            self._charge(entry, kind=ChargeKind.LATE_CANCELLATION, at=at, by_id=by_id)

    def substitute(self, entry: Entry, colleague: Learner, *, at: datetime, by_id: int) -> Entry:
        """Pass a confirmed place to a colleague from the same organisation, free of charge:
        the old booking is cancelled ("Substituted"), the colleague's keeps its approval."""
        booking, planned = entry.booking, entry.planned
        if booking.status != BookingStatus.CONFIRMED:
            raise SeedRuleBroken("Only a booked place can be passed to a colleague.")
        if colleague.organisation_id != entry.learner.organisation_id:
            raise SeedRuleBroken("A place can only go to someone in the same organisation.")
        if at >= planned.starts_at or at < entry.created_at:
            raise SeedRuleBroken("A place is passed on after it is booked, before the session.")
        self._check_may_book(planned, colleague, at=at)
        self._release(entry)
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at, booking.cancelled_by_id = at, by_id
        booking.cancellation_reason = "Substituted"
        entry.changed_at, entry.changed_by_id = at, by_id
        self._take_place(planned, colleague)
        replacement = self._booking(
            planned, colleague, status=BookingStatus.CONFIRMED, booked_by_id=by_id
        )
        replacement.substituted_from = booking
        replacement.decided_by_id, replacement.decided_at = (
            booking.decided_by_id,
            booking.decided_at,
        )
        return self._add(replacement, colleague, planned, at=at, changed_at=at, by=by_id)

    def decline(self, entry: Entry, *, at: datetime, reason: str) -> None:
        """The line manager says no to a request."""
        booking = entry.booking
        if booking.status != BookingStatus.AWAITING_APPROVAL:
            raise SeedRuleBroken("Only a request awaiting approval can be declined.")
        self._release(entry)
        booking.status = BookingStatus.DECLINED
        booking.decided_by_id = entry.learner.line_manager_user_id
        booking.decided_at = at
        booking.decision_reason = reason
        entry.changed_at = at
        entry.changed_by_id = booking.decided_by_id or entry.changed_by_id

    def expire(self, entry: Entry) -> None:
        """Nobody answered the request before it expired."""
        booking = entry.booking
        if booking.status != BookingStatus.AWAITING_APPROVAL:
            raise SeedRuleBroken("Only a request awaiting approval can expire.")
        self._release(entry)
        booking.status = BookingStatus.EXPIRED

    def session_cancel(
        self, planned: PlannedSession, *, at: datetime, by_id: int, reason: str
    ) -> None:
        """The partnership team cancels the session; everyone booked loses their place."""
        session = planned.session
        session.status = SessionStatus.CANCELLED
        session.cancelled_at = at
        session.cancellation_reason = reason
        session.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
        for entry in self.on(planned, *ACTIVE_STATUSES):
            self._release(entry)
            entry.booking.status = BookingStatus.SESSION_CANCELLED
            entry.booking.cancelled_at = at
            entry.booking.cancelled_by_id = by_id
            entry.booking.cancellation_reason = reason
            entry.changed_at, entry.changed_by_id = at, by_id

    # Registers --------------------------------------------------------------------------

    def mark(
        self, entry: Entry, *, status: str, by_id: int, arrived_at: time | None = None
    ) -> None:
        """Mark the register for one person, a quarter of an hour after the session ends.

        Arriving after the course's cut-off counts as not attending, as the register does.
        """
        booking, planned = entry.booking, entry.planned
        if booking.status != BookingStatus.CONFIRMED or status not in ATTENDANCE_STATUSES:
            raise SeedRuleBroken("Only a confirmed place is marked, as attended or not.")
        marked_at = timezone.localtime(planned.ends_at) + MARKED_AFTER_END
        if marked_at.date() >= timezone.localdate():
            raise SeedRuleBroken("The demo marks registers of sessions before today only.")
        if arrived_at is not None and self._arrived_late(planned, arrived_at):
            status = BookingStatus.NO_SHOW
        booking.status = status
        booking.arrived_at = arrived_at
        booking.attendance_marked_by_id = by_id
        booking.attendance_marked_at = marked_at
        entry.changed_at, entry.changed_by_id = marked_at, by_id
        if status == BookingStatus.ATTENDED:
            self._record(entry, at=marked_at, by_id=by_id)
        elif status == BookingStatus.NO_SHOW:
            self._charge(entry, kind=ChargeKind.NO_SHOW, at=marked_at, by_id=by_id)
            self._no_show(entry, at=marked_at)

    def charge_waive(self, entry: Entry, *, at: datetime, by_id: int, reason: str) -> None:
        """The partnership team waives the booking's charge, with its reason."""
        dated = next(
            d for d in self.dated if isinstance(d.row, Charge) and d.row.booking is entry.booking
        )
        assert isinstance(dated.row, Charge)
        dated.row.waived_at = at
        dated.row.waived_by_id = by_id
        dated.row.waiver_reason = reason
        dated.changed_at, dated.changed_by_id = at, by_id

    # Writing ----------------------------------------------------------------------------

    def write(self) -> None:
        """Insert everything, then put back the times that `auto_now_add` overwrote, and add
        one history row per row, dated and attributed to its latest change."""
        bookings = [entry.booking for entry in self.entries]
        # A colleague's booking points to the one it replaced, so that one goes in first.
        replacements = [b for b in bookings if b.substituted_from is not None]
        Booking.objects.bulk_create(
            [b for b in bookings if b.substituted_from is None], batch_size=BATCH_SIZE
        )
        Booking.objects.bulk_create(replacements, batch_size=BATCH_SIZE)
        for entry in self.entries:
            entry.booking.created_at = entry.created_at
        Booking.objects.bulk_update(bookings, ["created_at"], batch_size=BATCH_SIZE)
        history_add(Booking, [(e.booking, e.changed_at, e.changed_by_id) for e in self.entries])
        dated_write(self.dated)

    # Inside -----------------------------------------------------------------------------

    @staticmethod
    def _key(planned: PlannedSession) -> int:
        assert planned.session.pk is not None, "Sessions are saved before they are booked."
        return planned.session.pk

    def _check_may_book(self, planned: PlannedSession, learner: Learner, *, at: datetime) -> None:
        if self.has_active(planned, learner.user_id):
            raise SeedRuleBroken(f"{learner.email} already has a place on {planned.session}.")
        if not may_book(learner, planned.spec):
            raise SeedRuleBroken(f"{planned.spec.title} is not open to {learner.email}.")
        if self.is_on_hold(learner.user_id):
            raise SeedRuleBroken(f"{learner.email} is on a booking hold.")
        if at >= planned.starts_at:
            raise SeedRuleBroken("Bookings are made before the session starts.")
        if timezone.localdate(at) < learner.start_date:
            raise SeedRuleBroken(f"{learner.email} had not joined {learner.organisation_slug}.")
        opens = planned.session.booking_opens_at
        if opens is not None and at < opens:
            raise SeedRuleBroken(f"Booking for {planned.session} had not opened.")
        for prerequisite in planned.session.course.prerequisites.all():
            done = self.completed.get((learner.user_id, prerequisite.pk))
            if done is None or done >= timezone.localdate(at):
                raise SeedRuleBroken(f"{learner.email} has not done {prerequisite}.")

    def _take_place(
        self, planned: PlannedSession, learner: Learner, *, already_active: bool = False
    ) -> None:
        key = self._key(planned)
        if self.places_left(planned) < 1:
            raise SeedRuleBroken(f"{planned.session} is full.")
        limit = planned.organisation_limit
        if (
            limit is not None
            and self.organisation_places(planned, learner.organisation_id) >= limit
        ):
            raise SeedRuleBroken(f"{learner.organisation_slug} has its share of {planned.session}.")
        self._held[key] += 1
        self._held_by_organisation[(key, learner.organisation_id)] += 1
        if not already_active:
            self._active.add((key, learner.user_id))
        self.courses_taken.add((learner.user_id, planned.session.course.pk))
        self.sessions_booked[learner.user_id] += 1

    def _release(self, entry: Entry) -> None:
        key = self._key(entry.planned)
        if entry.booking.status in PLACE_HOLDING_STATUSES:
            self._held[key] -= 1
            self._held_by_organisation[(key, entry.learner.organisation_id)] -= 1
        self._active.discard((key, entry.learner.user_id))

    def _booking(
        self, planned: PlannedSession, learner: Learner, *, status: str, booked_by_id: int
    ) -> Booking:
        return Booking(
            session=planned.session,
            attendee_id=learner.membership_id,
            user_id=learner.user_id,
            booked_by_id=booked_by_id,
            status=status,
        )

    def _add(
        self,
        booking: Booking,
        learner: Learner,
        planned: PlannedSession,
        *,
        at: datetime,
        changed_at: datetime,
        by: int,
    ) -> Entry:
        entry = Entry(
            booking, learner, planned, created_at=at, changed_at=changed_at, changed_by_id=by
        )
        self.entries.append(entry)
        return entry

    def _arrived_late(self, planned: PlannedSession, arrived_at: time) -> bool:
        start = timezone.localtime(planned.starts_at)
        cutoff = start + timedelta(minutes=planned.session.course.late_arrival_cutoff_minutes)
        return datetime.combine(start.date(), arrived_at, tzinfo=start.tzinfo) > cutoff

    def _charge(self, entry: Entry, *, kind: str, at: datetime, by_id: int) -> None:
        course = entry.planned.session.course
        amount: Decimal = (
            course.no_show_charge if kind == ChargeKind.NO_SHOW else course.late_cancellation_charge
        )
        if amount <= 0:
            return
        charge = Charge(
            booking=entry.booking,
            organisation_id=entry.learner.organisation_id,
            kind=kind,
            amount=amount,
        )
        self.dated.append(Dated(charge, created_at=at, changed_by_id=by_id))

    def _record(self, entry: Entry, *, at: datetime, by_id: int) -> None:
        planned, course = entry.planned, entry.planned.session.course
        completed_on = planned.last_day
        months = planned.expiry_months
        record = TrainingRecord(
            user_id=entry.learner.user_id,
            membership_id=entry.learner.membership_id,
            course=course,
            booking=entry.booking,
            title=course.title,
            cpd_hours=course.cpd_hours,
            completed_on=completed_on,
            expires_on=months_after(completed_on, months) if months else None,
            source=RecordSource.ATTENDANCE,
            created_by_id=by_id,
        )
        self.dated.append(
            Dated(record, created_at=at, changed_by_id=by_id, standards=planned.standards)
        )
        self.completed[(entry.learner.user_id, course.pk)] = completed_on

    def _no_show(self, entry: Entry, *, at: datetime) -> None:
        """Count the non-attendance; enough of them in the window put a hold on the person."""
        user_id, day = entry.learner.user_id, entry.planned.first_day
        window_start = months_after(day, -self.rules.no_show_window_months)
        self._no_shows[user_id].append(day)
        recent = [other for other in self._no_shows[user_id] if window_start < other <= day]
        if len(recent) < self.rules.no_show_hold_threshold or user_id in self._on_hold:
            return
        self._on_hold.add(user_id)
        hold = BookingHold(
            user_id=user_id,
            starts_at=at,
            ends_at=at.astimezone(UTC) + timedelta(days=self.rules.hold_days),
            # Worded as `training.services.holds` words it: "… because you <reason>."
            reason=(
                f"did not attend {len(recent)} sessions in "
                f"{self.rules.no_show_window_months} months"
            ),
        )
        self.dated.append(Dated(hold, created_at=at, changed_by_id=None))


def dated_write(dated: list[Dated]) -> None:
    """Insert the charges, records and holds, put back their creation times (which
    `auto_now_add` overwrote), add their history and the records' standards."""
    charges = [d.row for d in dated if isinstance(d.row, Charge)]
    records = [d.row for d in dated if isinstance(d.row, TrainingRecord)]
    holds = [d.row for d in dated if isinstance(d.row, BookingHold)]
    Charge.objects.bulk_create(charges, batch_size=BATCH_SIZE)
    TrainingRecord.objects.bulk_create(records, batch_size=BATCH_SIZE)
    BookingHold.objects.bulk_create(holds, batch_size=BATCH_SIZE)
    for d in dated:
        if isinstance(d.row, Charge | TrainingRecord):
            d.row.created_at = d.created_at
    Charge.objects.bulk_update(charges, ["created_at"], batch_size=BATCH_SIZE)
    TrainingRecord.objects.bulk_update(records, ["created_at"], batch_size=BATCH_SIZE)
    for model in (Charge, TrainingRecord, BookingHold):
        history_add(
            model,
            [
                (d.row, d.changed_at or d.created_at, d.changed_by_id)
                for d in dated
                if isinstance(d.row, model)
            ],
        )
    through = TrainingRecord.standards.through
    through.objects.bulk_create(
        [
            through(trainingrecord=d.row, trainingstandard=standard)
            for d in dated
            if isinstance(d.row, TrainingRecord)
            for standard in d.standards
        ],
        batch_size=BATCH_SIZE,
    )


def history_add(model: type[Model], rows: list[tuple[Model, datetime, int | None]]) -> None:
    """One history row per row, as if its latest change had been saved by that person then."""
    for row, changed_at, user_id in rows:
        row._history_date = changed_at  # type: ignore[attr-defined]
        row._history_user = User(pk=user_id) if user_id else None  # type: ignore[attr-defined]
    model.history.bulk_history_create(  # type: ignore[attr-defined]
        [row for row, _, _ in rows], batch_size=BATCH_SIZE, default_change_reason=HISTORY_REASON
    )


def organisation_share(capacity: int, share: float) -> int:
    """A soft cap that keeps even a session without an agency-mix rule mixed."""
    return max(2, math.ceil(capacity * share))
