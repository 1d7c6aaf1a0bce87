"""Compliance reminders and monthly digests: who is due which, what they say, and that each goes
once (compliance.services.notices).

Most tests work on a fixed day (10 March 2027) and call the services with it, as the sweep does
with today; the beat tasks, the worker and concurrent sweeps are in test_tasks.py.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from compliance.enums import ComplianceNoticeKind, DigestKind
from compliance.models import ComplianceDigest, ComplianceNotice, ComplianceRules, Requirement
from compliance.services.notices import (
    DIGEST_PEOPLE_LISTED,
    NoticeDue,
    compliance_digest_send,
    compliance_digests_due,
    compliance_notice_send,
    compliance_notices_due,
)
from organisations.enums import GovernorRole, MembershipKind, Sector
from organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory
from tests.compliance.factories import RequirementFactory
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import TrainingRecord, TrainingStandard

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)
LONG_AGO = date(2020, 1, 6)
FIRST = ComplianceNoticeKind.FIRST_REMINDER
SECOND = ComplianceNoticeKind.SECOND_REMINDER
EXPIRED = ComplianceNoticeKind.EXPIRED
NEW = ComplianceNoticeKind.NEW_REQUIREMENT
SITE = "https://hub.partnership.example"  # tests/conftest.py sets SITE_URL


@pytest.fixture
def standard() -> TrainingStandard:
    """Valid for 12 months, so an expiry in spring 2027 means a course in spring 2026 (no
    month-end rounding between the two)."""
    return TrainingStandardFactory.create(
        name="Safeguarding children level 2", slug="level-2", validity_months=12
    )


@pytest.fixture
def requirement(standard: TrainingStandard) -> Requirement:
    """Applies to everyone, and has done for years."""
    return RequirementFactory.create(
        name="Level 2 for everyone", standard=standard, applies_from=LONG_AGO
    )


def member(
    organisation: Organisation | None = None, *, start: date = LONG_AGO, **kwargs: Any
) -> Membership:
    return MembershipFactory.create(
        organisation=organisation or OrganisationFactory.create(), start_date=start, **kwargs
    )


def trained(
    membership: Membership,
    standard: TrainingStandard,
    *,
    expires_on: date | None = None,
    completed_on: date | None = None,
) -> TrainingRecord:
    """A course that meets the standard, completed so that it expires on the given day."""
    if completed_on is None:
        assert expires_on is not None
        completed_on = expires_on - relativedelta(months=standard.validity_months)
    return TrainingRecordFactory.create(
        user=membership.user, standards=[standard], completed_on=completed_on
    )


def due(today: date = TODAY) -> set[tuple[int, int, ComplianceNoticeKind, date]]:
    return {
        (notice.membership_id, notice.requirement_id, notice.kind, notice.key)
        for notice in compliance_notices_due(today=today)
    }


def send(notice: NoticeDue, today: date = TODAY) -> bool:
    return compliance_notice_send(
        membership_id=notice.membership_id,
        requirement_id=notice.requirement_id,
        kind=notice.kind,
        key=notice.key,
        today=today,
    )


def send_due(today: date = TODAY) -> int:
    """What a sweep on that day does: send every reminder due."""
    return sum(send(notice, today) for notice in compliance_notices_due(today=today))


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


# Reminders before and on expiry ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_to_expiry", "kind"),
    [
        pytest.param(61, None, id="61 days before: nothing yet"),
        pytest.param(60, FIRST, id="exactly 60 days before: first reminder"),
        pytest.param(31, FIRST, id="31 days before: first reminder"),
        pytest.param(30, SECOND, id="exactly 30 days before: second reminder"),
        pytest.param(1, SECOND, id="the day before: second reminder"),
        pytest.param(0, EXPIRED, id="the expiry day: expired"),
        pytest.param(-6, EXPIRED, id="6 days after: expired"),
        pytest.param(-7, None, id="7 days after: too late to tell"),
    ],
)
def test_each_expiry_window_gives_one_reminder(
    days_to_expiry: int,
    kind: ComplianceNoticeKind | None,
    standard: TrainingStandard,
    requirement: Requirement,
) -> None:
    """With the default rules: a first reminder from 60 days before expiry, a second from 30
    days, one on the expiry day for a week; each keyed by the expiry date."""
    membership = member()
    expires_on = TODAY + timedelta(days=days_to_expiry)
    trained(membership, standard, expires_on=expires_on)

    expected = set() if kind is None else {(membership.pk, requirement.pk, kind, expires_on)}
    assert due() == expected


def test_the_windows_follow_the_compliance_rules(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """The partnership team can move the reminder days."""
    rules = ComplianceRules.load()
    rules.first_reminder_days = 90
    rules.second_reminder_days = 14
    rules.save()
    at_80 = member()
    trained(at_80, standard, expires_on=TODAY + timedelta(days=80))
    at_20 = member()
    trained(at_20, standard, expires_on=TODAY + timedelta(days=20))
    at_14 = member()
    trained(at_14, standard, expires_on=TODAY + timedelta(days=14))

    assert {(m, kind) for m, _, kind, _ in due()} == {
        (at_80.pk, FIRST),
        (at_20.pk, FIRST),
        (at_14.pk, SECOND),
    }


def test_the_requirements_own_renewal_period_counts(standard: TrainingStandard) -> None:
    """A requirement renewed every 24 months reminds 24 months after the course, although the
    standard itself is valid for 12."""
    requirement = RequirementFactory.create(
        standard=standard, applies_from=LONG_AGO, renewal_months=24
    )
    membership = member()
    trained(membership, standard, completed_on=date(2025, 4, 20))
    trained(member(), standard, completed_on=date(2026, 4, 20))  # 24 months: not yet

    assert due() == {(membership.pk, requirement.pk, FIRST, date(2027, 4, 20))}


def test_training_met_by_hours_expires_from_the_record_that_made_up_the_hours(
    requirement: Requirement,
) -> None:
    """For a standard met by CPD hours (12 here, 6 a course), the expiry runs from the older of
    the two courses that add up to 12 hours."""
    TrainingStandard.objects.filter(pk=requirement.standard_id).update(cpd_hours_required=12)
    membership = member()
    trained(membership, requirement.standard, completed_on=date(2026, 4, 1))
    trained(membership, requirement.standard, completed_on=date(2026, 9, 1))
    only_one = member()
    trained(only_one, requirement.standard, completed_on=date(2026, 4, 1))

    assert due() == {(membership.pk, requirement.pk, SECOND, date(2027, 4, 1))}


def test_nothing_is_due_for_training_that_never_expires(requirement: Requirement) -> None:
    """A standard without a validity (and a requirement without renewal) is needed once."""
    TrainingStandard.objects.filter(pk=requirement.standard_id).update(validity_months=None)
    membership = member()
    TrainingRecordFactory.create(
        user=membership.user, standards=[requirement.standard], completed_on=date(2024, 3, 12)
    )

    assert due() == set()


def test_a_reminder_goes_once_however_often_it_is_sent(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """The sent-log is claimed with the email: a second send, or the next sweep, sends
    nothing."""
    membership = member()
    expires_on = TODAY + timedelta(days=45)
    trained(membership, standard, expires_on=expires_on)
    (notice,) = compliance_notices_due(today=TODAY)

    assert send(notice) is True
    assert send(notice) is False
    assert due() == set()
    assert send_due(TODAY + timedelta(days=1)) == 0

    assert len(mail.outbox) == 1
    assert list(
        ComplianceNotice.objects.values_list("membership", "requirement", "kind", "key")
    ) == [(membership.pk, requirement.pk, FIRST.value, expires_on)]
    assert ComplianceNotice.objects.get().recipient == membership.user.email


def test_each_reminder_goes_in_turn(standard: TrainingStandard, requirement: Requirement) -> None:
    """A sweep every day sends the first reminder, the second, then the expiry, one each."""
    membership = member()
    expires_on = TODAY + timedelta(days=60)
    trained(membership, standard, expires_on=expires_on)

    sent = [
        (offset, send_due(TODAY + timedelta(days=offset)))
        for offset in (0, 1, 29, 30, 31, 59, 60, 61, 66, 67)
    ]

    assert [offset for offset, count in sent if count] == [0, 30, 60]
    assert subjects() == [
        "Your Safeguarding children level 2 training expires on 9 May 2027",
        "Reminder: your Safeguarding children level 2 training expires on 9 May 2027",
        "Your Safeguarding children level 2 training has expired",
    ]


def test_a_missed_window_sends_only_the_most_urgent_reminder(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """When the sweep did not run during the first window (the system was down), the person
    gets the second reminder only, not the first as well; after a missed second window, only
    the expiry."""
    inside_30 = member()
    trained(inside_30, standard, expires_on=TODAY + timedelta(days=20))
    expired = member()
    trained(expired, standard, expires_on=TODAY - timedelta(days=2))

    assert send_due() == 2

    kinds = dict(ComplianceNotice.objects.values_list("membership", "kind"))
    assert kinds == {inside_30.pk: SECOND.value, expired.pk: EXPIRED.value}
    assert len(mail.outbox) == 2


def test_renewed_training_gives_fresh_reminders_next_cycle(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """Renewing ends this cycle's reminders; the new expiry brings its own, keyed by the new
    date."""
    membership = member()
    old_expiry = TODAY + timedelta(days=50)
    trained(membership, standard, expires_on=old_expiry)
    assert send_due() == 1

    renewed_on = TODAY + timedelta(days=5)
    trained(membership, standard, completed_on=renewed_on)
    new_expiry = renewed_on + relativedelta(months=12)

    assert due(renewed_on) == set()
    assert due(old_expiry - timedelta(days=10)) == set()
    assert due(old_expiry) == set()
    assert due(new_expiry - timedelta(days=61)) == set()
    assert due(new_expiry - timedelta(days=60)) == {
        (membership.pk, requirement.pk, FIRST, new_expiry)
    }
    assert send_due(new_expiry - timedelta(days=60)) == 1
    assert sorted(ComplianceNotice.objects.values_list("kind", "key")) == [
        (FIRST.value, old_expiry),
        (FIRST.value, new_expiry),
    ]


def test_a_reminder_queued_before_a_renewal_is_not_sent(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """The reminder is checked when it is sent: training renewed meanwhile sends nothing and
    leaves no log row."""
    membership = member()
    trained(membership, standard, expires_on=TODAY + timedelta(days=20))
    (notice,) = compliance_notices_due(today=TODAY)
    trained(membership, standard, completed_on=TODAY)

    assert send(notice) is False
    assert mail.outbox == []
    assert not ComplianceNotice.objects.exists()


def test_a_reminder_overtaken_by_a_later_one_is_not_sent(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """A first reminder still queued when the second window opens is skipped: the second
    reminder goes instead."""
    membership = member()
    expires_on = TODAY + timedelta(days=31)
    trained(membership, standard, expires_on=expires_on)
    (notice,) = compliance_notices_due(today=TODAY)
    tomorrow = TODAY + timedelta(days=1)

    assert send(notice, tomorrow) is False
    assert due(tomorrow) == {(membership.pk, requirement.pk, SECOND, expires_on)}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"is_active": False}, id="account deactivated"),
        pytest.param("ended", id="membership ended"),
    ],
)
def test_nobody_is_reminded_after_they_leave(
    change: Any, standard: TrainingStandard, requirement: Requirement
) -> None:
    """People whose account is closed, or who have left, get no reminders, even one already
    queued."""
    membership = member()
    trained(membership, standard, expires_on=TODAY + timedelta(days=20))
    (notice,) = compliance_notices_due(today=TODAY)
    if change == "ended":
        Membership.objects.filter(pk=membership.pk).update(end_date=TODAY - timedelta(days=1))
    else:
        User.objects.filter(pk=membership.user_id).update(**change)

    assert due() == set()
    assert send(notice) is False
    assert mail.outbox == []


def test_someone_needing_the_same_requirement_twice_hears_once(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """A teacher who is also a governor elsewhere, needing the same requirement in both, gets
    one reminder, and the next sweep does not send the other."""
    teacher = member(OrganisationFactory.create(school=True))
    governor = member(OrganisationFactory.create(school=True), user=teacher.user, governor=True)
    expires_on = TODAY + timedelta(days=40)
    trained(teacher, standard, expires_on=expires_on)
    assert due() == {
        (teacher.pk, requirement.pk, FIRST, expires_on),
        (governor.pk, requirement.pk, FIRST, expires_on),
    }

    assert send_due() == 1
    assert due() == set()
    assert len(mail.outbox) == 1


def test_finding_due_reminders_takes_the_same_queries_for_1_or_20_people(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """The sweep selects in the database, one query for expiries and one for new
    requirements (and one for the rules), whatever the number of people."""
    ComplianceRules.load()

    def add_people(count: int) -> None:
        for offset in range(count):
            trained(member(), standard, expires_on=TODAY + timedelta(days=1 + offset % 70))
            member(start=TODAY - timedelta(days=offset % 20))

    add_people(1)
    with CaptureQueriesContext(connection) as few:
        few_due = compliance_notices_due(today=TODAY)
    add_people(20)
    with CaptureQueriesContext(connection) as many:
        many_due = compliance_notices_due(today=TODAY)

    assert len(few_due) == 2
    assert len(many_due) > 20
    assert len(few.captured_queries) == len(many.captured_queries) == 3


# New requirements ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started_days_ago", "told"),
    [
        pytest.param(0, True, id="started today"),
        pytest.param(29, True, id="started 29 days ago"),
        pytest.param(30, False, id="started 30 days ago: no longer new"),
    ],
)
def test_a_new_starter_is_told_what_they_need(
    started_days_ago: int, told: bool, requirement: Requirement
) -> None:
    """Someone who joins without the training hears about it within 30 days of starting; the
    key is their start date."""
    start = TODAY - timedelta(days=started_days_ago)
    membership = member(start=start)

    expected = {(membership.pk, requirement.pk, NEW, start)} if told else set()
    assert due() == expected


def test_a_requirement_that_starts_to_apply_is_told_to_those_without_it(
    standard: TrainingStandard,
) -> None:
    """A new requirement reaches people already in post who do not meet it, keyed by the day
    it starts to apply; people who already hold the standard hear nothing."""
    applies_from = TODAY - timedelta(days=3)
    requirement = RequirementFactory.create(standard=standard, applies_from=applies_from)
    without = member()
    holder = member()
    trained(holder, standard, completed_on=TODAY - timedelta(days=100))

    assert due() == {(without.pk, requirement.pk, NEW, applies_from)}
    assert due(applies_from - timedelta(days=1)) == set()


def test_a_new_requirement_already_expired_is_told_once(standard: TrainingStandard) -> None:
    """Training that expired before the requirement applied to the person is told by the
    new-requirement reminder, not by an expiry reminder as well."""
    applies_from = TODAY - timedelta(days=2)
    requirement = RequirementFactory.create(standard=standard, applies_from=applies_from)
    membership = member()
    trained(membership, standard, expires_on=TODAY - timedelta(days=5))

    assert due() == {(membership.pk, requirement.pk, NEW, applies_from)}


def test_a_new_requirement_is_told_once(requirement: Requirement) -> None:
    start = TODAY - timedelta(days=10)
    membership = member(start=start)

    assert send_due() == 1
    assert send_due(TODAY + timedelta(days=1)) == 0
    assert due(TODAY + timedelta(days=5)) == set()
    assert list(ComplianceNotice.objects.values_list("membership", "kind", "key")) == [
        (membership.pk, NEW.value, start)
    ]


# What the reminders say ------------------------------------------------------------------------


@pytest.fixture
def priya(standard: TrainingStandard, requirement: Requirement) -> Membership:
    """Priya Shah, a social worker at Lewisham Children's Social Care, whose level 2 training
    (completed on 3 March 2026) expires on 3 March 2027."""
    membership = member(
        OrganisationFactory.create(name="Lewisham Children's Social Care"),
        user=UserFactory.create(
            first_name="Priya", last_name="Shah", email="priya.shah@lbl.example"
        ),
    )
    trained(membership, standard, completed_on=date(2026, 3, 3))
    return membership


EMAILS = {
    "first reminder": (
        date(2027, 1, 2),
        "Your Safeguarding children level 2 training expires on 3 March 2027",
        [
            "Dear Priya,",
            "Your Safeguarding children level 2 training expires on 3 March 2027. As a member "
            "of staff at Lewisham Children's Social Care, you need to keep it up to date, so "
            "book a course to renew it before then.",
            "Status: Due soon",
        ],
    ),
    "second reminder": (
        date(2027, 2, 14),
        "Reminder: your Safeguarding children level 2 training expires on 3 March 2027",
        [
            "Your Safeguarding children level 2 training expires in 17 days, on 3 March 2027.",
            "If you have not booked a course to renew it yet, book one now.",
            "Status: Due soon",
        ],
    ),
    "expired": (
        date(2027, 3, 3),
        "Your Safeguarding children level 2 training has expired",
        [
            "Your Safeguarding children level 2 training expired on 3 March 2027. As a member "
            "of staff at Lewisham Children's Social Care, you need to hold it, so book a course "
            "to renew it as soon as you can.",
            "Status: Overdue",
            "Expired: 3 March 2027",
        ],
    ),
}


@pytest.mark.parametrize("name", EMAILS)
def test_a_reminder_says_what_expires_when_and_where_to_book(name: str, priya: Membership) -> None:
    """Plain English, British dates, the requirement and its status, and absolute links to
    the person's training page and to courses that meet the standard."""
    today, subject, sentences = EMAILS[name]

    assert send_due(today) == 1

    (message,) = mail.outbox
    assert message.to == ["priya.shah@lbl.example"]
    assert message.subject == subject
    for sentence in sentences:
        assert sentence in message.body
    assert "Requirement: Level 2 for everyone\n" in message.body
    assert "Training: Safeguarding children level 2\n" in message.body
    assert "Last completed: 3 March 2026\n" in message.body
    assert f"{SITE}/my-training/\n" in message.body
    assert f"{SITE}/courses/?standard=level-2\n" in message.body
    assert message.body.endswith("Lewisham Safeguarding Children Partnership\n")
    assert "{" not in message.body
    assert "\n\n\n" not in message.body


