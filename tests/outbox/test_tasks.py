"""The outbox with a Celery broker: a worker sends it once the transaction commits."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from post_office.models import STATUS, Email

from config.celery import app
from outbox import services
from tests.celery_workers import tasks_a_new_worker_registers

# Long enough for a worker on a busy two-core CI machine; a healthy one answers in milliseconds.
DELIVERY_TIMEOUT = 20


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_outbox_after_the_commit(
    tasks_queued_on_broker: None, private_queue: str, outbox: Callable[[str], None]
) -> None:
    """Storing an email queues the send task on commit; the worker delivers it, once."""
    cache.delete_many([services.SENDING_LOCK, services.SEND_QUEUED])
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[private_queue], shutdown_timeout=30
    ):
        with transaction.atomic():
            EmailMessage("Your place", "Booked.\n", to=["pat@agency.example"]).send()
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)

    assert [message.subject for message in mail.outbox] == ["Your place"]
    assert Email.objects.get().status == STATUS.sent


def test_beat_sends_and_clears_the_outbox(settings: Any) -> None:
    """Every minute for retries, daily for old emails; a fresh worker knows both tasks."""
    wanted = {"outbox.tasks.outbox_send_task", "outbox.tasks.outbox_delete_old_task"}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert wanted <= scheduled
    assert wanted <= tasks_a_new_worker_registers()
