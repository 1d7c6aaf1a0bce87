"""Organisations' pages made at once, for the tests about pages and editors.

In the product a new organisation's editors' group and draft page are made just after the
organisation is committed (cms.signals queues a task on commit). A test's transaction never
commits, so without this no factory-made organisation has them, which is what most tests want
(about 90 queries saved for each organisation). Tests about pages and editors use
`organisation_pages_made_at_once()`: tests/cms for every test (its conftest), others through
the `organisation_pages_at_once` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

UID = "tests_organisation_pages_at_once"


def _provision(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    from cms.services.editors import organisation_page_provision

    if created and not raw:
        organisation_page_provision(organisation=instance)


def connect() -> None:
    from django.db.models.signals import post_save

    from organisations.models import Organisation

    post_save.connect(_provision, sender=Organisation, dispatch_uid=UID)


def disconnect() -> bool:
    """Returns whether it was connected."""
    from django.db.models.signals import post_save

    from organisations.models import Organisation

    return post_save.disconnect(sender=Organisation, dispatch_uid=UID)


@contextmanager
def organisation_pages_made_at_once() -> Iterator[None]:
    connect()
    try:
        yield
    finally:
        disconnect()


@contextmanager
def organisation_pages_as_in_the_product() -> Iterator[None]:
    """Inside a test that has pages at once: what the product does (on commit) instead."""
    was_connected = disconnect()
    try:
        yield
    finally:
        if was_connected:
            connect()
