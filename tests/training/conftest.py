"""Fixtures shared by the training tests."""

from __future__ import annotations

import pytest

from training.services import booking as booking_service


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """The notifications the booking services queue, as (booking id, kind). Recorded rather
    than sent so a test can assert which were queued; sending them is tested with the
    notifications (tests/training/test_notifications.py)."""
    queued: list[tuple[int, str]] = []

    def record(*, booking_id: int, kind: str, key: str = "") -> None:
        queued.append((booking_id, kind))

    monkeypatch.setattr(booking_service, "notify_on_commit", record)
    return queued
