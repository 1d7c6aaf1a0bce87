"""The Celery app: eager without a broker, a real worker with one.

The worker tests need Redis (`redis` marker). One starts a worker inside the test process;
the other asks the separate worker that `.ci/run` starts (`celery -A config worker`) to answer.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts import services
from accounts.models import Invitation
from accounts.tasks import invitations_send_task
from config.celery import app, ping
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.conftest import IN_CI
from tests.organisations.factories import OrganisationFactory

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"

# Long enough for a worker on a busy two-core CI machine; a healthy one answers in milliseconds.
RESULT_TIMEOUT = 20


@pytest.mark.parametrize(
    ("broker_url", "eager"),
    [("", True), ("redis://127.0.0.1:6379/1", False)],
)
def test_tasks_are_eager_only_without_a_broker(
    monkeypatch: pytest.MonkeyPatch, broker_url: str, eager: bool
) -> None:
    """With no CELERY_BROKER_URL tasks run in the web process; with one, a worker runs them."""
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    loaded = runpy.run_path(str(SETTINGS_FILE))
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is eager


@pytest.mark.django_db
def test_invitation_email_goes_after_commit(django_capture_on_commit_callbacks) -> None:
    """Without a broker the invitation task runs eagerly, but only once the data is committed."""
    organisation = OrganisationFactory.create()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = services.invitation_create(
            organisation=organisation,
            email="new.starter@agency.example",
            first_name="Amara",
            last_name="Okafor",
            kind="staff",
            invited_by=UserFactory.create(),
        )
        assert mail.outbox == [], "the email went before the invitation was committed"

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["new.starter@agency.example"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_invitation_end_to_end(
    tasks_queued_on_broker: None, private_queue: str
) -> None:
    """A real worker takes the task from Redis, reads the invitation from the database and
    emails it once, however many times the task is queued."""
    invitation = InvitationFactory.create(email="governor.invitee@school.example")

    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[private_queue], shutdown_timeout=30
    ):
        first = invitations_send_task.delay([invitation.pk])
        assert first.get(timeout=RESULT_TIMEOUT) == 1
        again = invitations_send_task.delay([invitation.pk])
        assert again.get(timeout=RESULT_TIMEOUT) == 0

    assert [message.to for message in mail.outbox] == [["governor.invitee@school.example"]]
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


@pytest.mark.redis
def test_separate_worker_answers_ping(tasks_queued_on_broker: None) -> None:
    """The worker started beside the suite (`celery -A config worker`) consumes tasks."""
    if os.environ.get("CELERY_EXTERNAL_WORKER", "").lower() != "true":
        reason = (
            "needs a worker started outside the tests (`make worker`) and "
            "CELERY_EXTERNAL_WORKER=true; .ci/run does both"
        )
        if IN_CI:
            pytest.fail(f"CI=true and this test {reason}", pytrace=False)
        pytest.skip(reason)
    assert ping.delay().get(timeout=RESULT_TIMEOUT) == "pong"
