"""Booking notifications: who gets each one, what it says, and that it goes exactly once."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from smtplib import SMTPServerDisconnected
from typing import Any

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import BookingStatus, ChargeKind, NotificationKind, SessionStatus
from training.models import Booking, Charge, NotificationLog, Session
from training.services.notifications import (
    notification_send,
    notify_on_commit,
    session_changed_notify,
)
from training.tasks.bookings import notification_send_task

LONDON_DATE = "%A {day} %B %Y"


class FailingEmailBackend(LocmemEmailBackend):
    """A mail server that drops the connection for some addresses (all when none are named)."""

    failing: Sequence[str] = ()

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            if not self.failing or set(message.to) & set(self.failing):
                raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class SlowEmailBackend(LocmemEmailBackend):
    """A mail server that takes a moment, so two senders overlap."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        time.sleep(0.3)
        return super().send_messages(messages)


def london_date(value: datetime) -> str:
    local = timezone.localtime(value)
    return local.strftime(LONDON_DATE.format(day=local.day))


def calendar_of(message: EmailMessage) -> tuple[str, Calendar] | None:
    """The content type and parsed calendar of the message's invite.ics, if it has one."""
    for filename, content, mimetype in message.attachments:
        if filename == "invite.ics":
            return mimetype, Calendar.from_ical(content)
    return None


@pytest.fixture
def attendee() -> Membership:
    """Priya Shah, whose line manager is Mo Khan, both at the same organisation."""
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    manager = MembershipFactory.create(
        organisation=organisation,
        user=UserFactory.create(first_name="Mo", last_name="Khan", email="mo.khan@lbl.example"),
    )
    return MembershipFactory.create(
        organisation=organisation,
        line_manager=manager,
        user=UserFactory.create(
            first_name="Priya", last_name="Shah", email="priya.shah@lbl.example"
        ),
    )


@pytest.fixture
def session() -> Session:
    """A classroom session three weeks ahead, 9:30am to 4:30pm, with a joining link too."""
    return SessionFactory.create(
        course__title="Neglect: recognising and responding",
        venue="Laurence House\nRoom 3, second floor\nSign in at reception",
        joining_link="https://meet.example/neglect-course",
        joining_details="Passcode 4821",
    )


def urls(session: Session) -> dict[str, str]:
    return {
        "session_url": "https://hub.partnership.example"
        + reverse("training:session", kwargs={"pk": session.pk}),
        "approvals_url": "https://hub.partnership.example" + reverse("training:approvals"),
        "date": london_date(session.starts_at),
    }


ATTENDEE = ["priya.shah@lbl.example"]
MANAGER = ["mo.khan@lbl.example"]
BOTH = [*ATTENDEE, *MANAGER]

