"""The notification sweep through a real Celery worker and Redis (`redis` marker).

As in tests/test_celery.py, a worker runs inside the test process on a queue of the test's own,
so it reads the test database and CI's separate worker cannot take the tasks.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from config.celery import app
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import NotificationKind
from training.models import Booking, NotificationLog
from training.tasks.bookings import notifications_sweep_task

# Long enough for a worker on a busy two-core CI machine; a healthy one answers in milliseconds.
RESULT_TIMEOUT = 20


def wait_for_emails(count: int) -> None:
    deadline = time.monotonic() + RESULT_TIMEOUT
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_runs_the_sweep_and_sends_each_reminder_once(
    tasks_queued_on_broker: None, private_queue: str
) -> None:
    """Beat's sweep, run by a worker, queues the due reminder; the worker sends it; a second
    sweep finds nothing left to send."""
    starts_at = timezone.now() + timedelta(days=10)
    booking = BookingFactory.create(
        session=SessionFactory.create(parts=[(starts_at, starts_at + timedelta(hours=6))])
    )
    Booking.objects.filter(pk=booking.pk).update(created_at=timezone.now() - timedelta(days=30))

    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[private_queue], shutdown_timeout=30
    ):
        assert notifications_sweep_task.delay().get(timeout=RESULT_TIMEOUT) == 1
        wait_for_emails(1)
        assert notifications_sweep_task.delay().get(timeout=RESULT_TIMEOUT) == 0

    assert [message.to for message in mail.outbox] == [[booking.user.email]]
    assert mail.outbox[0].subject.startswith("Reminder:")
    assert list(NotificationLog.objects.values_list("booking_id", "kind")) == [
        (booking.pk, NotificationKind.REMINDER.value)
    ]
