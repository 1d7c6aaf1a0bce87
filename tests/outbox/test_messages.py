"""Emails made from templates and sent once (outbox.messages)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.db import transaction

from outbox.messages import absolute_url, email_send_once
from outbox.models import SentEmail

pytestmark = pytest.mark.django_db


def _message(to: str = "jo@school.example") -> EmailMessage:
    return EmailMessage(subject="Your evidence was verified", body="It counts now.\n", to=[to])


def test_an_email_goes_once_for_its_kind_key_and_recipient() -> None:
    assert email_send_once(kind="evidence_decision", key="7", message=_message()) is True
    assert email_send_once(kind="evidence_decision", key="7", message=_message()) is False
    # Another key, kind or recipient is another email.
    assert email_send_once(kind="evidence_decision", key="8", message=_message()) is True
    assert email_send_once(kind="review_due", key="7", message=_message()) is True
    assert email_send_once(kind="evidence_decision", key="7", message=_message("sam@x.example"))
    assert SentEmail.objects.count() == 4


def test_a_send_rolled_back_leaves_no_log_so_a_retry_sends() -> None:
    def decide_then_fail() -> None:
        with transaction.atomic():
            email_send_once(kind="evidence_decision", key="7", message=_message())
            raise RuntimeError("the deciding transaction failed")

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not SentEmail.objects.exists()
    assert email_send_once(kind="evidence_decision", key="7", message=_message()) is True


def test_a_refused_second_send_leaves_the_callers_transaction_usable() -> None:
    with transaction.atomic():
        email_send_once(kind="k", key="1", message=_message())
        assert email_send_once(kind="k", key="1", message=_message()) is False
        SentEmail.objects.create(kind="k", key="2", recipient="jo@school.example")
    assert SentEmail.objects.count() == 2


def test_links_are_absolute_on_the_sites_address(settings: Any) -> None:
    settings.SITE_URL = "https://hub.partnership.example/"
    assert absolute_url("/my-training/") == "https://hub.partnership.example/my-training/"
    assert (
        absolute_url("/courses/", {"standard": "level-2"})
        == "https://hub.partnership.example/courses/?standard=level-2"
    )
