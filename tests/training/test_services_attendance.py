"""Marking attendance: what each mark does from each earlier mark, the late-arrival cut-off,
training records and their expiry, and what not attending costs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    CourseFeeFactory,
    SessionFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, ChargeKind, NotificationKind, RecordSource
from training.models import (
    Booking,
    BookingHold,
    Charge,
    Course,
    NotificationLog,
    Session,
    TrainingRecord,
)
from training.services.attendance import (
    CORRECTED_WAIVER_REASON,
    arrival_is_late,
    attendance_mark,
    register_mark,
)

pytestmark = pytest.mark.django_db

ATTENDED = BookingStatus.ATTENDED
PARTIAL = BookingStatus.PARTIALLY_ATTENDED
NO_SHOW = BookingStatus.NO_SHOW
CONFIRMED = BookingStatus.CONFIRMED


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def trainer() -> User:
    return UserFactory.create(trainer=True)


@pytest.fixture
def course() -> Course:
    """A course meeting a 3-year and a 1-year standard, charging £50 for not attending."""
    course = CourseFactory.create(no_show_charge=Decimal("50.00"), late_arrival_cutoff_minutes=20)
    course.standards.set(
        [
            TrainingStandardFactory.create(validity_months=36),
            TrainingStandardFactory.create(validity_months=12),
            TrainingStandardFactory.create(validity_months=None),
        ]
    )
    return course


@pytest.fixture
def session(course: Course, trainer: User) -> Session:
    """Yesterday, 9:30am to 4:30pm UK time."""
    yesterday = timezone.localdate() - timedelta(days=1)
    session = SessionFactory.create(
        course=course, parts=[(_local(yesterday, 9, 30), _local(yesterday, 16, 30))]
    )
    session.trainers.add(trainer)
    return session


@pytest.fixture
def booking(session: Session) -> Booking:
    return BookingFactory.create(session=session)


def _no_show_charge(booking: Booking) -> Charge | None:
    return Charge.objects.filter(booking=booking, kind=ChargeKind.NO_SHOW).first()


# The state table -----------------------------------------------------------------------------


@pytest.mark.parametrize("before", [CONFIRMED, ATTENDED, PARTIAL, NO_SHOW])
@pytest.mark.parametrize("after", [ATTENDED, PARTIAL, NO_SHOW])
def test_marking_from_each_earlier_mark(
    booking: Booking, trainer: User, before: str, after: str
) -> None:
    """Each mark leaves exactly what it should: a record only for attended, a standing charge
    only for did not attend, and a waived charge when "did not attend" was corrected."""
    if before != CONFIRMED:
        attendance_mark(booking=booking, status=before, marked_by=trainer)

    marked = attendance_mark(booking=booking, status=after, marked_by=trainer)

    assert marked.status == after
    assert TrainingRecord.objects.filter(booking=booking).exists() is (after == ATTENDED)
    charge = _no_show_charge(booking)
    if after == NO_SHOW:
        assert charge is not None
        assert charge.waived_at is None
    elif before == NO_SHOW:
        assert charge is not None
        assert charge.waived_at is not None
        assert charge.waiver_reason == CORRECTED_WAIVER_REASON
    else:
        assert charge is None
    marked.refresh_from_db()
    assert marked.attendance_marked_by == trainer
    assert marked.attendance_marked_at is not None


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.AWAITING_APPROVAL,
        BookingStatus.WAITLISTED,
        BookingStatus.OFFERED,
        BookingStatus.DECLINED,
        BookingStatus.EXPIRED,
        BookingStatus.CANCELLED,
        BookingStatus.LATE_CANCELLED,
        BookingStatus.SESSION_CANCELLED,
    ],
)
def test_only_booked_people_can_be_marked(session: Session, trainer: User, status: str) -> None:
    """Someone not (or no longer) booked on the session has no attendance to mark."""
    booking = BookingFactory.create(session=session, status=status)
    with pytest.raises(ValidationError, match="is not booked on this session"):
        attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    booking.refresh_from_db()
    assert booking.status == status
    assert not TrainingRecord.objects.exists()


def test_not_before_the_session_starts(trainer: User) -> None:
    """A register is marked once the session has started, not before."""
    booking = BookingFactory.create(session=SessionFactory.create())
    booking.session.trainers.add(trainer)
    with pytest.raises(ValidationError, match="once the session has started"):
        attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    booking.refresh_from_db()
    assert booking.status == CONFIRMED


def test_from_the_moment_the_session_starts(booking: Booking, trainer: User) -> None:
    """Marking is open from the start time itself (people sign in as they arrive)."""
    start = booking.session.starts_at
    marked = attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer, now=start)
    assert marked.status == ATTENDED


def test_not_on_a_cancelled_session(booking: Booking, trainer: User) -> None:
    """A cancelled session has no register."""
    Session.objects.filter(pk=booking.session_id).update(status="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)


def test_marking_the_same_again_changes_nothing(booking: Booking, trainer: User) -> None:
    """Saving the register twice gives one record, and no second history entry."""
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    history = booking.history.count()
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    assert TrainingRecord.objects.filter(booking=booking).count() == 1
    assert booking.history.count() == history


# Late arrival --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "arrived_at", "result"),
    [
        pytest.param(ATTENDED, None, ATTENDED, id="no-time"),
        pytest.param(ATTENDED, time(9, 15), ATTENDED, id="early"),
        pytest.param(ATTENDED, time(9, 50), ATTENDED, id="at-the-cut-off"),
        pytest.param(ATTENDED, time(9, 51), NO_SHOW, id="after-the-cut-off"),
        pytest.param(ATTENDED, time(13, 0), NO_SHOW, id="after-lunch"),
        pytest.param(PARTIAL, time(9, 40), PARTIAL, id="partial-on-time"),
        pytest.param(PARTIAL, time(10, 30), NO_SHOW, id="partial-late"),
        pytest.param(NO_SHOW, time(9, 40), NO_SHOW, id="no-show-stays"),
    ],
)
def test_arriving_after_the_cut_off_counts_as_not_attending(
    booking: Booking, trainer: User, chosen: str, arrived_at: time | None, result: str
) -> None:
    """Arriving more than the course's cut-off (20 minutes) after a 9:30am start counts as
    did not attend, whatever was chosen; the arrival time is kept."""
    marked = attendance_mark(
        booking=booking, status=chosen, marked_by=trainer, arrived_at=arrived_at
    )
    assert marked.status == result
    assert marked.arrived_at == arrived_at
    assert TrainingRecord.objects.filter(booking=booking).exists() is (result == ATTENDED)
    assert (_no_show_charge(booking) is not None) is (result == NO_SHOW)


def test_the_cut_off_follows_the_course(booking: Booking) -> None:
    """A course with a 45-minute cut-off lets a 10:10 arrival count."""
    Course.objects.filter(pk=booking.session.course_id).update(late_arrival_cutoff_minutes=45)
    session = Session.objects.select_related("course").get(pk=booking.session_id)
    assert not arrival_is_late(session=session, arrived_at=time(10, 10))
    assert arrival_is_late(session=session, arrived_at=time(10, 16))


# Training records ----------------------------------------------------------------------------


def test_attending_creates_the_training_record(booking: Booking, trainer: User) -> None:
    """The record names the person, membership, course and booking, carries the course's
    standards and CPD hours, is completed on the session's last day, and expires after the
    shortest validity among the standards that expire."""
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    record = TrainingRecord.objects.get(booking=booking)
    course = booking.session.course
    completed = timezone.localdate(booking.session.ends_at)
    assert record.user == booking.user
    assert record.membership == booking.attendee
    assert record.course == course
    assert record.title == course.title
    assert record.cpd_hours == course.cpd_hours
    assert record.source == RecordSource.ATTENDANCE
    assert record.completed_on == completed
    leap_day = (completed.month, completed.day) == (2, 29)
    a_year_on = date(completed.year + 1, completed.month, 28 if leap_day else completed.day)
    assert record.expires_on == a_year_on
    assert set(record.standards.all()) == set(course.standards.all())
    assert record.created_by == trainer


def test_a_record_ends_on_the_last_day_of_a_two_day_session(trainer: User) -> None:
    """A course over two days is completed on the second day."""
    course = CourseFactory.create()
    course.standards.add(TrainingStandardFactory.create(validity_months=24))
    parts = [
        (_local(date(2025, 1, 30), 9, 30), _local(date(2025, 1, 30), 16, 30)),
        (_local(date(2025, 1, 31), 9, 30), _local(date(2025, 1, 31), 16, 30)),
    ]
    booking = BookingFactory.create(session=SessionFactory.create(course=course, parts=parts))
    booking.session.trainers.add(trainer)
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    record = TrainingRecord.objects.get(booking=booking)
    assert record.completed_on == date(2025, 1, 31)
    assert record.expires_on == date(2027, 1, 31)


def test_expiry_from_a_month_end_lands_on_the_shorter_months_last_day(trainer: User) -> None:
    """31 January plus one month is 28 February."""
    course = CourseFactory.create()
    course.standards.add(TrainingStandardFactory.create(validity_months=1))
    day = date(2025, 1, 31)
    booking = BookingFactory.create(
        session=SessionFactory.create(course=course, parts=[(_local(day, 9), _local(day, 12))])
    )
    booking.session.trainers.add(trainer)
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    assert TrainingRecord.objects.get(booking=booking).expires_on == date(2025, 2, 28)


def test_a_course_without_expiring_standards_gives_a_lasting_record(trainer: User) -> None:
    """With no standard that expires, the record does not expire."""
    session = SessionFactory.create(course=CourseFactory.create(), parts__days_ahead=-1)
    session.trainers.add(trainer)
    booking = BookingFactory.create(session=session)
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    record = TrainingRecord.objects.get(booking=booking)
    assert record.expires_on is None
    assert not record.standards.exists()


def test_partial_attendance_gives_no_record(booking: Booking, trainer: User) -> None:
    """Only full attendance counts towards a standard (and a certificate)."""
    attendance_mark(booking=booking, status=PARTIAL, marked_by=trainer)
    assert not TrainingRecord.objects.exists()
    assert _no_show_charge(booking) is None


def test_changes_are_attributed(booking: Booking, trainer: User) -> None:
    """The booking's and the record's history say who marked them."""
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    attendance_mark(booking=booking, status=NO_SHOW, marked_by=trainer)
    latest = booking.history.first()
    assert latest is not None
    assert latest.status == NO_SHOW
    assert latest.history_user == trainer
    record_history = TrainingRecord.history.filter(booking_id=booking.pk).order_by("history_date")
    # Created, its standards recorded (a change), then removed when the mark was corrected.
    assert [entry.history_type for entry in record_history] == ["+", "~", "-"]
    assert all(entry.history_user == trainer for entry in record_history)


# Not attending -------------------------------------------------------------------------------


def test_not_attending_charges_the_home_organisation(booking: Booking, trainer: User) -> None:
    """The course's did-not-attend charge goes to the attendee's organisation."""
    attendance_mark(booking=booking, status=NO_SHOW, marked_by=trainer)
    charge = _no_show_charge(booking)
    assert charge is not None
    assert charge.amount == Decimal("50.00")
    assert charge.organisation == booking.attendee.organisation


def test_a_course_that_charges_nothing_makes_no_charge(trainer: User) -> None:
    """A free course with no did-not-attend charge records the absence, and nothing more."""
    session = SessionFactory.create(course=CourseFactory.create(), parts__days_ahead=-1)
    session.trainers.add(trainer)
    booking = BookingFactory.create(session=session)
    marked = attendance_mark(booking=booking, status=NO_SHOW, marked_by=trainer)
    assert marked.status == NO_SHOW
    assert not Charge.objects.exists()


def test_not_attending_emails_the_person_and_their_manager(
    session: Session, trainer: User, django_capture_on_commit_callbacks: Any
) -> None:
    """A did-not-attend email is queued for the learner and their line manager."""
    manager = MembershipFactory.create()
    attendee = MembershipFactory.create(organisation=manager.organisation, line_manager=manager)
    booking = BookingFactory.create(session=session, attendee=attendee)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(booking=booking, status=NO_SHOW, marked_by=trainer)
    sent_to = set(
        NotificationLog.objects.filter(booking=booking, kind=NotificationKind.NO_SHOW).values_list(
            "recipient", flat=True
        )
    )
    assert sent_to == {attendee.user.email, manager.user.email}


def test_a_second_absence_puts_a_booking_hold_on_the_person(
    course: Course, booking: Booking, trainer: User
) -> None:
    """Two did-not-attends within the window (the default rules: 2 in 12 months) stop the
    person booking for a while; one does not."""
    attendance_mark(booking=booking, status=NO_SHOW, marked_by=trainer)
    assert not BookingHold.objects.filter(user=booking.user).exists()

    last_month = timezone.localdate() - timedelta(days=30)
    earlier = SessionFactory.create(
        course=course, parts=[(_local(last_month, 9, 30), _local(last_month, 16, 30))]
    )
    earlier.trainers.add(trainer)
    second = BookingFactory.create(session=earlier, attendee=booking.attendee)
    attendance_mark(booking=second, status=NO_SHOW, marked_by=trainer)

    hold = BookingHold.objects.get(user=booking.user)
    assert hold.ends_at > timezone.now()


# A whole register ----------------------------------------------------------------------------


def test_register_marks_everyone_at_once(session: Session, trainer: User) -> None:
    """Each person gets their mark; the count says how many changed."""
    came, left_early, absent, unmarked = BookingFactory.create_batch(4, session=session)
    changed = register_mark(
        session=session,
        marks={
            came.pk: (ATTENDED, time(9, 25)),
            left_early.pk: (PARTIAL, None),
            absent.pk: (NO_SHOW, None),
        },
        marked_by=trainer,
    )
    assert changed == 3
    statuses = dict(Booking.objects.filter(session=session).values_list("pk", "status"))
    assert statuses == {
        came.pk: ATTENDED,
        left_early.pk: PARTIAL,
        absent.pk: NO_SHOW,
        unmarked.pk: CONFIRMED,
    }
    assert (
        register_mark(session=session, marks={came.pk: (ATTENDED, time(9, 25))}, marked_by=trainer)
        == 0
    )


def test_register_is_all_or_nothing(session: Session, trainer: User) -> None:
    """One mark that cannot be made (someone from another session) saves none of them."""
    here = BookingFactory.create(session=session)
    elsewhere = BookingFactory.create(session=SessionFactory.create(parts__days_ahead=-1))
    with pytest.raises(ValidationError, match="no longer booked on the session"):
        register_mark(
            session=session,
            marks={here.pk: (ATTENDED, None), elsewhere.pk: (ATTENDED, None)},
            marked_by=trainer,
        )
    here.refresh_from_db()
    assert here.status == CONFIRMED
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("who", ["another-trainer", "practitioner"])
def test_only_the_session_s_trainers_and_the_team_mark_it(booking: Booking, who: str) -> None:
    """The service checks who is marking, whatever page called it."""
    user = UserFactory.create(trainer=True) if who == "another-trainer" else booking.user
    with pytest.raises(ValidationError, match="Only the session's trainers"):
        attendance_mark(booking=booking, status=ATTENDED, marked_by=user)
    team = UserFactory.create(partnership_team=True)
    assert attendance_mark(booking=booking, status=ATTENDED, marked_by=team).status == ATTENDED


def test_register_refuses_a_status_that_is_not_a_mark(booking: Booking, trainer: User) -> None:
    """Only attended, partially attended and did not attend are marks."""
    with pytest.raises(ValidationError, match="Choose attended"):
        register_mark(
            session=booking.session,
            marks={booking.pk: (BookingStatus.CANCELLED, None)},
            marked_by=trainer,
        )


@pytest.mark.parametrize(
    ("sector", "fee", "status", "charged"),
    [
        ("other", "95.00", ATTENDED, "95.00"),
        ("other", "95.00", PARTIAL, "95.00"),
        ("other", "95.00", NO_SHOW, None),
        ("childrens_social_care", None, ATTENDED, None),
    ],
)
def test_course_fee_is_charged_to_organisations_whose_sector_pays(
    session: Session, trainer: User, sector: str, fee: str | None, status: str, charged: str | None
) -> None:
    """An organisation whose sector has a fee on the course pays it when its person is trained;
    partner sectors without a fee pay nothing."""
    booking = BookingFactory.create(session=session, attendee__organisation__sector=sector)
    if fee:
        CourseFeeFactory.create(course=session.course, sector=sector, amount=Decimal(fee))
    attendance_mark(booking=booking, status=status, marked_by=trainer)
    fee_charge = Charge.objects.filter(booking=booking, kind=ChargeKind.FEE).first()
    assert (str(fee_charge.amount) if fee_charge else None) == charged


def test_correcting_attended_to_no_show_withdraws_the_fee(session: Session, trainer: User) -> None:
    """A fee charged for a wrong "attended" mark is waived when the register is corrected."""
    booking = BookingFactory.create(session=session, attendee__organisation__sector="other")
    CourseFeeFactory.create(course=session.course, sector="other", amount=Decimal("95"))
    attendance_mark(booking=booking, status=ATTENDED, marked_by=trainer)
    attendance_mark(booking=booking, status=NO_SHOW, marked_by=trainer)
    fee = Charge.objects.get(booking=booking, kind=ChargeKind.FEE)
    assert fee.waived_at is not None
    assert fee.waiver_reason == "Attendance corrected: the person was not trained."
