"""The bulk issue survives a worker killed in the middle of it (`redis` and `postgres`
markers): a real Celery worker, in a process of its own, reading the test database, takes the
sweep from Redis and is killed with SIGKILL once some batches have committed and others have
not; a second worker started afterwards gets the same message again (the task is `acks_late`,
so it was never acknowledged) and finishes the job. Every record ends with exactly one
certificate, and no certificate is emailed twice.

The worker runs in its own process, not inside the test process as in tests/test_celery.py,
because a worker that can be killed must be a process; that is also why PostgreSQL is needed
(SQLite's test database is in memory, out of another process's reach). It listens on a queue of
the test's own. The batch is made small (a few records a transaction, through the task's
`batch_size`) so the job has many commits and the kill lands between the first and the last.

Redis hands back an unacknowledged message once its visibility timeout has passed (an hour by
default); the workers here use a timeout of a few seconds, so the test need not wait an hour.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from certificates.models import Certificate
from certificates.services.emails import EMAIL_KIND
from certificates.tasks.issuing import certificates_issue_sweep_task
from outbox.models import SentEmail
from tests.certificates.factories import attended_booking
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RECORDS = 60
BATCH_SIZE = 1
VISIBILITY_TIMEOUT_SECONDS = 2
# A worker on a busy two-core machine takes a few seconds to start, and the second one renders
# a PDF for each email.
START_TIMEOUT = 60
FINISH_TIMEOUT = 180

WORKER_PROGRAM = """
import sys
import django

django.setup()
from config.celery import app

queue, visibility_timeout = sys.argv[1], float(sys.argv[2])
# What the worker queues (the emails) goes to the test's queue too.
app.conf.task_default_queue = queue
app.conf.broker_transport_options = {"visibility_timeout": visibility_timeout}
app.worker_main(
    ["worker", "--pool=solo", "--queues", queue, "--loglevel=WARNING",
     "--without-mingle", "--without-gossip", "--without-heartbeat"]
)
"""


def _test_database_url() -> str:
    database = connection.settings_dict
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


@contextmanager
def _worker(queue: str) -> Iterator[subprocess.Popen[bytes]]:
    """A Celery worker in a process (and session) of its own; SIGKILLed on the way out if
    still running."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _test_database_url(),
        # The outbox keeps each email; nothing needs to leave the machine.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER_PROGRAM, queue, str(VISIBILITY_TIMEOUT_SECONDS)],
        env=env,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _wait_until(condition: Callable[[], bool], timeout: float, every: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


def test_a_worker_killed_mid_batch_leaves_every_certificate_issued_exactly_once(
    tasks_queued_on_broker: None, private_queue: str
) -> None:
    organisation = OrganisationFactory.create()
    records = [
        attended_booking(attendee=MembershipFactory.create(organisation=organisation)).record
        for _ in range(RECORDS)
    ]

    with _worker(private_queue) as first:
        certificates_issue_sweep_task.delay(batch_size=BATCH_SIZE)
        assert _wait_until(lambda: Certificate.objects.exists(), START_TIMEOUT), (
            "the first worker issued nothing"
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    # Told apart by id, not time: the workers keep the real clock, the tests may move theirs.
    last_before_the_kill = Certificate.objects.order_by("-pk").values_list("pk", flat=True)[0]
    issued_by_the_first = Certificate.objects.count()
    assert 0 < issued_by_the_first < RECORDS, "the kill did not land in the middle of the job"

    time.sleep(VISIBILITY_TIMEOUT_SECONDS + 1)
    with _worker(private_queue):
        assert _wait_until(
            lambda: (
                Certificate.objects.count() >= RECORDS
                and SentEmail.objects.filter(kind=EMAIL_KIND).count()
                >= Certificate.objects.filter(pk__gt=last_before_the_kill).count()
            ),
            FINISH_TIMEOUT,
            every=0.2,
        ), "the second worker did not finish the job"
        # Let anything still queued (a repeated email task) run before counting.
        time.sleep(2)

    for record in records:
        assert Certificate.objects.filter(training_record=record).count() == 1
    emailed = list(SentEmail.objects.filter(kind=EMAIL_KIND).values_list("key", flat=True))
    assert len(emailed) == len(set(emailed)), "a certificate was emailed twice"
    # Every certificate the second worker issued went by email once. (The first worker's last
    # committed batch may have lost its email task if the kill fell between its commit and
    # queueing the task: docs/certificates.md.)
    after_the_kill = Certificate.objects.filter(pk__gt=last_before_the_kill)
    assert after_the_kill.exists()
    assert {str(pk) for pk in after_the_kill.values_list("pk", flat=True)} <= set(emailed)
