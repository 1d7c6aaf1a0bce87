"""The standards' cover table (which standards each standard meets) follows every change.

Compliance joins `StandardCover` instead of walking "satisfies" chains, so the table must
never drift: adding or removing what a standard satisfies, from either side, in the admin or in
code, creating a standard and deleting one must all leave exactly the pairs `covers_for` gives.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from compliance.enums import ComplianceStatus
from compliance.selectors.statuses import ComplianceDay, requirement_rows, with_dates
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.organisations.factories import MembershipFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import StandardCover, TrainingStandard
from training.services.standards import covers_for, standard_covers_rebuild

pytestmark = pytest.mark.django_db


def covers() -> set[tuple[str, str]]:
    """The table, as (standard, covered) slugs."""
    return set(StandardCover.objects.values_list("standard__slug", "covered__slug"))


def itself(*slugs: str) -> set[tuple[str, str]]:
    return {(slug, slug) for slug in slugs}


@pytest.fixture
def levels() -> tuple[TrainingStandard, TrainingStandard, TrainingStandard]:
    return (
        TrainingStandardFactory(name="Level 1", slug="l1"),
        TrainingStandardFactory(name="Level 2", slug="l2"),
        TrainingStandardFactory(name="Level 3", slug="l3"),
    )


# covers_for, the pure function ---------------------------------------------------------------


def test_covers_for_each_standard_meets_itself() -> None:
    assert covers_for([1, 2], []) == {(1, 1), (2, 2)}


def test_covers_for_follows_chains_and_diamonds() -> None:
    """4 meets 3 and 2, both meet 1: 4 meets everything, once each."""
    pairs = covers_for([1, 2, 3, 4], [(4, 3), (4, 2), (3, 1), (2, 1)])
    assert pairs == {(1, 1), (2, 2), (3, 3), (4, 4), (2, 1), (3, 1), (4, 3), (4, 2), (4, 1)}


def test_covers_for_stops_on_cycles() -> None:
    """A meets B and B meets A (which the admin refuses, but the database allows): each meets
    both, and the walk ends."""
    assert covers_for([1, 2, 3], [(1, 2), (2, 1), (3, 3)]) == {
        (1, 1),
        (1, 2),
        (2, 1),
        (2, 2),
        (3, 3),
    }


# The table, following changes made in code ----------------------------------------------------


def test_a_new_standard_meets_itself(levels: tuple[TrainingStandard, ...]) -> None:
    assert covers() == itself("l1", "l2", "l3")


def test_adding_and_removing_what_a_standard_satisfies(
    levels: tuple[TrainingStandard, ...],
) -> None:
    level_1, level_2, level_3 = levels
    level_3.satisfies.add(level_2)
    level_2.satisfies.add(level_1)
    assert covers() == itself("l1", "l2", "l3") | {("l3", "l2"), ("l2", "l1"), ("l3", "l1")}
    level_2.satisfies.remove(level_1)
    assert covers() == itself("l1", "l2", "l3") | {("l3", "l2")}
    level_3.satisfies.clear()
    assert covers() == itself("l1", "l2", "l3")


def test_changes_from_the_lower_standards_side(levels: tuple[TrainingStandard, ...]) -> None:
    """`satisfied_by` is the same relation seen from below."""
    level_1, level_2, level_3 = levels
    level_1.satisfied_by.add(level_2, level_3)
    assert covers() == itself("l1", "l2", "l3") | {("l2", "l1"), ("l3", "l1")}
    level_1.satisfied_by.remove(level_2)
    assert covers() == itself("l1", "l2", "l3") | {("l3", "l1")}
    level_1.satisfied_by.set([level_2])
    assert covers() == itself("l1", "l2", "l3") | {("l2", "l1")}


def test_deleting_a_standard_in_the_middle_of_a_chain(
    levels: tuple[TrainingStandard, ...],
) -> None:
    """With level 2 gone, level 3 no longer meets level 1 through it."""
    level_1, level_2, level_3 = levels
    level_3.satisfies.add(level_2)
    level_2.satisfies.add(level_1)
    level_2.delete()
    assert covers() == itself("l1", "l3")


def test_deleting_standards_in_bulk(levels: tuple[TrainingStandard, ...]) -> None:
    level_1, level_2, level_3 = levels
    level_3.satisfies.add(level_2)
    level_2.satisfies.add(level_1)
    TrainingStandard.objects.filter(slug="l2").delete()
    assert covers() == itself("l1", "l3")


def test_rebuild_repairs_a_table_that_drifted(levels: tuple[TrainingStandard, ...]) -> None:
    """Bulk inserts send no signals: a rebuild puts the table right, adding and removing."""
    level_1, level_2, level_3 = levels
    TrainingStandard.satisfies.through.objects.bulk_create(
        [
            TrainingStandard.satisfies.through(
                from_trainingstandard=level_3, to_trainingstandard=level_1
            )
        ]
    )
    StandardCover.objects.create(standard=level_1, covered=level_2)  # wrong
    standard_covers_rebuild()
    assert covers() == itself("l1", "l2", "l3") | {("l3", "l1")}


def test_a_cycle_does_not_hang(levels: tuple[TrainingStandard, ...]) -> None:
    """A meets B and B meets A: each meets the other, and compliance still computes."""
    level_1, level_2, _ = levels
    level_1.satisfies.add(level_2)
    level_2.satisfies.add(level_1)
    assert covers() == itself("l1", "l2", "l3") | {("l1", "l2"), ("l2", "l1")}

    membership = MembershipFactory(start_date=date(2020, 1, 1))
    requirement = RequirementFactory(standard=level_2, applies_from=date(2020, 1, 1))
    TrainingRecordFactory(user=membership.user, completed_on=date(2024, 1, 1), standards=[level_1])
    day = ComplianceDay(on=date(2025, 1, 1), due_soon_days=60)
    row = with_dates(requirement_rows(day), day).get(membership=membership, requirement=requirement)
    assert row.status == ComplianceStatus.IN_DATE


# The table, following changes made in the admin ----------------------------------------------


@pytest.fixture
def admin_client(client: Client) -> Client:
    user: User = UserFactory.create(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    return client


def _standard_form(name: str, slug: str, satisfies: list[int]) -> dict[str, object]:
    return {
        "name": name,
        "slug": slug,
        "description": "",
        "validity_months": "36",
        "cpd_hours_required": "",
        "satisfies": satisfies,
    }


def test_the_admin_adds_a_standard_that_satisfies_others(
    admin_client: Client, levels: tuple[TrainingStandard, ...]
) -> None:
    level_1, level_2, _ = levels
    level_2.satisfies.add(level_1)
    response = admin_client.post(
        reverse("trainingstandard_admin:add"), _standard_form("Level 4", "l4", [level_2.pk])
    )
    assert response.status_code == 302
    assert covers() == itself("l1", "l2", "l3", "l4") | {("l2", "l1"), ("l4", "l2"), ("l4", "l1")}


def test_the_admin_changes_what_a_standard_satisfies(
    admin_client: Client, levels: tuple[TrainingStandard, ...]
) -> None:
    level_1, level_2, level_3 = levels
    level_3.satisfies.add(level_2)
    response = admin_client.post(
        reverse("trainingstandard_admin:edit", args=[level_2.pk]),
        _standard_form("Level 2", "l2", [level_1.pk]),
    )
    assert response.status_code == 302
    assert covers() == itself("l1", "l2", "l3") | {("l3", "l2"), ("l2", "l1"), ("l3", "l1")}
    response = admin_client.post(
        reverse("trainingstandard_admin:edit", args=[level_2.pk]),
        _standard_form("Level 2", "l2", []),
    )
    assert response.status_code == 302
    assert covers() == itself("l1", "l2", "l3") | {("l3", "l2")}


def test_the_admin_deletes_a_standard(
    admin_client: Client, levels: tuple[TrainingStandard, ...]
) -> None:
    level_1, level_2, level_3 = levels
    level_3.satisfies.add(level_2)
    level_2.satisfies.add(level_1)
    response = admin_client.post(reverse("trainingstandard_admin:delete", args=[level_2.pk]))
    assert response.status_code == 302
    assert not TrainingStandard.objects.filter(pk=level_2.pk).exists()
    assert covers() == itself("l1", "l3")
