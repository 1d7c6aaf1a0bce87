"""The email backend the site uses: every email goes into the outbox, none to the mail server.

django-post-office keeps the outbox (its `Email`, `Attachment` and `Log` tables) and sends it
with retries (outbox.services). Its own backend is not used, for three reasons:

- it renders every subject and body again as a Django template (ui/django-post_office#478),
  so a booking's cancellation reason or a name holding `{{` or `{%` would be mangled, or
  would raise inside the request that sent it;
- it drops the content type of an attachment given as (name, content, type), so the calendar
  files' `text/calendar; method=REQUEST` (or `CANCEL`) would become a bare `text/calendar`,
  which calendar programs do not treat as an invitation;
- it sends one Celery task for every email; this backend queues one for the transaction.

Storing is a plain database write in the caller's transaction: an email written by a change
that is rolled back is never sent, and one written with a sent-log row (training
notifications) is stored exactly when the row is.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from email.mime.base import MIMEBase
from typing import Any

from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from post_office.models import PRIORITY, STATUS, Attachment, Email

logger = logging.getLogger(__name__)

# The one alternative body post_office keeps (as `html_message`).
HTML = "text/html"


class OutboxBackend(BaseEmailBackend):
    """Stores each message in the outbox, word for word, for outbox.services to send."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from outbox.services import outbox_send_on_commit

        stored = [email_store(message=message) for message in email_messages]
        if stored:
            outbox_send_on_commit()
        return len(stored)


def email_store(*, message: EmailMessage) -> Email:
    """Save one message to the outbox, queued, with its HTML body and attachments."""
    headers: dict[str, Any] = dict(message.extra_headers)
    if message.reply_to:
        headers.setdefault("Reply-To", ", ".join(str(address) for address in message.reply_to))
    html_message = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == HTML:
            html_message = str(content)
        else:
            logger.error(
                "email alternative not kept by the outbox",
                extra={"mimetype": mimetype, "subject": str(message.subject)},
            )
    email = Email(
        from_email=message.from_email,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        subject=str(message.subject),
        message=str(message.body),
        html_message=html_message,
        headers=headers or None,
        priority=PRIORITY.medium,
        status=STATUS.queued,
    )
    email.save()
    for attachment in message.attachments:
        _attachment_store(email=email, attachment=attachment)
    return email


def _attachment_store(*, email: Email, attachment: Any) -> None:
    """Keep the attachment's bytes and its whole content type, parameters included."""
    if isinstance(attachment, MIMEBase):
        name = attachment.get_filename() or "attachment"
        payload = attachment.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        # Django adds the charset again when it sends a text part.
        params = [
            f"{key}={value}"
            for key, value in (attachment.get_params() or [])[1:]
            if key != "charset"
        ]
        mimetype = "; ".join([attachment.get_content_type(), *params])
    else:
        name, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
    stored = Attachment(name=name, mimetype=mimetype or "")
    stored.file.save(name, ContentFile(content), save=True)
    stored.emails.add(email)