def test_a_new_starter_is_told_the_date_to_complete_it_by(requirement: Requirement) -> None:
    membership = member(
        OrganisationFactory.create(name="Kent Police"),
        start=date(2027, 3, 1),
        user=UserFactory.create(first_name="Sam"),
    )

    assert send_due() == 1

    (message,) = mail.outbox
    assert message.to == [membership.user.email]
    assert message.subject == "Training you need: Safeguarding children level 2"
    assert (
        "From 1 March 2027, as a member of staff at Kent Police, you need Safeguarding children "
        "level 2 training." in message.body
    )
    assert "You have until 1 June 2027 to complete it." in message.body
    assert "Status: New starter\n" in message.body
    assert "Complete it by: 1 June 2027\n" in message.body
    assert "Last completed" not in message.body


@pytest.mark.parametrize(
    ("record", "sentence", "status"),
    [
        pytest.param(
            None,
            "We have no record of you completing it, so book a course as soon as you can.",
            "Missing",
            id="never done",
        ),
        pytest.param(
            date(2025, 6, 1),
            "Your last training for it expired on 1 June 2026, so book a course to renew it as "
            "soon as you can.",
            "Overdue",
            id="done once, expired",
        ),
    ],
)
def test_a_new_requirement_without_grace_says_it_is_needed_now(
    record: date | None, sentence: str, status: str, standard: TrainingStandard
) -> None:
    RequirementFactory.create(standard=standard, applies_from=TODAY, grace_months=0)
    membership = member(kind=MembershipKind.VOLUNTEER)
    if record:
        trained(membership, standard, completed_on=record)

    assert send_due() == 1

    (message,) = mail.outbox
    assert "as a volunteer at" in message.body
    assert sentence in message.body
    assert f"Status: {status}\n" in message.body


