"""The whole demo, seeded once, for the modules that check `seed_demo` (tests/demo)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

# Hashing every demo account's password properly would take most of a minute.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def demo_seeded_for_module(
    django_db_blocker: DjangoDbBlocker, *, private_media: Path
) -> Iterator[None]:
    """The demo partnership, seeded once because a full seed takes seconds.

    As Django's `TestCase.setUpTestData` does, the seed runs inside a transaction that stays
    open for the module: each test runs in a savepoint within it (the `django_db` mark), so a
    test that changes data leaves the seed as it was, and the whole seed is rolled back at the
    end, leaving the database empty for other modules. The demo's evidence certificates go to
    `private_media`, a throwaway folder, not the project's.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS, PRIVATE_MEDIA_ROOT=private_media):
                call_command("seed_demo", "--force", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
