"""The beat jobs of the published pages (cms.tasks): eager, as in the rest of the suite, and
through a real worker and Redis (`redis`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone

from cms import tasks
from cms.enums import ReviewReminderKind
from cms.models import ReviewReminder
from config.celery import app
from organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.celery_workers import tasks_a_new_worker_registers
from tests.cms.factories import guide_page, organisation_page, procedure_page
from tests.organisations.factories import MembershipFactory

# Long enough for a worker on a busy two-core CI machine; a healthy one answers in milliseconds.
RESULT_TIMEOUT = 20
# The tasks beat must run, by the names CELERY_BEAT_SCHEDULE gives them.
BEAT_TASKS = {"cms.tasks.review_reminders_sweep_task", "cms.tasks.page_editors_sync_task"}


@pytest.fixture
def today() -> date:
    """The tasks work on the real today, as beat runs them."""
    return timezone.localdate()


@pytest.mark.django_db
def test_the_review_sweep_reminds_about_todays_reviews_once(today: date) -> None:
    """The sweep works on today in London: a guide due for review in 30 days and a procedure due
    today are reminded; one due in 31 days is not; a second run sends nothing."""
    membership = MembershipFactory.create()
    guide_owner, procedure_owner = membership.user, UserFactory.create()
    guide = guide_page(
        organisation_page(membership.organisation),
        review_owner=guide_owner,
        next_review=today + timedelta(days=30),
    )
    procedure = procedure_page(review_owner=procedure_owner, next_review=today)
    procedure_page(review_owner=UserFactory.create(), next_review=today + timedelta(days=31))

    assert tasks.review_reminders_sweep_task.delay().get() == 2
    assert tasks.review_reminders_sweep_task.delay().get() == 0

    assert sorted(ReviewReminder.objects.values_list("page_id", "kind")) == sorted(
        [
            (guide.pk, ReviewReminderKind.DUE_SOON.value),
            (procedure.pk, ReviewReminderKind.DUE.value),
        ]
    )
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [guide_owner.email, procedure_owner.email]
    )


@pytest.mark.django_db
def test_the_editors_sync_takes_away_the_group_of_a_web_editor_who_left(
    today: date, django_capture_on_commit_callbacks: Any
) -> None:
    """A membership that ends by date has no save for a signal to react to: the nightly sync
    takes the person out of the organisation's editors' group."""
    with django_capture_on_commit_callbacks(execute=True):
        membership = MembershipFactory.create(
            web_editor=True, start_date=today - timedelta(days=90)
        )
        stays = MembershipFactory.create(organisation=membership.organisation, web_editor=True)
    group = membership.organisation.editors.group
    assert set(group.user_set.all()) == {membership.user, stays.user}
    Membership.objects.filter(pk=membership.pk).update(end_date=today - timedelta(days=1))

    assert tasks.page_editors_sync_task.delay().get() >= 2

    assert set(group.user_set.all()) == {stays.user}


def test_beat_runs_both_tasks() -> None:
    """Both are in CELERY_BEAT_SCHEDULE: without them no owner is ever reminded, and nobody who
    left ever loses editing rights."""
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert names >= BEAT_TASKS


def test_a_worker_knows_the_cms_tasks() -> None:
    """A worker started with `celery -A config worker` registers the tasks beat sends it (in a
    fresh process: this one has imported them already)."""
    assert tasks_a_new_worker_registers() >= BEAT_TASKS


# Through a real worker (Redis) -----------------------------------------------------------------
#
# As in tests/test_celery.py: a worker inside the test process, on a queue of the test's own, so
# it reads the test database and CI's separate worker cannot take the tasks.


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_review_sweep_and_reminds_once(
    tasks_queued_on_broker: None, private_queue: str, today: date
) -> None:
    """Beat's sweep, run by a worker, reads the page from the database and emails its owner;
    a second sweep finds nothing left to send."""
    membership = MembershipFactory.create()
    owner = membership.user
    guide = guide_page(
        organisation_page(membership.organisation),
        review_owner=owner,
        next_review=today + timedelta(days=30),
    )

    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[private_queue], shutdown_timeout=30
    ):
        first = tasks.review_reminders_sweep_task.delay()
        assert first.get(timeout=RESULT_TIMEOUT) == 1
        again = tasks.review_reminders_sweep_task.delay()
        assert again.get(timeout=RESULT_TIMEOUT) == 0

    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert mail.outbox[0].subject == (f"Review due by {guide.next_review:%-d %B %Y}: {guide.title}")
    assert list(ReviewReminder.objects.values_list("page_id", "kind")) == [
        (guide.pk, ReviewReminderKind.DUE_SOON.value)
    ]