# Monthly digests -------------------------------------------------------------------------------


@pytest.fixture
def school(standard: TrainingStandard, requirement: Requirement) -> dict[str, Membership]:
    """Hillside Primary: a coordinator, a clerk, and staff, volunteers and governors in every
    state. Overdue: Ann (staff) and Bo (volunteer, missing), and governor Gil. Not listed: the
    in-date, due-soon and new-starter staff, and anyone at another school."""
    organisation = OrganisationFactory.create(name="Hillside Primary", slug="hillside", school=True)

    def person(first: str, last: str, **kwargs: Any) -> Membership:
        return member(
            organisation,
            user=UserFactory.create(first_name=first, last_name=last),
            **kwargs,
        )

    people = {
        "coordinator": person("Cara", "Coordinator", coordinator=True),
        "clerk": person("Clem", "Clerk", clerk=True),
        "overdue": person("Ann", "Adams", job_role=JobRoleFactory.create(name="Teacher")),
        "missing": person("Bo", "Brown", kind=MembershipKind.VOLUNTEER),
        "in_date": person("Di", "Dean"),
        "due_soon": person("Ed", "Evans"),
        "new_starter": person("Flo", "Fox", start=TODAY - timedelta(days=20)),
        "governor": person("Gil", "Green", governor=True, governor_role=GovernorRole.CHAIR),
        "elsewhere": member(
            OrganisationFactory.create(school=True),
            user__first_name="Hal",
            user__last_name="Hughes-Elsewhere",
        ),
    }
    for name in ("coordinator", "clerk", "in_date"):
        trained(people[name], standard, completed_on=TODAY - timedelta(days=30))
    trained(people["overdue"], standard, expires_on=date(2026, 11, 29))
    trained(people["governor"], standard, expires_on=date(2027, 1, 4))
    trained(people["due_soon"], standard, expires_on=TODAY + timedelta(days=10))
    return people