# kind, the booking's status and fields, recipients, words in the subject, words in the body,
# and the calendar file's method (None: no calendar file).
KINDS: list[tuple[NotificationKind, dict[str, Any], list[str], str, list[str], str | None]] = [
    (
        NotificationKind.BOOKING_CONFIRMED,
        {"status": BookingStatus.CONFIRMED},
        ATTENDEE,
        "Your place is booked: Neglect: recognising and responding, {date}",
        [
            "Your place on Neglect",
            "{date}, 9:30am to 4:30pm",
            "Room 3, second floor",
            "{session_url}",
        ],
        "REQUEST",
    ),
    (
        NotificationKind.AWAITING_APPROVAL,
        {"status": BookingStatus.AWAITING_APPROVAL},
        ATTENDEE,
        "Waiting for your manager's approval",
        ["we have asked Mo Khan to approve it", "{session_url}"],
        None,
    ),
    (
        NotificationKind.APPROVAL_REQUESTED,
        {"status": BookingStatus.AWAITING_APPROVAL},
        MANAGER,
        "Approve or decline: Priya Shah has asked for a place on Neglect",
        ["Dear Mo,", "Priya Shah (Lewisham Children's Social Care)", "{approvals_url}"],
        None,
    ),
    (
        NotificationKind.APPROVED,
        {"status": BookingStatus.CONFIRMED, "decided_by": "manager"},
        ATTENDEE,
        "Approved: your place on Neglect",
        ["Mo Khan approved your request", "{date}, 9:30am to 4:30pm"],
        "REQUEST",
    ),
    (
        NotificationKind.DECLINED,
        {
            "status": BookingStatus.DECLINED,
            "decided_by": "manager",
            "decision_reason": "Not this quarter: the team is short-staffed.",
        },
        ATTENDEE,
        "Not approved: Neglect",
        ["Mo Khan did not approve", "Not this quarter: the team is short-staffed."],
        None,
    ),
    (
        NotificationKind.REQUEST_EXPIRED,
        {"status": BookingStatus.EXPIRED},
        ATTENDEE,
        "Request expired: Neglect",
        ["not approved in time", "You do not have a place"],
        None,
    ),
    (
        NotificationKind.WAITLISTED,
        {"status": BookingStatus.WAITLISTED},
        ATTENDEE,
        "On the waiting list: Neglect",
        ["You are number 1 on the list", "{session_url}"],
        None,
    ),
    (
        NotificationKind.OFFER,
        {"status": BookingStatus.OFFERED, "offer_expires_at": "tomorrow 5pm"},
        ATTENDEE,
        "A place is available for you: Neglect",
        ["if you accept it by 5pm on {tomorrow}", "{session_url}"],
        None,
    ),
    (
        NotificationKind.REMINDER,
        {"status": BookingStatus.CONFIRMED},
        ATTENDEE,
        "Reminder: Neglect: recognising and responding, {date}",
        ["you have a place on Neglect", "{date}, 9:30am to 4:30pm"],
        None,
    ),
    (
        NotificationKind.JOINING_INSTRUCTIONS,
        {"status": BookingStatus.CONFIRMED},
        ATTENDEE,
        "How to join: Neglect",
        ["https://meet.example/neglect-course", "Passcode 4821", "more than 20 minutes late"],
        None,
    ),
    (
        NotificationKind.SESSION_CHANGED,
        {"status": BookingStatus.CONFIRMED},
        ATTENDEE,
        "Changed: Neglect: recognising and responding has new details",
        ["These are the new details", "{date}, 9:30am to 4:30pm", "You still have your place"],
        "REQUEST",
    ),
    (
        NotificationKind.SESSION_CANCELLED,
        {"status": BookingStatus.SESSION_CANCELLED},
        ATTENDEE,
        "Cancelled: Neglect: recognising and responding, {date}",
        ["has been cancelled", "The trainer is unwell."],
        "CANCEL",
    ),
    (
        NotificationKind.BOOKING_CANCELLED,
        {"status": BookingStatus.CANCELLED, "cancelled_by": "attendee"},
        ATTENDEE,
        "Booking cancelled: Neglect",
        ["Your booking on Neglect: recognising and responding on {date} is cancelled."],
        "CANCEL",
    ),
    (
        NotificationKind.NO_SHOW,
        {"status": BookingStatus.NO_SHOW},
        BOTH,
        "did not attend: Neglect",
        ["did not attend", "cannot book for 90 days"],
        None,
    ),
]


