"""My training: what a person must hold and what would satisfy it, their governor declaration,
bookings, requests, waiting lists, past sessions, records, evidence and hold; and the links
that lead to the training pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from compliance.models import ComplianceRules
from evidence.enums import EvidenceStatus
from organisations.enums import GovernorRole, MembershipKind, Sector
from organisations.models import Membership
from tests.accounts.factories import enrol_totp
from tests.certificates.factories import CertificateFactory
from tests.compliance.factories import GovernorDeclarationFactory, RequirementFactory
from tests.evaluations.factories import InvitationFactory
from tests.evidence.factories import ExternalEvidenceFactory
from tests.organisations.factories import MembershipFactory
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    TrainingRecordFactory,
    TrainingStandardFactory,
)
from training.enums import BookingStatus, Delivery, RecordSource
from training.models import BookingHold, TrainingRecord

pytestmark = pytest.mark.django_db

MY_TRAINING = reverse("compliance:my_training")
TODAY = timezone.localdate()
LONG_AGO = TODAY - timedelta(days=4 * 365)


@pytest.fixture
def practitioner(client: Client, db: None) -> Membership:
    membership = MembershipFactory(user__first_name="Pat")
    client.force_login(membership.user)
    return membership


def _past_session(days_ago: int, **kwargs: Any) -> Any:
    start = timezone.now() - timedelta(days=days_ago)
    return SessionFactory(parts=[(start, start + timedelta(hours=3))], **kwargs)


def _record(membership: Membership, title: str, **kwargs: Any) -> TrainingRecord:
    return TrainingRecord.objects.create(
        user=membership.user,
        membership=membership,
        title=title,
        cpd_hours=Decimal("6"),
        completed_on=kwargs.pop("completed_on", date(2026, 3, 12)),
        source=kwargs.pop("source", RecordSource.ATTENDANCE),
        **kwargs,
    )


def test_my_training_needs_signing_in(client: Client, db: None) -> None:
    response = client.get(MY_TRAINING)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))


def test_my_training_sorts_bookings_by_what_happens_next(
    client: Client, practitioner: Membership
) -> None:
    """Each booking appears in its section; other people's bookings and old cancellations do
    not."""
    now = timezone.now()
    confirmed = BookingFactory(
        attendee=practitioner,
        session__course__title="Working Together",
        session__parts__days_ahead=9,
    )
    awaiting = BookingFactory(
        attendee=practitioner,
        status=BookingStatus.AWAITING_APPROVAL,
        session__course__title="Conferences and core groups",
    )
    busy = SessionFactory(course__title="Neglect")
    BookingFactory(
        session=busy, status=BookingStatus.WAITLISTED, waitlisted_at=now - timedelta(hours=2)
    )
    waiting = BookingFactory(
        session=busy, attendee=practitioner, status=BookingStatus.WAITLISTED, waitlisted_at=now
    )
    offered = BookingFactory(
        attendee=practitioner,
        status=BookingStatus.OFFERED,
        offer_expires_at=now + timedelta(hours=48),
        session__course__title="Domestic abuse",
    )
    attended = BookingFactory(
        attendee=practitioner,
        session=_past_session(30, course=CourseFactory(title="Information sharing")),
        status=BookingStatus.ATTENDED,
    )
    no_show = BookingFactory(
        attendee=practitioner,
        session=_past_session(60, course=CourseFactory(title="Level 2 refresher")),
        status=BookingStatus.NO_SHOW,
    )
    BookingFactory(attendee=practitioner, status=BookingStatus.CANCELLED)
    BookingFactory(session__course__title="Someone else's course")

    response = client.get(MY_TRAINING)

    training = response.context["training"]
    assert training.upcoming == [confirmed]
    assert training.awaiting_approval == [awaiting]
    assert training.waiting == [waiting]
    assert training.waiting[0].waiting_position == 2
    assert training.offers == [offered]
    assert training.past == [attended, no_show]
    content = response.content.decode()
    assert reverse("training:booking_ics", kwargs={"pk": confirmed.pk}) in content
    assert reverse("training:booking_cancel", kwargs={"pk": confirmed.pk}) in content
    assert "you are number 2 on the list" in content
    assert "Did not attend" in content
    assert "Someone else" not in content


def test_my_training_lists_records_and_a_booking_hold(
    client: Client, practitioner: Membership
) -> None:
    level_3 = TrainingStandardFactory(name="Safeguarding children level 3")
    record = _record(practitioner, "Child protection conferences", expires_on=date(2029, 3, 12))
    record.standards.add(level_3)
    _record(practitioner, "Safer recruitment", source=RecordSource.EXTERNAL)
    now = timezone.now()
    BookingHold.objects.create(
        user=practitioner.user,
        starts_at=now - timedelta(days=2),
        ends_at=now + timedelta(days=88),
        reason="You did not attend 2 sessions in 12 months.",
    )

    content = client.get(MY_TRAINING).content.decode()

    assert "Child protection conferences" in content
    assert "Meets: Safeguarding children level 3" in content
    assert "12 March 2029" in content
    assert "Training elsewhere, verified" in content
    assert "Does not expire" in content
    assert "You cannot book training until" in content


def test_my_training_with_nothing_yet_says_where_to_start(
    client: Client, practitioner: Membership
) -> None:
    content = client.get(MY_TRAINING).content.decode()
    assert "You are not booked on any sessions." in content
    assert reverse("training:catalogue") in content
    assert "You have no training records yet." in content


def test_my_training_query_count_does_not_grow_with_bookings(
    client: Client, practitioner: Membership, django_assert_num_queries: Any
) -> None:
    """My training costs the same queries with one of everything as with five."""
    standard = TrainingStandardFactory()

    def add_each() -> None:
        BookingFactory(attendee=practitioner)
        BookingFactory(attendee=practitioner, status=BookingStatus.AWAITING_APPROVAL)
        BookingFactory(
            attendee=practitioner,
            status=BookingStatus.WAITLISTED,
            waitlisted_at=timezone.now(),
        )
        BookingFactory(
            attendee=practitioner, session=_past_session(10), status=BookingStatus.ATTENDED
        )
        _record(practitioner, "A course").standards.add(standard)

    add_each()
    client.get(MY_TRAINING)
    with CaptureQueriesContext(connection) as few:
        client.get(MY_TRAINING)
    for _ in range(4):
        add_each()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(MY_TRAINING)
    assert len(response.context["training"].upcoming) == 5


# Getting there ---------------------------------------------------------------------------------


def _navigation(response: Any) -> list[str]:
    return [item.text for item in response.context["service_navigation"]]


def test_navigation_offers_courses_and_my_training(
    client: Client, practitioner: Membership
) -> None:
    response = client.get(reverse("home"))
    navigation = _navigation(response)
    assert navigation[:3] == ["Home", "Courses", "My training"]
    assert "Approvals" not in navigation
    content = response.content.decode()
    assert "Find and book a course" in content
    assert "See your training" in content
    assert "Answer requests for training" not in content


def test_navigation_offers_approvals_to_line_managers_and_coordinators(
    client: Client, db: None
) -> None:
    manager = MembershipFactory()
    MembershipFactory(organisation=manager.organisation, line_manager=manager)
    coordinator = MembershipFactory(coordinator=True)
    enrol_totp(coordinator.user)
    for user in (manager.user, coordinator.user):
        client.force_login(user)
        response = client.get(reverse("home"))
        assert "Approvals" in _navigation(response)
        assert "Answer requests for training" in response.content.decode()


def test_current_page_is_marked_in_the_navigation(client: Client, practitioner: Membership) -> None:
    response = client.get(MY_TRAINING)
    current = [item.text for item in response.context["service_navigation"] if item.current]
    assert current == ["My training"]


# What you need to hold -------------------------------------------------------------------------


@pytest.fixture
def levels(db: None) -> dict[int, Any]:
    """Levels 1 and 2 (level 2 satisfies level 1), valid for three years."""
    ComplianceRules.load()
    level_1 = TrainingStandardFactory(name="Safeguarding level 1", slug="level-1")
    level_2 = TrainingStandardFactory(name="Safeguarding level 2", slug="level-2")
    level_2.satisfies.add(level_1)
    return {1: level_1, 2: level_2}


def _long_standing(membership: Membership) -> Membership:
    membership.start_date = LONG_AGO
    membership.save()
    return membership


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def test_what_you_need_to_hold_lists_each_requirement_with_dates(
    client: Client, practitioner: Membership, levels: dict[int, Any]
) -> None:
    """Each requirement under the membership it applies to, with its standard, status, when it
    was last met, when it expires and what changes next."""
    _long_standing(practitioner)
    RequirementFactory(name="Level 1 for everyone", standard=levels[1], applies_from=LONG_AGO)
    RequirementFactory(name="Level 2 for everyone", standard=levels[2], applies_from=LONG_AGO)
    met_on = TODAY - relativedelta(months=6)
    TrainingRecordFactory(user=practitioner.user, standards=[levels[1]], completed_on=met_on)

    response = client.get(MY_TRAINING)

    content = response.content.decode()
    assert content.index("What you need to hold") < content.index("Upcoming")
    heading = f"{practitioner.organisation.name}: Staff"
    assert heading in content
    level_1 = content[content.index("Level 1 for everyone") : content.index("Level 2 for everyone")]
    assert "Safeguarding level 1" in level_1
    assert "In date" in level_1
    assert _day(met_on) in level_1
    expires_on = met_on + relativedelta(months=36)
    assert _day(expires_on) in level_1
    assert f"Due soon from {_day(expires_on - timedelta(days=60))}" in level_1
    assert "How to meet it" not in level_1
    level_2 = content[content.index("Level 2 for everyone") :]
    assert "Missing" in level_2
    assert "Now: you have not done it yet" in level_2
    assert "How to meet it" in level_2


def test_suggests_sessions_that_would_satisfy_a_missing_requirement(
    client: Client, practitioner: Membership, levels: dict[int, Any]
) -> None:
    _long_standing(practitioner)
    RequirementFactory(name="Level 1 for everyone", standard=levels[1], applies_from=LONG_AGO)
    course = CourseFactory(title="Working Together level 2")
    course.standards.set([levels[2]])  # meets level 1 too
    session = SessionFactory(course=course, venue="Laurence House\nRoom 2")
    elearning = CourseFactory(title="Level 1 online", delivery=Delivery.ELEARNING)
    elearning.standards.set([levels[1]])

    content = client.get(MY_TRAINING).content.decode()

    assert f'href="{session.get_absolute_url()}">Book a place' in content
    assert "Laurence House" in content
    assert "Room 2" not in content  # only booked people see the room
    assert f'href="{elearning.get_absolute_url()}">Level 1 online</a>: e-learning' in content
    assert f"{reverse('training:catalogue')}?standard=level-1" in content


def test_a_new_starter_sees_when_to_complete_by(
    client: Client, practitioner: Membership, levels: dict[int, Any]
) -> None:
    RequirementFactory(standard=levels[1], applies_from=LONG_AGO, grace_months=3)
    content = client.get(MY_TRAINING).content.decode()
    grace_ends_on = practitioner.start_date + relativedelta(months=3)
    assert f"New starter: complete by {_day(grace_ends_on)}" in content
    assert "There are no dates for this training at the moment." in content


def test_a_governor_declares_from_my_training(client: Client, levels: dict[int, Any]) -> None:
    governor = MembershipFactory(
        governor=True,
        governor_role=GovernorRole.CHAIR,
        organisation__name="Brockley Primary School",
        organisation__sector=Sector.SCHOOL,
        start_date=LONG_AGO,
    )
    RequirementFactory(
        name="Chair's safeguarding",
        standard=levels[2],
        membership_kind=MembershipKind.GOVERNOR,
        governor_role=GovernorRole.CHAIR,
        applies_from=LONG_AGO,
    )
    client.force_login(governor.user)
    rules = ComplianceRules.load()

    content = client.get(MY_TRAINING).content.decode()

    assert "Brockley Primary School: Parent governor, Chair" in content
    assert "Chair&#x27;s safeguarding" in content
    action = reverse("compliance:declaration", kwargs={"membership_pk": governor.pk})
    assert f'action="{action}"' in content
    assert f"I have read {rules.guidance_edition}" in content
    assert rules.guidance_url in content

    GovernorDeclarationFactory(membership=governor, edition=rules.guidance_edition)
    content = client.get(MY_TRAINING).content.decode()
    assert f"You have read {rules.guidance_edition} on {_day(TODAY)}." in content
    assert f'action="{action}"' not in content


def test_lists_evidence_of_training_elsewhere_with_its_status(
    client: Client, practitioner: Membership
) -> None:
    ExternalEvidenceFactory(membership=practitioner, title="Level 2 with my last employer")
    ExternalEvidenceFactory(
        membership=practitioner,
        title="Level 1 online",
        status=EvidenceStatus.REJECTED,
        decided_at=timezone.now(),
        rejection_reason="The certificate has no date on it.",
    )
    ExternalEvidenceFactory(title="Someone else's evidence")

    content = client.get(MY_TRAINING).content.decode()

    assert "Level 2 with my last employer" in content
    assert "Waiting for verification" in content
    assert "The certificate has no date on it." in content
    assert "Someone else" not in content
    assert reverse("evidence:new") in content
    assert "Tell us about training you did elsewhere" in content


# My training, with bookings, requirements and suggestions, costs 17 queries. Nine were there
# before "What you need to hold": the session, the user, the MFA check, open bookings and their
# session parts, past bookings, training records, any booking hold and the booking rules. Eight
# are for it: the compliance rules, memberships, requirement rows with dates, the satisfying
# courses, their next sessions, the person's bookings on them, governor declarations and the
# evidence list; the sections of evaluations (to answer, follow-ups for one's staff, and the
# answered ones), certificates and shadowing's counts. (The rules' row already exists, as on a
# running site. Records' standards and past sessions' parts are prefetched only when there
# are some.)
MY_TRAINING_QUERIES = 22


def test_my_training_query_count_is_fixed_with_requirements_and_suggestions(
    client: Client, practitioner: Membership, levels: dict[int, Any], django_assert_num_queries: Any
) -> None:
    """The same queries with one membership, requirement, course and session as with many."""
    _long_standing(practitioner)

    def add_each(n: int) -> None:
        membership = MembershipFactory(user=practitioner.user, start_date=LONG_AGO)
        MembershipFactory(user=practitioner.user, governor=True, start_date=LONG_AGO)
        standard = TrainingStandardFactory(name=f"Standard {n}")
        RequirementFactory(standard=standard, applies_from=LONG_AGO)
        for level in (levels[1], standard):
            course = CourseFactory()
            course.standards.set([level])
            booking = BookingFactory(attendee=membership, session=SessionFactory(course=course))
            SessionFactory(course=course, parts__days_ahead=40)
            InvitationFactory(booking=booking)
        ExternalEvidenceFactory(membership=membership)
        CertificateFactory(holder=practitioner.user)

    RequirementFactory(standard=levels[1], applies_from=LONG_AGO)
    add_each(0)
    client.get(MY_TRAINING)
    with django_assert_num_queries(MY_TRAINING_QUERIES):
        few = client.get(MY_TRAINING)
    for n in range(1, 4):
        add_each(n)
    with django_assert_num_queries(MY_TRAINING_QUERIES):
        many = client.get(MY_TRAINING)
    assert many.context["required"].requirement_count > few.context["required"].requirement_count
    assert len(many.context["sections"][0].context["to_answer"]) == 8
    assert len(many.context["sections"][1].context["current"]) == 4
