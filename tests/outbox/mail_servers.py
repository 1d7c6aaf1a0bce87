"""Stand-ins for the mail server the outbox sends through (POST_OFFICE["BACKENDS"]["default"])."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DROPS_CONNECTION = "tests.outbox.mail_servers.DropsConnectionBackend"
COUNTING = "tests.outbox.mail_servers.CountingBackend"


class DropsConnectionBackend(BaseEmailBackend):
    """A mail server that hangs up in the middle of every message."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class CountingBackend(BaseEmailBackend):
    """Counts every attempt to reach the mail server, and fails it, as an unreachable one would."""

    attempts = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        type(self).attempts += 1
        raise ConnectionRefusedError(111, "Connection refused")


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