def booking_in_state(
    *, attendee: Membership, session: Session, kind: NotificationKind, fields: dict[str, Any]
) -> tuple[Booking, str]:
    """A booking as the service for `kind` leaves it, and the notification's key."""
    fields = dict(fields)
    tomorrow_5pm = (timezone.localtime() + timedelta(days=1)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    replacements = {
        "manager": attendee.line_manager.user,
        "attendee": attendee.user,
        "tomorrow 5pm": tomorrow_5pm,
    }
    fields = {name: replacements.get(value, value) for name, value in fields.items()}
    if fields["status"] == BookingStatus.WAITLISTED:
        fields["waitlisted_at"] = timezone.now()
    key = ""
    if kind == NotificationKind.SESSION_CHANGED:
        Session.objects.filter(pk=session.pk).update(sequence=1)
        key = "1"
    if kind == NotificationKind.SESSION_CANCELLED:
        Session.objects.filter(pk=session.pk).update(
            status=SessionStatus.CANCELLED,
            cancelled_at=timezone.now(),
            cancellation_reason="The trainer is unwell.",
        )
    booking = BookingFactory.create(session=session, attendee=attendee, **fields)
    return booking, key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "fields", "recipients", "subject", "body_words", "method"),
    KINDS,
    ids=[row[0].value for row in KINDS],
)
def test_each_kind_goes_to_its_recipients_with_its_details(
    attendee: Membership,
    session: Session,
    kind: NotificationKind,
    fields: dict[str, Any],
    recipients: list[str],
    subject: str,
    body_words: list[str],
    method: str | None,
) -> None:
    """Each notification reaches the right people, says what matters, and carries a calendar
    file only when it adds, changes or removes the session in the person's calendar."""
    booking, key = booking_in_state(attendee=attendee, session=session, kind=kind, fields=fields)
    words = urls(session) | {"tomorrow": london_date(timezone.now() + timedelta(days=1))}

    assert notification_send(booking=booking, kind=kind, key=key) is True

    assert [message.to for message in mail.outbox] == [[to] for to in recipients]
    for message in mail.outbox:
        assert subject.format(**words) in message.subject
        assert "\n" not in message.subject
        for word in body_words:
            assert word.format(**words) in message.body
        assert "\n\n\n" not in message.body
        assert message.body.rstrip().endswith("Lewisham Safeguarding Children Partnership")
        attachment = calendar_of(message)
        if method is None or message.to == MANAGER:
            assert attachment is None
        else:
            assert attachment is not None
            assert attachment[0] == f"text/calendar; method={method}; charset=utf-8"
            assert attachment[1]["method"] == method
    assert sorted(
        NotificationLog.objects.filter(booking=booking).values_list("recipient", flat=True)
    ) == sorted(recipients)


@pytest.mark.django_db
def test_dates_are_british_and_in_london_time(attendee: Membership) -> None:
    """A summer session stored in UTC reads in London time: "Tuesday 9 July 2030, 9:30am to
    4:30pm"; a winter one the same, though UTC is an hour apart."""
    summer = SessionFactory.create(
        parts=[
            (datetime(2030, 7, 9, 8, 30, tzinfo=UTC), datetime(2030, 7, 9, 15, 30, tzinfo=UTC)),
            (datetime(2030, 12, 10, 9, 30, tzinfo=UTC), datetime(2030, 12, 10, 12, 0, tzinfo=UTC)),
        ]
    )
    booking = BookingFactory.create(session=summer, attendee=attendee)

    notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED)

    (message,) = mail.outbox
    assert "Tuesday 9 July 2030" in message.subject
    assert "- Tuesday 9 July 2030, 9:30am to 4:30pm\n" in message.body
    assert "- Tuesday 10 December 2030, 9:30am to midday\n" in message.body
    assert "you need to attend every part" in message.body


@pytest.mark.django_db
def test_joining_link_waits_until_shortly_before(attendee: Membership, session: Session) -> None:
    """Weeks ahead the confirmation says when the joining link will come; the joining
    instructions carry it."""
    booking = BookingFactory.create(session=session, attendee=attendee)

    notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED)
    notification_send(booking=booking, kind=NotificationKind.JOINING_INSTRUCTIONS)

    confirmation, instructions = mail.outbox
    assert "meet.example" not in confirmation.body
    assert "4821" not in confirmation.body
    assert "How to join will be on the session page 7 days before" in confirmation.body
    assert "Join online:\nhttps://meet.example/neglect-course" in instructions.body
    assert "Passcode 4821" in instructions.body


@pytest.mark.django_db
def test_people_without_a_place_see_only_the_building(
    attendee: Membership, session: Session
) -> None:
    """The room and directions are for booked people; the waiting list sees the building."""
    booking = BookingFactory.create(
        session=session,
        attendee=attendee,
        status=BookingStatus.WAITLISTED,
        waitlisted_at=timezone.now(),
    )

    notification_send(booking=booking, kind=NotificationKind.WAITLISTED)

    (message,) = mail.outbox
    assert "Where: Laurence House\n" in message.body
    assert "Room 3" not in message.body


