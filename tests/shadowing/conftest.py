"""Shadowing's tests: the checklist of host conditions that migration 0002 adds is there for
every test, even after a transactional test (threads, browser) emptied the tables."""

from __future__ import annotations

import pytest

from tests.shadowing.factories import checklist_ensure


@pytest.fixture(autouse=True)
def _checklist(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    checklist_ensure()