def digests_due(today: date = TODAY) -> set[tuple[int, DigestKind, date]]:
    return {
        (digest.recipient_id, digest.kind, digest.month)
        for digest in compliance_digests_due(today=today)
    }


def send_digest(recipient: Membership, kind: DigestKind, today: date = TODAY) -> bool:
    return compliance_digest_send(
        recipient_id=recipient.pk, kind=kind, month=today.replace(day=1), today=today
    )


def test_coordinators_and_clerks_are_due_a_digest_each_month(school: dict[str, Membership]) -> None:
    """Once a month, keyed by the month's first day; again the next month."""
    coordinator, clerk = school["coordinator"], school["clerk"]
    march = date(2027, 3, 1)
    assert digests_due() == {
        (coordinator.pk, DigestKind.COORDINATOR, march),
        (clerk.pk, DigestKind.CLERK, march),
    }

    assert send_digest(coordinator, DigestKind.COORDINATOR) is True
    assert send_digest(clerk, DigestKind.CLERK) is True
    assert send_digest(coordinator, DigestKind.COORDINATOR) is False

    assert digests_due() == set()
    assert digests_due(date(2027, 3, 31)) == set()
    april = date(2027, 4, 1)
    assert digests_due(april) == {
        (coordinator.pk, DigestKind.COORDINATOR, april),
        (clerk.pk, DigestKind.CLERK, april),
    }
    assert len(mail.outbox) == 2
    assert sorted(ComplianceDigest.objects.values_list("kind", "month", "overdue_count")) == [
        ("clerk", march, 1),
        ("coordinator", march, 2),
    ]


