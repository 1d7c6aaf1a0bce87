"""Fixtures and rules shared by the whole suite.

Some tests need real services: PostgreSQL (`postgres` marker), Redis with a Celery worker
(`redis`) or Chromium (`browser`). When a service is missing such a test is skipped with the
reason shown in the summary, except under CI=true, where a missing service fails the test:
CI must never pass by skipping. A run that deliberately leaves them out deselects them with -m.

No test may depend on the day it runs. HUB_TEST_CLOCK_SHIFT_DAYS=400 moves the clock of the whole
run (this process and its live_server threads) that many days ahead, as CI does in a stage of its
own; a test about a particular day travels there with `@pytest.mark.time_machine(...)`
(docs/testing.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection

from tests import postgres_flush
from tests.organisation_pages import organisation_pages_made_at_once

IN_CI = os.environ.get("CI", "").lower() == "true"

CLOCK_SHIFT_VARIABLE = "HUB_TEST_CLOCK_SHIFT_DAYS"
_SESSION_CLOCK = pytest.StashKey[time_machine.travel]()


def _clock_shift() -> timedelta:
    """How far ahead of the real day the run's clock stands: none unless the variable says."""
    raw = os.environ.get(CLOCK_SHIFT_VARIABLE, "").strip() or "0"
    try:
        return timedelta(days=int(raw))
    except ValueError:
        raise pytest.UsageError(
            f"{CLOCK_SHIFT_VARIABLE} must be a whole number of days, not {raw!r}."
        ) from None


def pytest_configure(config: pytest.Config) -> None:
    """Move the clock before any test database exists, so migrations, the seeded demo,
    factories, views and live_server's threads all read the same moved day. The clock keeps
    ticking (a frozen one would hide nothing but make every timestamp equal). Processes the run
    starts (Chromium, a Celery worker) keep the real clock. Also: transactional tests empty
    PostgreSQL's tables faster (tests/postgres_flush.py)."""
    postgres_flush.install()
    shift = _clock_shift()
    if not shift:
        return
    clock = time_machine.travel(datetime.now(tz=UTC) + shift, tick=True)
    clock.start()
    config.stash[_SESSION_CLOCK] = clock


def pytest_unconfigure(config: pytest.Config) -> None:
    clock = config.stash.get(_SESSION_CLOCK, None)
    if clock is not None:
        clock.stop()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Modules to processes, with tests/demo kept together (tests/scheduling.py)."""
    from tests.scheduling import make_scheduler

    return make_scheduler(config, log)


def pytest_report_header(config: pytest.Config) -> str:
    shift = _clock_shift()
    if not shift:
        return f"clock: the real day ({CLOCK_SHIFT_VARIABLE} moves it)"
    return (
        f"clock: {shift.days} days ahead, {datetime.now(tz=UTC):%d %B %Y} ({CLOCK_SHIFT_VARIABLE})"
    )


def _postgres_missing() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    return None


def _redis_missing() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not url:
        return "needs Redis: set CELERY_BROKER_URL and REDIS_URL"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"needs Redis at {url}: {error}"
    return None


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or None


def _browser_missing() -> str | None:
    if chromium_path() is None:
        return "needs Chromium: apt-get install chromium, or set CHROMIUM_PATH"
    return None


SERVICE_CHECKS: dict[str, Callable[[], str | None]] = {
    "postgres": _postgres_missing,
    "redis": _redis_missing,
    "browser": _browser_missing,
}


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, check in SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) is None:
            continue
        missing = check()
        if missing is None:
            continue
        if IN_CI:
            pytest.fail(f"CI=true and this test {missing}", pytrace=False)
        pytest.skip(missing)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    """Hashing passwords properly takes ~0.3 s each; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_url(settings: pytest.FixtureRequest) -> None:
    """Links in emails are built from SITE_URL; tests assert on them."""
    settings.SITE_URL = "https://hub.partnership.example"


@pytest.fixture(autouse=True)
def _celery_tasks_run_in_test() -> Iterator[None]:
    """Tasks run eagerly in the test's own process, so a test sees what they did.

    CI exports CELERY_BROKER_URL for the worker tests (tests/test_celery.py). Without this,
    every other test would queue its tasks on Redis for a worker that cannot see the test
    database. The worker tests switch it off for themselves.
    """
    from celery import _state

    from config.celery import app

    # A worker started in this process (tests/test_celery.py) marks the process as a worker's,
    # where waiting for a result is refused; eager tasks in later tests may wait for theirs.
    _state._set_task_join_will_block(False)
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def tasks_queued_on_broker() -> Iterator[None]:
    """Undo the suite's eager tasks (above), so tasks travel through Redis to a real worker.

    For the worker tests (`redis` marker) only, with `private_queue`.
    """
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def private_queue() -> Iterator[str]:
    """A queue of the test's own, so the CI's separate worker, which listens on the default
    queue and reads the real database rather than the test one, cannot take the test's tasks
    (the tasks a swept task queues go there too, to the test's worker)."""
    import uuid

    from config.celery import app

    name = f"test-{uuid.uuid4().hex}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture(scope="session", autouse=True)
def _redis_cache_per_process() -> Iterator[None]:
    """With pytest-xdist, each process its own Redis database for the cache.

    Every test starts with an empty cache (below), and emptying a Redis cache empties its whole
    database, so two processes sharing one would empty each other's mid-test. Process `gwN`
    uses the database numbered N + 2 above the configured one (the configured one and the next,
    the broker's in CI, are left to the serial run); .ci/run empties them afterwards.
    """
    from django.conf import settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache = settings.CACHES["default"]
    if not worker.startswith("gw") or not cache["BACKEND"].endswith("RedisCache"):
        yield
        return
    base, _, number = str(cache["LOCATION"]).rpartition("/")
    location = f"{base}/{int(number or 0) + 2 + int(worker[2:])}"
    with override_settings(CACHES={"default": {**cache, "LOCATION": location}}):
        yield


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache, so one test's sign-ins never trip another's
    rate limits (allauth counts attempts per IP address in the cache, shared through Redis
    in CI)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_temporary_folder(
    settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Uploaded files (logos, import files) go to a throwaway folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private-media")


@pytest.fixture
def organisation_pages_at_once() -> Iterator[None]:
    """Each new organisation gets its editors' group and draft page as soon as it is saved
    (tests/organisation_pages.py says why this is not the default)."""
    with organisation_pages_made_at_once():
        yield


@pytest.fixture
def team_member() -> Any:
    """A partnership team member with MFA set up, as everyone who uses the admin must have."""
    from tests.accounts.factories import UserFactory, enrol_totp

    user = UserFactory.create(partnership_team=True)
    enrol_totp(user)
    return user
