"""Making an email from templates, links in it, and sending it once, for every app.

Each email is two templates, `<name>_subject.txt` and `<name>_message.txt`. Templates keep
their tags on lines of their own, which leaves blank lines where a tag was; the body has runs
of blank lines folded to one, and the subject is one line. Links in emails are absolute, on
`SITE_URL`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from outbox.models import SentEmail

BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")


def email_render(template: str, context: dict[str, Any], *, to: str) -> EmailMessage:
    """The email made from `<template>_subject.txt` and `<template>_message.txt`, to `to`.
    `template` includes its folder, as in "compliance/email/compliance_expired"."""
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_message.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=BLANK_LINES.sub("\n\n", body).strip() + "\n",
        to=[to],
    )


def absolute_url(path: str, query: dict[str, str] | None = None) -> str:
    """`path` (from `reverse` or a model's URL) on the site's address, with an optional query."""
    url = settings.SITE_URL.rstrip("/") + path
    return f"{url}?{urlencode(query)}" if query else url


def email_send_once(*, kind: str, key: str, message: EmailMessage) -> bool:
    """Send `message` unless an email of this kind about this key already went to its first
    recipient. Returns whether it was sent.

    Call it inside the transaction that decides the email is due (with the rows it is about
    locked, where two workers could decide at once): the log row and the outbox's copy of the
    message commit together, or neither does.
    """
    recipient = message.to[0]
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentEmail.objects.create(kind=kind, key=key, recipient=recipient)
        except IntegrityError:
            return False
        message.send()
    return True
