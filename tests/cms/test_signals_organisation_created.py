"""Making an organisation is cheap; its editors' group and draft page follow on commit.

(This module turns off tests/cms's "pages at once" so it sees what the product does.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models.editors import OrganisationEditors
from cms.models.pages import OrganisationPage
from cms.services.editors import page_editors_sync_all
from tests.organisation_pages import organisation_pages_as_in_the_product
from tests.organisations.factories import OrganisationFactory

OnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _as_in_the_product() -> Iterator[None]:
    with organisation_pages_as_in_the_product():
        yield


def test_making_an_organisation_takes_under_20_queries(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    """It was 119 queries when the page was made in the same breath (118 → 92 after bulk
    permissions); now the insert is a handful and the page work waits for the commit."""
    OrganisationFactory.create()
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks() as queued,
    ):
        organisation = OrganisationFactory.create()
    assert len(captured.captured_queries) < 20
    assert len(queued) == 1
    assert not OrganisationPage.objects.filter(organisation=organisation).exists()


def test_the_page_and_group_are_made_when_the_organisation_is_committed(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        organisation = OrganisationFactory.create(name="Lee Green Nursery")
    page = OrganisationPage.objects.get(organisation=organisation)
    assert page.title == "Lee Green Nursery"
    assert not page.live
    assert OrganisationEditors.objects.filter(organisation=organisation).exists()


def test_the_nightly_sync_makes_pages_a_lost_task_never_made() -> None:
    """A task that never ran (a broker down at the moment of the commit) is made up at night."""
    organisation = OrganisationFactory.create()  # the test never commits: no task ran
    assert not OrganisationPage.objects.filter(organisation=organisation).exists()
    page_editors_sync_all()
    assert OrganisationPage.objects.filter(organisation=organisation).exists()
    assert OrganisationEditors.objects.filter(organisation=organisation).exists()
    page_editors_sync_all()  # and a second night changes nothing
    assert OrganisationPage.objects.filter(organisation=organisation).count() == 1
