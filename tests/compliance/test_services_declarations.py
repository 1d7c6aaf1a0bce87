"""A governor's declaration that they have read the statutory guidance
(`compliance.services.declarations`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from compliance.models import GovernorDeclaration
from compliance.services.declarations import declaration_record
from organisations.models import Membership
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EDITION = "Keeping children safe in education 2026"


@pytest.fixture
def governor() -> Membership:
    return MembershipFactory(governor=True, start_date=date(2024, 9, 1))


def test_records_the_edition_and_the_day(governor: Membership) -> None:
    result = declaration_record(membership=governor, edition=EDITION)
    assert result.created
    declaration = GovernorDeclaration.objects.get()
    assert (declaration.membership, declaration.edition, declaration.declared_on) == (
        governor,
        EDITION,
        timezone.localdate(),
    )


def test_declaring_the_same_edition_again_keeps_the_first(governor: Membership) -> None:
    first = declaration_record(
        membership=governor, edition=EDITION, declared_on=date(2026, 9, 10)
    ).declaration
    again = declaration_record(membership=governor, edition=EDITION)
    assert not again.created
    assert again.declaration == first
    assert again.declaration.declared_on == date(2026, 9, 10)
    assert GovernorDeclaration.objects.count() == 1


def test_a_new_edition_is_declared_separately(governor: Membership) -> None:
    declaration_record(membership=governor, edition="Keeping children safe in education 2025")
    assert declaration_record(membership=governor, edition=EDITION).created
    assert GovernorDeclaration.objects.count() == 2


@pytest.mark.parametrize(
    ("membership_kwargs", "message"),
    [
        ({}, "Only governors declare that they have read the guidance."),
        (
            {"governor": True, "end_date": timezone.localdate() - timedelta(days=1)},
            "has ended, so there is nothing to declare.",
        ),
    ],
)
def test_only_current_governors_declare(membership_kwargs: dict, message: str) -> None:
    membership = MembershipFactory(start_date=date(2024, 9, 1), **membership_kwargs)
    with pytest.raises(ValidationError, match=message):
        declaration_record(membership=membership, edition=EDITION)
    assert not GovernorDeclaration.objects.exists()
