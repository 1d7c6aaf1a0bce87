"""The site's email backend: each email is stored in the outbox as written, and sent later."""

from __future__ import annotations

from collections.abc import Callable
from email.mime.base import MIMEBase

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from post_office.models import STATUS, Email

from outbox.services import outbox_send

pytestmark = pytest.mark.django_db

CALENDAR = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def test_an_email_waits_in_the_outbox_until_sent(outbox: Callable[[str], None]) -> None:
    """Sending stores the email, queued; the mail server hears of it when the outbox is sent."""
    EmailMessage("Your place", "See you there.\n", to=["pat@agency.example"]).send()

    [email] = Email.objects.all()
    assert (email.to, email.subject, email.status) == (
        ["pat@agency.example"],
        "Your place",
        STATUS.queued,
    )
    assert mail.outbox == []
    outbox_send()
    assert [message.subject for message in mail.outbox] == ["Your place"]


def test_text_is_sent_word_for_word(outbox: Callable[[str], None]) -> None:
    """Braces in a reason or a name are not read as a template (ui/django-post_office#478)."""
    EmailMessage(
        "Cancelled: {{ course }}", "Reason: {% if %} {{{ odd }}}\n", to=["pat@agency.example"]
    ).send()

    outbox_send()

    [message] = mail.outbox
    assert message.subject == "Cancelled: {{ course }}"
    assert message.body == "Reason: {% if %} {{{ odd }}}\n"


def test_html_body_reply_to_and_headers_survive(outbox: Callable[[str], None]) -> None:
    """allauth's HTML alternative, a Reply-To and extra headers reach the mail server."""
    message = EmailMultiAlternatives(
        "Confirm your email address",
        "Plain text.",
        to=["pat@agency.example"],
        reply_to=["team@partnership.example"],
        headers={"X-Kind": "confirmation"},
    )
    message.attach_alternative("<p>HTML.</p>", "text/html")
    message.send()

    outbox_send()

    [sent] = mail.outbox
    assert sent.body == "Plain text."
    assert sent.alternatives == [("<p>HTML.</p>", "text/html")]
    rendered = sent.message()
    assert rendered["Reply-To"] == "team@partnership.example"
    assert rendered["X-Kind"] == "confirmation"


def test_a_calendar_file_keeps_its_content_type(outbox: Callable[[str], None]) -> None:
    """The .ics keeps `method=REQUEST`, which makes calendar programs offer to add the event."""
    message = EmailMessage("Your place", "Attached.\n", to=["pat@agency.example"])
    message.attach("invite.ics", CALENDAR, "text/calendar; method=REQUEST; charset=utf-8")
    message.send()

    outbox_send()

    [sent] = mail.outbox
    [(filename, content, mimetype)] = sent.attachments
    assert (filename, mimetype) == ("invite.ics", "text/calendar; method=REQUEST; charset=utf-8")
    assert content.encode() == CALENDAR
    assert 'text/calendar; method="REQUEST"' in sent.message().as_string()


def test_a_mime_attachment_keeps_its_bytes_and_type(outbox: Callable[[str], None]) -> None:
    """An attachment made as a MIME part is kept too."""
    part = MIMEBase("application", "pdf")
    part.set_payload(b"%PDF-1.7 certificate")
    part.add_header("Content-Disposition", "attachment", filename="certificate.pdf")
    message = EmailMessage("Your certificate", "Attached.\n", to=["pat@agency.example"])
    message.attach(part)
    message.send()

    outbox_send()

    [(filename, content, mimetype)] = mail.outbox[0].attachments
    assert (filename, content, mimetype) == (
        "certificate.pdf",
        b"%PDF-1.7 certificate",
        "application/pdf",
    )


@pytest.mark.django_db(transaction=True)
def test_an_email_from_a_rolled_back_change_is_never_sent(outbox: Callable[[str], None]) -> None:
    """The email is stored in the transaction that wrote it, so a rollback takes it away."""

    def book_and_fail() -> None:
        with transaction.atomic():
            EmailMessage("Your place", "Booked.\n", to=["pat@agency.example"]).send()
            raise RuntimeError("the booking failed")

    with pytest.raises(RuntimeError):
        book_and_fail()

    assert not Email.objects.exists()
    outbox_send()
    assert mail.outbox == []