@pytest.mark.django_db
def test_someone_booked_by_their_coordinator_is_told_who_booked(
    attendee: Membership, session: Session
) -> None:
    """A coordinator's booking names the coordinator, so the place is no surprise."""
    coordinator = UserFactory.create(first_name="Ade", last_name="Bello")
    booking = BookingFactory.create(session=session, attendee=attendee, booked_by=coordinator)

    notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED)

    assert "Ade Bello booked it for you" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "status", "charge_kind"),
    [
        (NotificationKind.NO_SHOW, BookingStatus.NO_SHOW, ChargeKind.NO_SHOW),
        (
            NotificationKind.BOOKING_CANCELLED,
            BookingStatus.LATE_CANCELLED,
            ChargeKind.LATE_CANCELLATION,
        ),
    ],
)
def test_a_charge_is_stated_with_its_amount(
    attendee: Membership,
    session: Session,
    kind: NotificationKind,
    status: BookingStatus,
    charge_kind: ChargeKind,
) -> None:
    """Late cancellation and not attending say what the organisation will be charged."""
    booking = BookingFactory.create(session=session, attendee=attendee, status=status)
    Charge.objects.create(
        booking=booking, organisation=attendee.organisation, kind=charge_kind, amount=Decimal(60)
    )

    notification_send(booking=booking, kind=kind)

    assert "Lewisham Children's Social Care will be charged £60" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_task_that_runs_twice_sends_once(attendee: Membership, session: Session) -> None:
    """A task delivered twice (a retry, a redelivery after a lost worker) sends one email."""
    booking = BookingFactory.create(session=session, attendee=attendee)

    first = notification_send_task.delay(booking.pk, NotificationKind.BOOKING_CONFIRMED.value)
    second = notification_send_task.delay(booking.pk, NotificationKind.BOOKING_CONFIRMED.value)

    assert (first.get(), second.get()) == (True, False)
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(booking=booking).count() == 1


@pytest.mark.django_db
def test_no_show_twice_sends_each_person_one_email(attendee: Membership, session: Session) -> None:
    """The sent-log is per recipient: running again sends neither the learner nor the manager
    a second email."""
    booking = BookingFactory.create(
        session=session, attendee=attendee, status=BookingStatus.NO_SHOW
    )

    notification_send(booking=booking, kind=NotificationKind.NO_SHOW)
    notification_send(booking=booking, kind=NotificationKind.NO_SHOW)

    assert [message.to for message in mail.outbox] == [ATTENDEE, MANAGER]


@pytest.mark.django_db
def test_a_failure_while_sending_leaves_no_log_and_a_later_run_sends(
    attendee: Membership, session: Session, settings: Any
) -> None:
    """When the mail server fails, nothing is recorded as sent, so the next run sends it."""
    booking = BookingFactory.create(session=session, attendee=attendee)
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"

    with pytest.raises(SMTPServerDisconnected):
        notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED)

    assert not NotificationLog.objects.exists()
    assert mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED) is True
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.filter(booking=booking).count() == 1


