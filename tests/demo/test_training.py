"""The demo training programme (`seed_demo`'s training steps and `--sessions`).

The programme is written with bulk inserts rather than through the booking services, so these
tests hold it to the promises the services keep: capacity, the agency-mix rule, one active
booking per person per session, waiting lists only on full sessions, records only for full
attendance, charges only for late cancellations and non-attendance, holds after repeated
non-attendance. Then each demo account's story, and that a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from demo.training.courses import (
    CP_CONFERENCES,
    DSL_NEW_TO_ROLE,
    GOVERNORS,
    LEVEL_1_ELEARNING,
    WORKING_TOGETHER,
)
from demo.training.dates import months_after
from demo.training.standards import LEVEL_1, LEVEL_2, LEVEL_3
from organisations.enums import MembershipKind, Sector
from organisations.models import Membership
from training.enums import (
    ACTIVE_STATUSES,
    ATTENDANCE_STATUSES,
    PLACE_HOLDING_STATUSES,
    BookingStatus,
    ChargeKind,
    Delivery,
    RecordSource,
    SessionStatus,
)
from training.models import (
    Booking,
    BookingHold,
    BookingRules,
    Charge,
    Course,
    Session,
    SessionPart,
    TrainingRecord,
    TrainingStandard,
)
from training.working_days import is_late_cancellation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_programme")]

PRACTITIONER = "practitioner@demo.example"
MANAGER = "manager@demo.example"


@pytest.fixture(scope="module")
def demo_programme(demo_seeded: None) -> None:
    """The whole demo, seeded once for every module in tests/demo (tests/demo/conftest.py)."""


def _upcoming() -> QuerySet[Session]:
    return Session.objects.filter(starts_at__gt=timezone.now())


def _past() -> QuerySet[Session]:
    return Session.objects.filter(ends_at__lt=timezone.now())


def _places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.annotate(
        held=Count("bookings", filter=Q(bookings__status__in=PLACE_HOLDING_STATUSES)),
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
        offered=Count("bookings", filter=Q(bookings__status=BookingStatus.OFFERED)),
    )


# The rules every booking keeps, here and after --sessions --------------------------------------


def _assert_no_session_over_capacity() -> None:
    assert not _places(Session.objects.all()).filter(held__gt=F("capacity")).exists()


def _assert_waiting_lists_only_on_full_sessions() -> None:
    waiting = _places(Session.objects.all()).filter(waiting__gt=0)
    assert waiting.exists()
    assert not waiting.exclude(held=F("capacity")).exists()


def _assert_agency_mix_kept() -> None:
    """No organisation holds more than its share of a session with an agency-mix rule."""
    for session in Session.objects.filter(mix_max_percent__isnull=False):
        limit = max(1, session.capacity * (session.mix_max_percent or 100) // 100)
        held = Counter(
            session.bookings.holding_places().values_list("attendee__organisation", flat=True)
        )
        assert max(held.values(), default=0) <= limit, session


def _assert_bookings_fit_their_people() -> None:
    """The booking's person is its membership's; the course is open to their sector; the
    membership had started; prerequisites were done first; people on hold booked nothing."""
    bookings = Booking.objects.select_related(
        "attendee__organisation", "session__course"
    ).prefetch_related("session__course__audience_sectors", "session__course__prerequisites")
    records = set(TrainingRecord.objects.values_list("user_id", "course_id"))
    for booking in bookings:
        assert booking.user_id == booking.attendee.user_id
        course = booking.session.course
        sectors = {row.sector for row in course.audience_sectors.all()}
        assert not sectors or booking.attendee.organisation.sector in sectors, booking
        assert booking.attendee.start_date <= timezone.localdate(booking.created_at), booking
        for prerequisite in course.prerequisites.all():
            assert (booking.user_id, prerequisite.pk) in records, booking
    for hold in BookingHold.objects.all():
        assert not Booking.objects.filter(
            user=hold.user, created_at__gte=hold.starts_at, created_at__lt=hold.ends_at
        ).exists()


def _assert_requests_wait_for_someone() -> None:
    """Requests only on courses needing approval, from people with a line manager, expiring
    before the session; approved places on such courses say who approved them."""
    rules = BookingRules.load()
    awaiting = Booking.objects.filter(status=BookingStatus.AWAITING_APPROVAL).select_related(
        "session__course", "attendee"
    )
    assert awaiting.exists()
    for booking in awaiting:
        assert booking.session.course.requires_manager_approval
        assert booking.attendee.line_manager_id is not None
        assert booking.session.starts_at is not None
        assert booking.approval_expires_at == booking.session.starts_at - timedelta(
            hours=rules.approval_expires_hours_before
        )
        assert booking.approval_expires_at > timezone.now()
    approved = Booking.objects.filter(
        session__course__requires_manager_approval=True, status__in=[BookingStatus.CONFIRMED]
    ).select_related("attendee__line_manager")
    for booking in approved:
        line_manager = booking.attendee.line_manager
        assert booking.decided_by_id in {
            line_manager.user_id if line_manager else None,
            booking.booked_by_id,
        }, booking


def _assert_in_order() -> None:
    """Booked before the session and not in the future; decided and cancelled after booking
    and before the session; marked after it; nobody waited while places were free."""
    now = timezone.now()
    for booking in Booking.objects.select_related("session"):
        session = booking.session
        assert session.starts_at is not None
        assert session.ends_at is not None
        assert booking.created_at < min(session.starts_at, now), booking
        for moment in (booking.decided_at, booking.cancelled_at):
            if moment is not None:
                assert booking.created_at <= moment < min(session.starts_at, now), booking
        if booking.attendance_marked_at is not None:
            assert session.ends_at < booking.attendance_marked_at < now, booking
    for session in _places(Session.objects.all()).filter(waiting__gt=0):
        first_waiting = session.bookings.aggregate(Min("waitlisted_at"))["waitlisted_at__min"]
        booked = session.bookings.filter(
            status__in=[BookingStatus.CONFIRMED, BookingStatus.AWAITING_APPROVAL],
            substituted_from__isnull=True,
        )
        assert not booked.filter(created_at__gt=first_waiting).exists(), session


# The programme ---------------------------------------------------------------------------------


def test_standards_with_their_validity_and_levels() -> None:
    """Levels 1 to 3 last three years; level 3 meets 2 and 1; DSL and governors two years;
    school staff's update one year (the compliance steps' standards)."""
    validity = dict(TrainingStandard.objects.values_list("name", "validity_months"))
    assert validity == {
        "Safeguarding children level 1": 36,
        "Safeguarding children level 2": 36,
        "Safeguarding children level 3": 36,
        "Designated safeguarding lead": 24,
        "Governor safeguarding": 24,
        "Safer recruitment": 36,
        "Safeguarding update for school staff": 12,
        "Safeguarding for chairs and link governors": 24,
    }
    level_3 = TrainingStandard.objects.get(slug=LEVEL_3)
    assert set(level_3.satisfies.values_list("slug", flat=True)) == {LEVEL_2, LEVEL_1}


def test_courses_follow_the_published_terms() -> None:
    """Working Together: level 2, multi-agency, a classroom day, free for partners, £40 to
    cancel late and £90 not to come, 3 working days' notice."""
    assert 10 <= Course.objects.count() <= 12
    course = Course.objects.get(slug=WORKING_TOGETHER)
    assert list(course.standards.values_list("slug", flat=True)) == [LEVEL_2]
    assert course.is_multi_agency
    assert course.delivery == Delivery.CLASSROOM
    assert course.length_hours == 6.5
    assert (course.late_cancellation_charge, course.no_show_charge) == (40, 90)
    assert course.cancellation_deadline_working_days == 3
    partner_sectors = {Sector.CHILDRENS_SOCIAL_CARE, Sector.POLICE, Sector.HEALTH_TRUST}
    assert not course.fees.filter(sector__in=partner_sectors).exists()
    conferences = Course.objects.get(slug=CP_CONFERENCES)
    assert conferences.requires_manager_approval
    assert list(conferences.prerequisites.all()) == [course]
    dsl = Course.objects.get(slug=DSL_NEW_TO_ROLE)
    assert list(dsl.audience_sectors.values_list("sector", flat=True)) == [Sector.SCHOOL]