def test_a_coordinators_digest_lists_their_overdue_staff_and_volunteers(
    school: dict[str, Membership],
) -> None:
    """Staff and volunteers overdue or missing, by name, with each requirement; not governors,
    new starters, anyone in date or due soon, or anyone at another organisation."""
    assert send_digest(school["coordinator"], DigestKind.COORDINATOR) is True

    (message,) = mail.outbox
    assert message.to == [school["coordinator"].user.email]
    assert message.subject == "Overdue training at Hillside Primary: 2 people"
    assert message.body.startswith("Dear Cara,\n\n")
    assert (
        "This is your monthly summary of the staff and volunteers at Hillside Primary whose "
        "safeguarding training is overdue or missing, on 10 March 2027." in message.body
    )
    assert (
        "2 people need to complete training:\n\n"
        "Ann Adams (Teacher)\n"
        "- Level 2 for everyone: overdue since 29 November 2026\n\n"
        "Bo Brown (Volunteer)\n"
        "- Level 2 for everyone: missing (no record of it)\n\n"
    ) in message.body
    for name in ("Dean", "Evans", "Fox", "Green", school["elsewhere"].user.last_name):
        assert name not in message.body
    assert f"{SITE}/compliance/hillside/\n" in message.body


def test_a_clerks_digest_lists_the_boards_overdue_governors(
    school: dict[str, Membership],
) -> None:
    assert send_digest(school["clerk"], DigestKind.CLERK) is True

    (message,) = mail.outbox
    assert message.subject == "Overdue governor training at Hillside Primary: 1 governor"
    assert (
        "1 governor needs to complete training:\n\n"
        "Gil Green (Parent governor, Chair)\n"
        "- Level 2 for everyone: overdue since 4 January 2027\n"
    ) in message.body
    for name in ("Adams", "Brown", "Coordinator"):
        assert name not in message.body
    assert f"{SITE}/governors/hillside/\n" in message.body


