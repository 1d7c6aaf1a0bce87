"""The beat jobs for compliance reminders and digests (compliance.tasks): each sends
what is due today once, however often or however concurrently it runs; through a real worker
too (`redis`), and with real threads on PostgreSQL (`postgres`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import Retry
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from compliance import tasks as tasks_compliance
from compliance.enums import ComplianceNoticeKind, DigestKind
from compliance.models import ComplianceDigest, ComplianceNotice, Requirement
from compliance.services import notices as compliance_notices
from compliance.services.notices import compliance_digests_due, compliance_notices_due
from config.celery import app
from organisations.models import Membership
from tests.celery_workers import tasks_a_new_worker_registers
from tests.compliance.factories import RequirementFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import TrainingStandard

# Long enough for a worker on a busy two-core CI machine; a healthy one answers in milliseconds.
RESULT_TIMEOUT = 20
# The tasks beat must run, by the names CELERY_BEAT_SCHEDULE gives them.
BEAT_TASKS = {
    "compliance.tasks.compliance_notices_sweep_task",
    "compliance.tasks.compliance_digests_sweep_task",
}


@pytest.fixture
def today() -> date:
    """The tasks work on the real today, as beat runs them."""
    return timezone.localdate()


@pytest.fixture
def standard() -> TrainingStandard:
    return TrainingStandardFactory.create(name="Safeguarding children level 1", validity_months=12)


@pytest.fixture
def requirement(standard: TrainingStandard) -> Requirement:
    return RequirementFactory.create(standard=standard, applies_from=date(2020, 1, 6))


def member(**kwargs: Any) -> Membership:
    return MembershipFactory.create(start_date=date(2020, 1, 6), **kwargs)


def expiring(standard: TrainingStandard, expires_on: date, **kwargs: Any) -> Membership:
    """Someone whose training expires on the day."""
    membership = member(**kwargs)
    TrainingRecordFactory.create(
        user=membership.user,
        standards=[standard],
        completed_on=expires_on - relativedelta(months=standard.validity_months),
    )
    return membership


@pytest.mark.django_db
def test_the_reminder_sweep_sends_each_reminder_once(
    today: date, standard: TrainingStandard, requirement: Requirement
) -> None:
    """Two beat ticks (or a tick that runs twice) send each reminder due today once."""
    first = expiring(standard, today + timedelta(days=45))
    second = expiring(standard, today + timedelta(days=10))
    expired = expiring(standard, today - timedelta(days=1))
    new_starter = MembershipFactory.create(start_date=today - timedelta(days=3))
    expiring(standard, today + timedelta(days=200))  # in date: nothing

    assert tasks_compliance.compliance_notices_sweep_task.delay().get() == 4
    assert tasks_compliance.compliance_notices_sweep_task.delay().get() == 0

    assert dict(ComplianceNotice.objects.values_list("membership", "kind")) == {
        first.pk: ComplianceNoticeKind.FIRST_REMINDER,
        second.pk: ComplianceNoticeKind.SECOND_REMINDER,
        expired.pk: ComplianceNoticeKind.EXPIRED,
        new_starter.pk: ComplianceNoticeKind.NEW_REQUIREMENT,
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        m.user.email for m in (first, second, expired, new_starter)
    )


@pytest.mark.django_db
def test_the_digest_sweep_sends_each_digest_once_a_month(
    today: date, requirement: Requirement
) -> None:
    organisation = OrganisationFactory.create(school=True)
    coordinator = member(organisation=organisation, coordinator=True)
    clerk = member(organisation=organisation, clerk=True)
    member(organisation=organisation)
    member(organisation=organisation, governor=True)

    assert tasks_compliance.compliance_digests_sweep_task.delay().get() == 2
    assert tasks_compliance.compliance_digests_sweep_task.delay().get() == 0

    assert sorted(ComplianceDigest.objects.values_list("recipient", "kind", "month")) == sorted(
        [
            (coordinator.pk, DigestKind.COORDINATOR.value, today.replace(day=1)),
            (clerk.pk, DigestKind.CLERK.value, today.replace(day=1)),
        ]
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [coordinator.user.email, clerk.user.email]
    )


@pytest.mark.django_db
def test_a_failed_reminder_is_picked_up_by_the_next_sweep(
    today: date, standard: TrainingStandard, requirement: Requirement, settings: Any
) -> None:
    """A reminder whose email failed has no log row: the task retries, and the next sweep
    finds it due again."""
    membership = expiring(standard, today + timedelta(days=10))
    settings.EMAIL_BACKEND = "tests.training.test_notifications.FailingEmailBackend"
    # Eager here, the send task's request to retry later surfaces in the sweep.
    with pytest.raises(Retry, match="Connection unexpectedly closed"):
        tasks_compliance.compliance_notices_sweep_task.delay()
    assert not ComplianceNotice.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert [n.membership_id for n in compliance_notices_due(today=today)] == [membership.pk]
    assert tasks_compliance.compliance_notices_sweep_task.delay().get() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_digest_is_picked_up_by_the_next_sweep(
    today: date, requirement: Requirement, settings: Any
) -> None:
    organisation = OrganisationFactory.create()
    member(organisation=organisation, coordinator=True)
    settings.EMAIL_BACKEND = "tests.training.test_notifications.FailingEmailBackend"
    with pytest.raises(Retry):
        tasks_compliance.compliance_digests_sweep_task.delay()
    assert not ComplianceDigest.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks_compliance.compliance_digests_sweep_task.delay().get() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_send_tasks_ignore_what_is_gone(today: date) -> None:
    """A membership deleted before its task ran sends nothing and raises nothing."""
    assert (
        tasks_compliance.compliance_notice_send_task.delay(
            987654, 987654, ComplianceNoticeKind.EXPIRED.value, today.isoformat()
        ).get()
        is False
    )
    assert (
        tasks_compliance.compliance_digest_send_task.delay(
            987654, DigestKind.CLERK.value, today.replace(day=1).isoformat()
        ).get()
        is False
    )
    assert mail.outbox == []


def test_beat_runs_both_sweeps() -> None:
    """The sweeps are in CELERY_BEAT_SCHEDULE: without them nobody is ever reminded."""
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert names >= BEAT_TASKS


def test_a_worker_knows_the_compliance_tasks() -> None:
    """A worker started with `celery -A config worker` registers the tasks beat sends it (in a
    fresh process: this one has imported them already)."""
    registered = tasks_a_new_worker_registers()

    assert {
        *BEAT_TASKS,
        "compliance.tasks.compliance_notice_send_task",
        "compliance.tasks.compliance_digest_send_task",
    } <= registered


# Two sweeps at once (PostgreSQL, real threads) -------------------------------------------------


def run_together(
    monkeypatch: pytest.MonkeyPatch, sweep: Callable[[], int], selector: str
) -> list[int]:
    """Run the sweep in two threads, both selecting what is due before either sends it (so
    both queue the same email). Tasks are eager: each thread's sweep sends what it queued."""
    results: list[int] = []
    start = threading.Barrier(2)
    selected = threading.Barrier(2)
    select = getattr(compliance_notices, selector)

    def select_then_wait(**kwargs: Any) -> Any:
        found = select(**kwargs)
        selected.wait(timeout=RESULT_TIMEOUT)
        return found

    monkeypatch.setattr(compliance_notices, selector, select_then_wait)

    def run() -> None:
        try:
            start.wait()
            results.append(sweep())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_sweeps_at_once_send_one_email(
    today: date,
    standard: TrainingStandard,
    requirement: Requirement,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both sweeps find the reminder due and queue it; the person gets one email: the second
    sender waits for the first's transaction, then finds the log row."""
    settings.EMAIL_BACKEND = "tests.training.test_notifications.SlowEmailBackend"
    membership = expiring(standard, today + timedelta(days=10))

    results = run_together(
        monkeypatch, compliance_notices.compliance_notices_sweep, "compliance_notices_due"
    )

    assert results == [1, 1]
    assert [message.to for message in mail.outbox] == [[membership.user.email]]
    assert ComplianceNotice.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_digest_sweeps_at_once_send_one_email(
    today: date, requirement: Requirement, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_BACKEND = "tests.training.test_notifications.SlowEmailBackend"
    organisation = OrganisationFactory.create()
    coordinator = member(organisation=organisation, coordinator=True)
    member(organisation=organisation)

    results = run_together(
        monkeypatch, compliance_notices.compliance_digests_sweep, "compliance_digests_due"
    )

    assert results == [1, 1]
    assert [message.to for message in mail.outbox] == [[coordinator.user.email]]
    assert ComplianceDigest.objects.count() == 1
    assert compliance_digests_due(today=today) == []


# Through a real worker (Redis) -----------------------------------------------------------------
#
# As in tests/training/test_tasks_bookings_worker.py: a worker inside the test process, on a
# queue of the test's own, so it reads the test database and CI's separate worker cannot take
# the tasks.


def wait_for_emails(count: int) -> None:
    deadline = time.monotonic() + RESULT_TIMEOUT
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_sweeps_and_sends_each_once(
    tasks_queued_on_broker: None,
    private_queue: str,
    today: date,
    standard: TrainingStandard,
    requirement: Requirement,
) -> None:
    """Beat's sweeps, run by a worker, queue the reminder and the digest; the worker sends
    them; second sweeps find nothing left to send."""
    organisation = OrganisationFactory.create()
    coordinator = member(organisation=organisation, coordinator=True)
    TrainingRecordFactory.create(user=coordinator.user, standards=[standard], completed_on=today)
    expired = expiring(standard, today - timedelta(days=2), organisation=organisation)

    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[private_queue], shutdown_timeout=30
    ):
        notices = tasks_compliance.compliance_notices_sweep_task.delay()
        assert notices.get(timeout=RESULT_TIMEOUT) == 1
        digests = tasks_compliance.compliance_digests_sweep_task.delay()
        assert digests.get(timeout=RESULT_TIMEOUT) == 1
        wait_for_emails(2)
        assert (
            tasks_compliance.compliance_notices_sweep_task.delay().get(timeout=RESULT_TIMEOUT) == 0
        )
        assert (
            tasks_compliance.compliance_digests_sweep_task.delay().get(timeout=RESULT_TIMEOUT) == 0
        )

    assert sorted((message.to[0], message.subject) for message in mail.outbox) == sorted(
        [
            (coordinator.user.email, f"Overdue training at {organisation.name}: 1 person"),
            (expired.user.email, "Your Safeguarding children level 1 training has expired"),
        ]
    )
    assert list(ComplianceNotice.objects.values_list("membership", "kind")) == [
        (expired.pk, ComplianceNoticeKind.EXPIRED.value)
    ]