def test_sessions_run_as_their_course_does() -> None:
    """Times mirror the parts; the DSL course has two parts; governors meet online from
    6pm to 8:30pm; online sessions have a .example link, classroom ones a Lewisham venue."""
    bounds = Session.objects.annotate(first=Min("parts__starts_at"), last=Max("parts__ends_at"))
    assert not bounds.exclude(starts_at=F("first"), ends_at=F("last")).exists()
    dsl = Session.objects.filter(course__slug=DSL_NEW_TO_ROLE).annotate(n=Count("parts"))
    assert set(dsl.values_list("n", flat=True)) == {2}
    for part in SessionPart.objects.filter(session__course__slug=GOVERNORS):
        assert timezone.localtime(part.starts_at).strftime("%H:%M") == "18:00"
        assert timezone.localtime(part.ends_at).strftime("%H:%M") == "20:30"
    for session in Session.objects.select_related("course"):
        if session.course.delivery == Delivery.VIRTUAL:
            assert ".example/" in session.joining_link
        else:
            assert "London SE" in session.venue
    assert not Session.objects.filter(course__slug=LEVEL_1_ELEARNING).exists()


def test_six_months_back_and_six_ahead() -> None:
    """Each course that meets runs 2 to 4 sessions in the next six months and has run some
    in the last six."""
    today = timezone.localdate()
    first, last = Session.objects.aggregate(Min("starts_at"), Max("starts_at")).values()
    assert today - timedelta(days=190) <= timezone.localdate(first) < today
    assert today < timezone.localdate(last) <= today + timedelta(days=190)
    ahead = dict(_upcoming().values_list("course__slug").annotate(n=Count("id")).order_by())
    assert set(ahead) == set(
        Course.objects.exclude(delivery=Delivery.ELEARNING).values_list("slug", flat=True)
    )
    assert all(2 <= n <= 4 for n in ahead.values()), ahead
    assert _past().values("course").distinct().count() >= 10