@pytest.mark.django_db
def test_a_failure_for_one_recipient_keeps_the_other_sent(
    attendee: Membership, session: Session, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each recipient has their own transaction: when the manager's email fails, the
    learner's stays sent and the next run sends only the manager's."""
    booking = BookingFactory.create(
        session=session, attendee=attendee, status=BookingStatus.NO_SHOW
    )
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"
    monkeypatch.setattr(FailingEmailBackend, "failing", MANAGER)

    with pytest.raises(SMTPServerDisconnected):
        notification_send(booking=booking, kind=NotificationKind.NO_SHOW)
    assert [message.to for message in mail.outbox] == [ATTENDEE]

    monkeypatch.setattr(FailingEmailBackend, "failing", ["nobody@example.com"])
    notification_send(booking=booking, kind=NotificationKind.NO_SHOW)

    assert [message.to for message in mail.outbox] == [ATTENDEE, MANAGER]


@pytest.mark.django_db
def test_the_task_retries_when_the_mail_server_fails(
    attendee: Membership, session: Session, settings: Any
) -> None:
    """A mail server that is down makes the task ask Celery to retry later, rather than fail
    for good; nothing is logged as sent meanwhile."""
    booking = BookingFactory.create(session=session, attendee=attendee)
    settings.EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"

    with pytest.raises(Retry) as retry:
        notification_send_task.delay(booking.pk, NotificationKind.BOOKING_CONFIRMED.value)

    assert isinstance(retry.value.exc, SMTPServerDisconnected)
    assert retry.value.when is not None
    assert not NotificationLog.objects.exists()


# A notification that no longer says something true is not sent: the booking's state when the
# task runs, and what changed since it was queued.
NO_LONGER_APPLIES: list[tuple[NotificationKind, dict[str, Any], str]] = [
    (NotificationKind.REMINDER, {"status": BookingStatus.CANCELLED}, "cancelled meanwhile"),
    (NotificationKind.JOINING_INSTRUCTIONS, {"status": BookingStatus.LATE_CANCELLED}, "late"),
    (NotificationKind.BOOKING_CONFIRMED, {"status": BookingStatus.CONFIRMED}, "session cancelled"),
    (NotificationKind.APPROVAL_REQUESTED, {"status": BookingStatus.CONFIRMED}, "already approved"),
    (NotificationKind.OFFER, {"status": BookingStatus.OFFERED}, "offer lapsed"),
    (NotificationKind.OFFER, {"status": BookingStatus.CONFIRMED}, "already accepted"),
    (NotificationKind.WAITLISTED, {"status": BookingStatus.OFFERED}, "offered meanwhile"),
    (NotificationKind.SESSION_CHANGED, {"status": BookingStatus.CONFIRMED}, "changed again"),
    (NotificationKind.SESSION_CHANGED, {"status": BookingStatus.CANCELLED}, "left meanwhile"),
    (NotificationKind.BOOKING_CANCELLED, {"status": BookingStatus.CONFIRMED}, "booked again"),
    (NotificationKind.REMINDER, {"status": BookingStatus.CONFIRMED}, "session has started"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "fields", "what_changed"), NO_LONGER_APPLIES, ids=[r[2] for r in NO_LONGER_APPLIES]
)
def test_skipped_when_it_no_longer_applies(
    attendee: Membership,
    session: Session,
    kind: NotificationKind,
    fields: dict[str, Any],
    what_changed: str,
) -> None:
    """Nothing is sent and nothing logged, so a notification that applies again later (a new
    booking's confirmation) is not blocked."""
    booking = BookingFactory.create(session=session, attendee=attendee, **fields)
    key = ""
    now = timezone.now()
    if what_changed == "session cancelled":
        Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    if what_changed == "offer lapsed":
        Booking.objects.filter(pk=booking.pk).update(offer_expires_at=now - timedelta(minutes=1))
    if what_changed == "changed again":
        Session.objects.filter(pk=session.pk).update(sequence=2)
        key = "1"
    if what_changed == "left meanwhile":
        key = "0"
    if what_changed == "session has started":
        assert session.starts_at is not None
        now = session.starts_at + timedelta(minutes=5)

    assert notification_send(booking=booking, kind=kind, key=key, now=now) is False

    assert mail.outbox == []
    assert not NotificationLog.objects.exists()


@pytest.mark.django_db
def test_approval_request_without_a_line_manager_sends_nothing(session: Session) -> None:
    """Someone with no line manager named has nobody to ask; the approvals engineer's flow
    decides who approves instead."""
    booking = BookingFactory.create(session=session, status=BookingStatus.AWAITING_APPROVAL)

    assert notification_send(booking=booking, kind=NotificationKind.APPROVAL_REQUESTED) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_former_manager_is_not_told(attendee: Membership, session: Session) -> None:
    """A line manager whose membership has ended no longer hears about their old report."""
    manager = attendee.line_manager
    manager.start_date = timezone.localdate() - timedelta(days=400)
    manager.end_date = timezone.localdate() - timedelta(days=1)
    manager.save()
    booking = BookingFactory.create(
        session=session, attendee=attendee, status=BookingStatus.NO_SHOW
    )

    notification_send(booking=booking, kind=NotificationKind.NO_SHOW)

    assert [message.to for message in mail.outbox] == [ATTENDEE]


@pytest.mark.django_db
def test_notify_on_commit_sends_after_commit(
    attendee: Membership, session: Session, django_capture_on_commit_callbacks: Any
) -> None:
    """The email waits for the transaction, so a rolled-back booking is never announced."""
    booking = BookingFactory.create(session=session, attendee=attendee)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_on_commit(booking_id=booking.pk, kind=NotificationKind.BOOKING_CONFIRMED)
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [ATTENDEE]


@pytest.mark.django_db
def test_offer_accepted_confirmation_is_a_second_confirmation(
    attendee: Membership, session: Session
) -> None:
    """Accepting an offer sends a confirmation with its own key, with the calendar file, even
    if the person had a confirmation for this booking before."""
    booking = BookingFactory.create(session=session, attendee=attendee)
    notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED)

    assert notification_send(booking=booking, kind=NotificationKind.BOOKING_CONFIRMED, key="offer")

    accepted = mail.outbox[1]
    assert "Thank you for accepting the place you were offered." in accepted.body
    assert calendar_of(accepted) is not None


@pytest.mark.django_db
def test_session_change_tells_every_active_booking_once(
    attendee: Membership, session: Session, django_capture_on_commit_callbacks: Any
) -> None:
    """A change raises the session's sequence and tells people with a place, a request or a
    place on the waiting list; only people with a place get a calendar update."""
    booked = BookingFactory.create(session=session, attendee=attendee)
    waiting = BookingFactory.create(
        session=session, status=BookingStatus.WAITLISTED, waitlisted_at=timezone.now()
    )
    BookingFactory.create(session=session, status=BookingStatus.CANCELLED)
    changed_by = UserFactory.create(partnership_team=True)

    with django_capture_on_commit_callbacks(execute=True):
        told = session_changed_notify(session=session, changed_by=changed_by)

    assert told == 2
    session.refresh_from_db()
    assert session.sequence == 1
    by_person = {message.to[0]: message for message in mail.outbox}
    assert set(by_person) == {booked.user.email, waiting.user.email}
    invite = calendar_of(by_person[booked.user.email])
    assert invite is not None
    assert [event["sequence"] for event in invite[1].walk("VEVENT")] == [1]
    assert calendar_of(by_person[waiting.user.email]) is None
    assert "You are still on the waiting list." in by_person[waiting.user.email].body
    assert set(NotificationLog.objects.values_list("key", flat=True)) == {"1"}


@pytest.mark.django_db
def test_two_quick_changes_send_one_email_with_the_newest_details(
    attendee: Membership, session: Session, django_capture_on_commit_callbacks: Any
) -> None:
    """When a second change lands before the first email goes, only the second is sent."""
    BookingFactory.create(session=session, attendee=attendee)
    changed_by = UserFactory.create(partnership_team=True)

    with django_capture_on_commit_callbacks(execute=True):
        session_changed_notify(session=session, changed_by=changed_by)
        session_changed_notify(session=session, changed_by=changed_by)

    (message,) = mail.outbox
    invite = calendar_of(message)
    assert invite is not None
    assert [event["sequence"] for event in invite[1].walk("VEVENT")] == [2]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_one_email(settings: Any) -> None:
    """Two workers sending the same notification at the same moment (two beat ticks) send one
    email: the second waits on the sent-log's unique key and then skips."""
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"
    booking = BookingFactory.create()
    results: list[bool] = []
    start = threading.Barrier(2)

    def send() -> None:
        try:
            start.wait()
            results.append(notification_send(booking=booking, kind=NotificationKind.REMINDER))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert NotificationLog.objects.count() == 1
