"""Fixtures for certificates' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Verification counts are per client address, in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
