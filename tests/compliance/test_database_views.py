"""The applied-requirement view is dropped before and created again after every `migrate`, so
migrations that change the tables it reads work on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_migrate, pre_migrate

from compliance.models import AppliedRequirement
from tests.compliance.factories import RequirementFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _send(signal: object) -> None:
    signal.send(
        sender=apps.get_app_config("compliance"),
        app_config=apps.get_app_config("compliance"),
        verbosity=0,
        interactive=False,
        using=connection.alias,
        apps=apps,
        plan=[],
    )


def test_migrate_drops_the_view_first_and_creates_it_again_after() -> None:
    membership = MembershipFactory.create()
    requirement = RequirementFactory.create()

    _send(pre_migrate)
    with pytest.raises(DatabaseError), transaction.atomic():
        AppliedRequirement.objects.count()

    _send(post_migrate)
    assert list(AppliedRequirement.objects.values_list("membership", "requirement")) == [
        (membership.pk, requirement.pk)
    ]
