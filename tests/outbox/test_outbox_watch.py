"""`manage.py outbox_watch`: sends the outbox when there is no Celery worker to."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from post_office.models import STATUS, Email

pytestmark = pytest.mark.django_db


def test_once_sends_what_is_due_and_says_so(outbox: Callable[[str], None]) -> None:
    EmailMessage("Your place", "Booked.\n", to=["pat@agency.example"]).send()
    output = io.StringIO()

    call_command("outbox_watch", "--once", stdout=output)

    assert [message.subject for message in mail.outbox] == ["Your place"]
    assert Email.objects.get().status == STATUS.sent
    assert output.getvalue() == "Outbox: 1 sent, 0 to try again, 0 given up.\n"


def test_a_refused_email_is_kept_for_the_next_look(
    mail_server_down: Callable[[str], None],
) -> None:
    EmailMessage("Your place", "Booked.\n", to=["pat@agency.example"]).send()
    output = io.StringIO()

    call_command("outbox_watch", "--once", stdout=output)

    assert Email.objects.get().status == STATUS.requeued
    assert output.getvalue() == "Outbox: 0 sent, 1 to try again, 0 given up.\n"
