"""Every cms test is about pages and their editors, so organisations get theirs at once,
including in the worlds modules build once (hence the package scope)."""

from collections.abc import Iterator

import pytest

from tests.organisation_pages import organisation_pages_made_at_once


@pytest.fixture(scope="package", autouse=True)
def _organisation_pages_at_once() -> Iterator[None]:
    with organisation_pages_made_at_once():
        yield
