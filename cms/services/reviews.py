"""Reminders to the review owners of guides and procedures, each sent once for each review date.

A live guide or procedure's review owner is emailed twice about each review date:

- "due soon", on the first daily sweep in the 30 days before the date (`REVIEW_DUE_SOON_DAYS`);
- "due", on the date, or on the first sweep in the week after it when the sweeps on the day
  were missed (`DUE_REMINDER_DAYS`). A page already overdue for longer than that gets no
  reminder, so the first sweep after deployment does not email about every old page.

A page with no owner, or whose owner has left or whose account is closed, is reminded to the
people who can edit it instead (`review_reminder_recipients`). Publishing a new review date
starts again: the sent-log is keyed on the date, so the new date has reminders of its own.

Exactly once: one transaction inserts the sent-log row (`ReviewReminder`, unique per page,
kind and review date) and sends the emails. A second sweep finds the row, or hits the unique
constraint while the first is still sending, and sends nothing; a send that fails leaves no
row, so the next day's sweep tries again. A reminder with nobody to go to records nothing and
is tried again each day until someone can receive it.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse

from cms.enums import ReviewReminderKind
from cms.models.reviews import ReviewReminder
from cms.selectors.reviews import (
    ReviewReminderRecipients,
    review_reminder_recipients,
    review_reminders_due,
)
from outbox.messages import absolute_url, email_render

if TYPE_CHECKING:
    from accounts.models import User
    from cms.models.pages import ReviewedPage

logger = logging.getLogger(__name__)


def review_reminders_send(*, today: date) -> int:
    """Email each reminder due today that has not been sent yet. Returns how many went.

    A reminder the mail server refuses is logged and left for the next sweep; the others
    still go.
    """
    sent = 0
    for due in review_reminders_due(today=today):
        try:
            if review_reminder_send(page=due.page, kind=due.kind, today=today):
                sent += 1
        except OSError:  # smtplib's errors and socket errors are all OSErrors
            logger.exception(
                "review reminder not sent: the mail server failed",
                extra=_log_extra(due.page, due.kind),
            )
    if sent:
        logger.info("review reminders sent", extra={"count": sent, "today": today.isoformat()})
    return sent


def review_reminder_send(*, page: ReviewedPage, kind: ReviewReminderKind, today: date) -> bool:
    """Email one reminder about `page`'s current review date, once. Returns whether it went.

    The sent-log row is written in the same transaction as the emails go, so a failure to send
    records nothing and a second run for the same date sends nothing.
    """
    log_extra = _log_extra(page, kind)
    recipients = review_reminder_recipients(page=page, today=today)
    if recipients is None:
        logger.warning("review reminder has nobody to go to", extra=log_extra)
        return False
    messages = [
        _message(page=page, kind=kind, today=today, recipient=user, recipients=recipients)
        for user in recipients.users
    ]
    try:
        with transaction.atomic():
            if ReviewReminder.objects.filter(
                page_id=page.pk, kind=kind, next_review=page.next_review
            ).exists():
                logger.info("review reminder already sent", extra=log_extra)
                return False
            ReviewReminder.objects.create(
                page_id=page.pk,
                kind=kind,
                next_review=page.next_review,
                recipients=", ".join(user.email for user in recipients.users),
            )
            # One email each, so nobody sees who else was sent it.
            get_connection().send_messages(messages)
    except IntegrityError:
        logger.info("review reminder already sent", extra=log_extra)
        return False
    logger.info(
        "review reminder sent",
        extra=log_extra | {"sent_to": recipients.sent_to, "count": len(messages)},
    )
    return True


def _log_extra(page: ReviewedPage, kind: ReviewReminderKind) -> dict[str, Any]:
    return {"page": page.pk, "kind": kind.value, "next_review": page.next_review.isoformat()}


def _page_url(page: ReviewedPage) -> str:
    """The page's public address (empty when it is not under a site, so it has none)."""
    parts = page.get_url_parts()
    return absolute_url(parts[2]) if parts else ""


def _message(
    *,
    page: ReviewedPage,
    kind: ReviewReminderKind,
    today: date,
    recipient: User,
    recipients: ReviewReminderRecipients,
) -> EmailMessage:
    context: dict[str, Any] = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "recipient": recipient,
        "sent_to": recipients.sent_to,
        "former_owner": recipients.former_owner,
        "page": page,
        "page_kind": page._meta.verbose_name,
        "organisation": page.organisation,
        "next_review": page.next_review,
        "today": today,
        "due_today": page.next_review == today,
        "page_url": _page_url(page),
        "edit_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
    }
    template = f"review_{kind.value}"
    return email_render(f"cms/email/{template}", context, to=recipient.email)
