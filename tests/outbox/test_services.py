"""Sending the outbox: failures are logged and tried again, deliveries happen once, one sender
at a time, and old emails are deleted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from outbox import services
from outbox.services import SendOutcome, outbox_delete_old, outbox_send, outbox_send_on_commit
from tests.outbox.mail_servers import DROPS_CONNECTION, LOCMEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_locks_left(outbox: Callable[[str], None]) -> None:
    """The cache outlives a test; a lock or a queued marker from another would skew this one."""
    cache.delete_many([services.SENDING_LOCK, services.SEND_QUEUED])


def _email(subject: str = "Your place") -> Email:
    EmailMessage(subject, "Booked.\n", to=["pat@agency.example"]).send()
    return Email.objects.get(subject=subject)


@pytest.mark.parametrize(
    ("server", "exception_type"),
    [("refuses", "ConnectionRefusedError"), ("drops", "SMTPServerDisconnected")],
)
def test_a_failed_send_is_logged_and_tried_again_later(
    request: pytest.FixtureRequest,
    outbox: Callable[[str], None],
    caplog: pytest.LogCaptureFixture,
    server: str,
    exception_type: str,
) -> None:
    """The mail server refuses the connection, or drops it: the attempt is logged, and the
    email is due again after the retry interval."""
    if server == "refuses":
        request.getfixturevalue("mail_server_down")
    else:
        outbox(DROPS_CONNECTION)
    email = _email()

    assert outbox_send() == SendOutcome(requeued=1)

    email.refresh_from_db()
    assert (email.status, email.number_of_retries) == (STATUS.requeued, 1)
    assert email.scheduled_time >= timezone.now() + timedelta(minutes=9)
    [log] = Log.objects.filter(email=email)
    assert (log.status, log.exception_type) == (STATUS.failed, exception_type)
    assert "outbox emails not delivered" in caplog.messages
    assert outbox_send() == SendOutcome(), "tried again before the interval was up"


def test_a_retry_delivers_the_email_once(mail_server_down: Callable[[str], None]) -> None:
    """Once the server is back, the retry sends the email; later runs do not send it again."""
    email = _email()
    outbox_send()
    mail_server_down(LOCMEM)
    Email.objects.update(scheduled_time=timezone.now())

    assert outbox_send() == SendOutcome(sent=1)
    assert outbox_send() == SendOutcome()

    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert len(mail.outbox) == 1
    assert [log.status for log in email.logs.order_by("date")] == [STATUS.failed, STATUS.sent]


def test_after_the_last_retry_the_email_is_marked_failed(
    settings: Any, mail_server_down: Callable[[str], None]
) -> None:
    """An email still refused after every retry is given up on, for the partnership team to see."""
    email = _email()
    Email.objects.filter(pk=email.pk).update(number_of_retries=settings.POST_OFFICE["MAX_RETRIES"])

    assert outbox_send() == SendOutcome(failed=1)

    email.refresh_from_db()
    assert email.status == STATUS.failed


def test_nothing_is_sent_while_another_sender_is_at_it(outbox: Callable[[str], None]) -> None:
    """A second worker (or the watcher) leaves the outbox to the one already sending it."""
    _email()
    cache.add(services.SENDING_LOCK, "another worker", 60)

    assert outbox_send() == SendOutcome()
    assert mail.outbox == []

    cache.delete(services.SENDING_LOCK)
    assert outbox_send() == SendOutcome(sent=1)


def test_without_a_broker_no_send_task_is_queued(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Eager tasks would send inside the request; outbox_watch sends instead."""
    from outbox.tasks import outbox_send_task

    queued: list[object] = []
    monkeypatch.setattr(outbox_send_task, "delay", lambda: queued.append(True))
    with django_capture_on_commit_callbacks(execute=True):
        _email()
    assert queued == []


def test_with_a_broker_a_burst_of_emails_queues_one_send_task(
    monkeypatch: pytest.MonkeyPatch,
    tasks_queued_on_broker: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A thousand invitations in one go queue one task, after the commit; the next commit after
    that task has started queues another."""
    from outbox.tasks import outbox_send_task

    queued: list[object] = []
    monkeypatch.setattr(outbox_send_task, "delay", lambda: queued.append(True))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for n in range(5):
            _email(f"Invitation {n}")
        assert queued == []
    assert len(callbacks) == 1
    assert queued == [True]

    cache.delete(services.SEND_QUEUED)  # what the task does as it starts
    with django_capture_on_commit_callbacks(execute=True):
        outbox_send_on_commit()
    assert queued == [True, True]


def test_old_emails_are_deleted_with_their_logs(mail_server_down: Callable[[str], None]) -> None:
    """After KEEP_DAYS an email, its attempts and its attachments go."""
    old = _email("Old")
    outbox_send()
    Email.objects.filter(pk=old.pk).update(
        created=timezone.now() - timedelta(days=services.KEEP_DAYS + 1)
    )
    recent = _email("Recent")

    assert outbox_delete_old() == 1

    assert list(Email.objects.all()) == [recent]
    assert not Log.objects.filter(email_id=old.pk).exists()