def test_places_are_never_over_allocated() -> None:
    _assert_no_session_over_capacity()
    _assert_waiting_lists_only_on_full_sessions()
    _assert_agency_mix_kept()


def test_bookings_fit_their_people() -> None:
    _assert_bookings_fit_their_people()
    _assert_requests_wait_for_someone()


def test_one_active_booking_per_person_per_session() -> None:
    active = (
        Booking.objects.filter(status__in=ACTIVE_STATUSES)
        .values("session", "user")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not active.exists()


def test_joint_courses_mix_agencies() -> None:
    """A multi-agency session with a room's worth of people brings several agencies and
    sectors together."""
    sessions = Session.objects.filter(course__is_multi_agency=True).annotate(
        held=Count("bookings", filter=Q(bookings__status__in=PLACE_HOLDING_STATUSES)),
        organisations=Count("bookings__attendee__organisation", distinct=True),
        sectors=Count("bookings__attendee__organisation__sector", distinct=True),
    )
    busy = sessions.filter(held__gte=15)
    assert busy.count() >= 10
    assert not busy.filter(Q(organisations__lt=6) | Q(sectors__lt=3)).exists()


def test_everything_happens_in_order() -> None:
    """As it would have happened, and a cancelled session's bookings were made before it was
    cancelled."""
    _assert_in_order()
    cancelled = Session.objects.get(status=SessionStatus.CANCELLED)
    assert cancelled.cancelled_at is not None
    assert not cancelled.bookings.filter(created_at__gte=cancelled.cancelled_at).exists()


def test_a_full_session_has_a_waiting_list_and_an_open_offer() -> None:
    full = _places(_upcoming()).filter(held=F("capacity"), waiting__gt=0)
    assert full.count() >= 2
    offered = Booking.objects.get(status=BookingStatus.OFFERED)
    assert offered.offer_expires_at is not None
    assert offered.offer_expires_at > timezone.now()
    assert full.filter(pk=offered.session_id).exists()


def test_registers_are_marked_except_the_latest() -> None:
    """Sessions ahead have no marks; past ones are marked, except the trainer's latest."""
    assert not Booking.objects.filter(
        session__in=_upcoming(), status__in=ATTENDANCE_STATUSES
    ).exists()
    unmarked = _past().filter(
        bookings__status__in=[
            BookingStatus.CONFIRMED,
            BookingStatus.AWAITING_APPROVAL,
            BookingStatus.WAITLISTED,
            BookingStatus.OFFERED,
        ]
    )
    session = unmarked.distinct().get()
    assert session.trainers.filter(email="trainer@demo.example").exists()
    assert not _past().exclude(pk=session.pk).filter(bookings__status="confirmed").exists()
    marks = Counter(Booking.objects.values_list("status", flat=True))
    assert marks[BookingStatus.ATTENDED] > 10 * marks[BookingStatus.NO_SHOW] > 0
    assert marks[BookingStatus.PARTIALLY_ATTENDED] > 0


def test_records_only_for_full_attendance() -> None:
    """Attending gives one record, completed the day the session ends and expiring after the
    shortest validity of its standards; partial attendance gives none."""
    attended = Booking.objects.filter(status=BookingStatus.ATTENDED)
    assert TrainingRecord.objects.filter(booking__isnull=False).count() == attended.count()
    assert (
        not TrainingRecord.objects.exclude(booking__isnull=True)
        .exclude(booking__status=BookingStatus.ATTENDED)
        .exists()
    )
    records = TrainingRecord.objects.filter(booking__isnull=False).select_related(
        "booking__session__course"
    )
    for record in records.prefetch_related("standards", "booking__session__course__standards"):
        assert record.booking is not None
        session, course = record.booking.session, record.booking.session.course
        assert session.ends_at is not None
        assert record.completed_on == timezone.localdate(session.ends_at)
        assert record.user_id == record.booking.user_id
        assert record.cpd_hours == course.cpd_hours
        assert set(record.standards.all()) == set(course.standards.all())
        months = [s.validity_months for s in record.standards.all() if s.validity_months]
        expected = months_after(record.completed_on, min(months)) if months else None
        assert record.expires_on == expected


def test_earlier_records_expire_by_their_standard() -> None:
    """E-learning and imported records expire after their standard's validity; some have."""
    earlier = (
        TrainingRecord.objects.filter(booking__isnull=True)
        .exclude(source=RecordSource.SHADOWING)
        .prefetch_related("standards")
    )
    assert earlier.count() > 200
    for record in earlier:
        months = min(s.validity_months or 0 for s in record.standards.all())
        assert record.expires_on == months_after(record.completed_on, months)
    assert earlier.filter(expires_on__lt=timezone.localdate()).exists()


def test_charges_only_for_late_cancellation_and_non_attendance() -> None:
    """Each charge is the course's amount, to the attendee's organisation, for a booking
    cancelled after the deadline or not attended; each of those has its charge."""
    kinds = {
        ChargeKind.NO_SHOW: (BookingStatus.NO_SHOW, "no_show_charge"),
        ChargeKind.LATE_CANCELLATION: (
            BookingStatus.LATE_CANCELLED,
            "late_cancellation_charge",
        ),
    }
    charges = Charge.objects.select_related("booking__session__course", "booking__attendee")
    for charge in charges:
        status, amount_field = kinds[ChargeKind(charge.kind)]
        course = charge.booking.session.course
        assert charge.booking.status == status
        assert charge.amount == getattr(course, amount_field)
        assert charge.organisation_id == charge.booking.attendee.organisation_id
    for status, amount_field in kinds.values():
        chargeable = Booking.objects.filter(
            status=status, **{f"session__course__{amount_field}__gt": 0}
        )
        assert chargeable.count() == Charge.objects.filter(booking__status=status).count()
    late = Booking.objects.filter(status=BookingStatus.LATE_CANCELLED).select_related(
        "session__course"
    )
    assert late.count() >= 2
    for booking in late:
        assert booking.cancelled_at is not None
        assert is_late_cancellation(booking.session, at=booking.cancelled_at)
    for booking in Booking.objects.filter(status=BookingStatus.CANCELLED).select_related(
        "session__course"
    ):
        assert booking.cancelled_at is not None
        assert not is_late_cancellation(booking.session, at=booking.cancelled_at)


def test_one_charge_waived_with_a_reason() -> None:
    waived = Charge.objects.get(waived_at__isnull=False)
    assert waived.waiver_reason
    assert waived.waived_by is not None
    assert waived.waived_by.is_partnership_team


def test_repeated_non_attendance_brings_a_hold() -> None:
    """One person did not attend twice in the window and is on hold; nobody else has
    reached the threshold."""
    rules = BookingRules.load()
    hold = BookingHold.objects.get()
    assert hold.starts_at <= timezone.now() < hold.ends_at
    assert hold.ends_at - hold.starts_at == timedelta(days=rules.hold_days)
    window = timedelta(days=31 * rules.no_show_window_months)
    by_person: dict[int, list] = {}
    for user_id, starts_at in Booking.objects.filter(status=BookingStatus.NO_SHOW).values_list(
        "user_id", "session__starts_at"
    ):
        by_person.setdefault(user_id, []).append(starts_at)
    repeated = {
        user_id
        for user_id, days in by_person.items()
        if len(days) >= rules.no_show_hold_threshold and max(days) - min(days) <= window
    }
    assert repeated == {hold.user_id}
    assert not Booking.objects.filter(user=hold.user, session__in=_upcoming()).exists()


def test_one_session_cancelled() -> None:
    session = Session.objects.get(status=SessionStatus.CANCELLED)
    assert session.cancellation_reason
    assert session.starts_at is not None
    assert session.starts_at > timezone.now()
    statuses = set(session.bookings.values_list("status", flat=True))
    assert statuses == {BookingStatus.SESSION_CANCELLED}


def test_a_place_passed_to_a_colleague() -> None:
    replacement = Booking.objects.select_related("substituted_from__attendee", "attendee").get(
        substituted_from__isnull=False
    )
    original = replacement.substituted_from
    assert original is not None
    assert original.status == BookingStatus.CANCELLED
    assert original.attendee.organisation_id == replacement.attendee.organisation_id
    assert not Charge.objects.filter(booking=original).exists()


def test_every_booking_charge_and_record_has_its_history() -> None:
    for model in (Booking, Charge, TrainingRecord, BookingHold):
        history = model.history.values("id").distinct().count()
        assert history == model.objects.count(), model


# The demo accounts' stories --------------------------------------------------------------------


def test_practitioner_has_bookings_a_request_a_waiting_list_and_records() -> None:
    mine = Booking.objects.filter(user__email=PRACTITIONER, session__in=_upcoming())
    statuses = Counter(mine.values_list("status", flat=True))
    assert statuses[BookingStatus.CONFIRMED] >= 2
    assert statuses[BookingStatus.AWAITING_APPROVAL] == 1
    assert statuses[BookingStatus.WAITLISTED] == 1
    waiting = mine.get(status=BookingStatus.WAITLISTED)
    assert _places(Session.objects.filter(pk=waiting.session_id)).get().held == (
        waiting.session.capacity
    )
    records = TrainingRecord.objects.filter(user__email=PRACTITIONER)
    assert records.filter(course__slug=WORKING_TOGETHER, booking__isnull=False).exists()
    assert records.filter(course__slug=LEVEL_1_ELEARNING).exists()


def test_manager_has_requests_from_the_team_to_answer() -> None:
    manager = Membership.objects.get(user__email=MANAGER, kind=MembershipKind.STAFF)
    requests = Booking.objects.filter(
        status=BookingStatus.AWAITING_APPROVAL, attendee__line_manager=manager
    )
    assert requests.count() >= 3
    assert requests.filter(user__email=PRACTITIONER).exists()
    declined = Booking.objects.get(status=BookingStatus.DECLINED)
    assert declined.decided_by == manager.user
    assert declined.decision_reason


def test_governor_is_booked_on_the_governors_evening_by_the_clerk() -> None:
    booking = Booking.objects.get(
        user__email="governor@demo.example", session__course__slug=GOVERNORS
    )
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.attendee.kind == MembershipKind.GOVERNOR
    assert booking.booked_by.email == "clerk@demo.example"


def test_trainers_include_partner_agencies() -> None:
    trainers = Session.objects.values_list("trainers__email", flat=True).distinct()
    assert "trainer@demo.example" in trainers
    domains = {email.split("@")[1] for email in trainers}
    assert len(domains) >= 5
    assert not Session.objects.filter(trainers__is_trainer=False).exists()


# Running it again, and at scale ----------------------------------------------------------------


def _snapshot() -> dict[str, object]:
    return {
        "standards": sorted(TrainingStandard.objects.values_list("slug", "validity_months")),
        "satisfies": sorted(
            TrainingStandard.satisfies.through.objects.values_list(
                "from_trainingstandard__slug", "to_trainingstandard__slug"
            )
        ),
        "courses": sorted(Course.objects.values_list("slug", "title", "no_show_charge")),
        "sessions": sorted(
            Session.objects.values_list("course__slug", "starts_at", "status", "capacity")
        ),
        "parts": SessionPart.objects.count(),
        "bookings": sorted(
            Booking.objects.values_list(
                "session__starts_at", "user__email", "status", "created_at"
            ),
            key=str,
        ),
        "charges": sorted(Charge.objects.values_list("booking__user__email", "kind", "amount")),
        "records": sorted(
            TrainingRecord.objects.values_list("user__email", "title", "completed_on"), key=str
        ),
        "holds": list(BookingHold.objects.values_list("user__email", "starts_at")),
        "history": Booking.history.count(),
    }


def test_second_run_changes_nothing() -> None:
    before = _snapshot()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert _snapshot() == before


def test_sessions_option_adds_upcoming_sessions_under_the_same_rules() -> None:
    """--sessions N adds N sessions ahead, a third or so full with a waiting list, keeping
    every rule the programme keeps."""
    before = set(Session.objects.values_list("pk", flat=True))
    call_command("seed_demo", "--force", "--sessions", "60", stdout=StringIO())
    added = Session.objects.exclude(pk__in=before)
    assert added.count() == 60
    assert not added.filter(starts_at__lte=timezone.now()).exists()
    assert Booking.objects.filter(session__in=added).count() > 60 * 5
    assert _places(added).filter(held=F("capacity"), waiting__gt=0).count() >= 5
    _assert_no_session_over_capacity()
    _assert_waiting_lists_only_on_full_sessions()
    _assert_agency_mix_kept()
    _assert_bookings_fit_their_people()
    _assert_requests_wait_for_someone()
    _assert_in_order()