def test_a_coordinator_who_is_also_the_clerk_gets_both_digests(
    school: dict[str, Membership],
) -> None:
    both = school["coordinator"]
    Membership.objects.filter(pk=school["clerk"].pk).update(is_clerk=False)
    Membership.objects.filter(pk=both.pk).update(is_clerk=True)

    assert {(pk, kind) for pk, kind, _ in digests_due()} == {
        (both.pk, DigestKind.COORDINATOR),
        (both.pk, DigestKind.CLERK),
    }
    assert send_digest(both, DigestKind.COORDINATOR) is True
    assert send_digest(both, DigestKind.CLERK) is True
    assert [message.to for message in mail.outbox] == [[both.user.email]] * 2


def test_a_digest_lists_only_the_organisation_the_role_is_held_in(
    school: dict[str, Membership],
) -> None:
    """A partnership team member who coordinates one organisation sees everyone elsewhere on
    the site, but their digest is about that organisation only."""
    User.objects.filter(pk=school["coordinator"].user_id).update(is_partnership_team=True)

    assert send_digest(school["coordinator"], DigestKind.COORDINATOR) is True

    (message,) = mail.outbox
    assert message.subject.endswith(": 2 people")
    assert school["elsewhere"].user.last_name not in message.body


def test_no_digest_when_nobody_is_overdue(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """No email and no log row, so a digest can still go later in the month if someone
    becomes overdue."""
    organisation = OrganisationFactory.create()
    coordinator = member(organisation, coordinator=True)
    trained(coordinator, standard, completed_on=TODAY - timedelta(days=10))
    staff = member(organisation)
    trained(staff, standard, expires_on=TODAY + timedelta(days=3))

    assert digests_due() == set()
    assert send_digest(coordinator, DigestKind.COORDINATOR) is False
    assert mail.outbox == []
    assert not ComplianceDigest.objects.exists()

    later = TODAY + timedelta(days=3)
    assert digests_due(later) == {(coordinator.pk, DigestKind.COORDINATOR, date(2027, 3, 1))}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"is_coordinator": False}, id="no longer coordinator"),
        pytest.param({"end_date": TODAY - timedelta(days=1)}, id="left"),
    ],
)
def test_no_digest_for_someone_who_no_longer_holds_the_role(
    change: dict[str, Any], school: dict[str, Membership]
) -> None:
    Membership.objects.filter(pk=school["coordinator"].pk).update(**change)

    assert {kind for _, kind, _ in digests_due()} == {DigestKind.CLERK}
    assert send_digest(school["coordinator"], DigestKind.COORDINATOR) is False
    assert mail.outbox == []


