"""The demo, seeded once for all of tests/demo, because a full seed takes seconds.

As Django's `TestCase.setUpTestData` does, the seed runs inside a transaction that stays open
for the package: each test runs in a savepoint within it (the `django_db` mark), so a test that
changes data (or seeds again) leaves the seed as it was, and the whole seed is rolled back at
the end, leaving the database empty for other tests. With pytest-xdist each process that runs
tests from here seeds once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import DjangoDbBlocker

from tests.demo.database import demo_seeded_for_module


@pytest.fixture(scope="package")
def demo_private_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the demo's evidence certificates go: a throwaway folder, not the project's."""
    return tmp_path_factory.mktemp("demo-private-media")


@pytest.fixture(scope="package")
def demo_seeded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker, demo_private_media: Path
) -> Iterator[None]:
    with demo_seeded_for_module(django_db_blocker, private_media=demo_private_media):
        yield
