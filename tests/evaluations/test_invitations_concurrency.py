"""Two sweeps at once, on PostgreSQL with real threads: each step is asked once and each
reminder sent once, with one email each (`evaluations.services.invitations`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from evaluations.enums import Step
from evaluations.models import Invitation
from evaluations.services import invitations as service
from evaluations.services.invitations import SweepResult, invitations_sweep
from tests.evaluations.factories import CourseEvaluationFactory, CourseQuestionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import BookingStatus

# Long enough for a busy two-core machine; healthy threads meet in milliseconds.
BARRIER_TIMEOUT = 20


def _run_together(monkeypatch: pytest.MonkeyPatch, selector: str, now: Any) -> list[SweepResult]:
    """Two sweeps in two threads, both selecting what is due before either acts on it, so
    both try to ask (or remind) the same bookings."""
    results: list[SweepResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    selected = threading.Barrier(2)
    select: Callable[..., Any] = getattr(service, selector)

    def select_then_wait(**kwargs: Any) -> Any:
        found = select(**kwargs)
        selected.wait(timeout=BARRIER_TIMEOUT)
        return found

    monkeypatch.setattr(service, selector, select_then_wait)

    def run() -> None:
        try:
            start.wait(timeout=BARRIER_TIMEOUT)
            results.append(invitations_sweep(now=now))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def _evaluation() -> Any:
    evaluation = CourseEvaluationFactory.create()
    for step in Step:
        CourseQuestionFactory.create(evaluation=evaluation, step=step)
    return evaluation


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_ask_each_step_once(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both sweeps find three baselines and a follow-up due; each is asked once, and the
    learners and the line manager get one email each."""
    settings.EMAIL_BACKEND = "tests.training.test_notifications.SlowEmailBackend"
    evaluation = _evaluation()
    for _ in range(3):
        BookingFactory.create(session__course=evaluation.course)
    organisation = OrganisationFactory.create()
    manager = MembershipFactory.create(organisation=organisation)
    learner = MembershipFactory.create(organisation=organisation, line_manager=manager)
    end = timezone.now() - timedelta(weeks=6, hours=1)
    BookingFactory.create(
        attendee=learner,
        status=BookingStatus.ATTENDED,
        attendance_marked_at=end,  # six weeks ago: "straight after" has long closed
        session=SessionFactory.create(
            course=evaluation.course, parts=[(end - timedelta(hours=7), end)]
        ),
    )

    results = _run_together(monkeypatch, "invitations_due", timezone.now())

    assert sum(result.asked for result in results) == 4
    assert Invitation.objects.count() == 4
    recipients = sorted(message.to[0] for message in mail.outbox)
    expected = sorted(
        [*Invitation.objects.values_list("booking__user__email", flat=True), manager.user.email]
    )
    assert recipients == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_once(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sweeps find the same reminders due; each person gets one reminder."""
    settings.EMAIL_BACKEND = "tests.training.test_notifications.SlowEmailBackend"
    evaluation = _evaluation()
    bookings = [BookingFactory.create(session__course=evaluation.course) for _ in range(3)]
    asked_at = timezone.now() - timedelta(days=evaluation.reminder_days, hours=1)
    for booking in bookings:
        Invitation.objects.create(
            booking=booking,
            step=Step.BEFORE,
            asked_at=asked_at,
            closes_at=asked_at + timedelta(days=evaluation.open_days),
        )

    results = _run_together(monkeypatch, "invitations_due_reminder", timezone.now())

    assert sum(result.reminded for result in results) == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        booking.user.email for booking in bookings
    )
    assert all(message.subject.startswith("Reminder: ") for message in mail.outbox)
    assert not Invitation.objects.filter(reminded_at__isnull=True).exists()