def test_a_clerk_flag_outside_a_school_gives_no_digest(requirement: Requirement) -> None:
    """Only organisations with a governing board have a clerk."""
    organisation = OrganisationFactory.create(sector=Sector.POLICE)
    clerk = member(organisation, clerk=True)
    member(organisation)

    assert digests_due() == set()
    assert send_digest(clerk, DigestKind.CLERK) is False


def test_a_digest_queued_last_month_is_not_sent(school: dict[str, Membership]) -> None:
    """A digest still queued when the month ends is dropped; the next sweep sends the new
    month's, with the figures of the day."""
    assert (
        compliance_digest_send(
            recipient_id=school["coordinator"].pk,
            kind=DigestKind.COORDINATOR,
            month=date(2027, 2, 1),
            today=TODAY,
        )
        is False
    )
    assert mail.outbox == []


def test_a_long_digest_lists_the_first_people_and_counts_the_rest(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    organisation = OrganisationFactory.create(name="Big Trust", slug="big-trust")
    coordinator = member(organisation, coordinator=True)
    trained(coordinator, standard, completed_on=TODAY)
    for _ in range(DIGEST_PEOPLE_LISTED + 2):
        member(organisation)

    assert send_digest(coordinator, DigestKind.COORDINATOR) is True

    (message,) = mail.outbox
    assert message.subject == f"Overdue training at Big Trust: {DIGEST_PEOPLE_LISTED + 2} people"
    assert message.body.count("missing (no record of it)") == DIGEST_PEOPLE_LISTED
    assert "And 2 more people." in message.body
    assert ComplianceDigest.objects.get().overdue_count == DIGEST_PEOPLE_LISTED + 2


def test_a_digest_takes_the_same_queries_for_1_or_15_people(
    standard: TrainingStandard, requirement: Requirement
) -> None:
    """Building and sending a digest does not query once per person listed."""
    ComplianceRules.load()
    counts = []
    for people in (1, 15):
        organisation = OrganisationFactory.create()
        coordinator = member(organisation, coordinator=True)
        trained(coordinator, standard, completed_on=TODAY)
        for index in range(people):
            membership = member(organisation, job_role=JobRoleFactory.create())
            if index % 2:
                trained(membership, standard, expires_on=TODAY - timedelta(days=index))
        with CaptureQueriesContext(connection) as queries:
            assert send_digest(coordinator, DigestKind.COORDINATOR) is True
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
    assert mail.outbox[1].subject.endswith(": 15 people")
