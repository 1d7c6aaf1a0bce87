"""The demo's shadowing (`demo.shadowing`): written directly rather than through the workflow
services, so these tests hold the rows to the rules the services keep (places within capacity,
checks before confirmation, a record and reflection for each completed placement, never one's
own organisation), then to the README's stories."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count, F

from organisations.models import Membership
from shadowing.enums import PLACE_HOLDING_STATUSES, Status
from shadowing.models import Opportunity, Placement, PlacementCheck, ReturnInvitation
from training.enums import RecordSource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seeded")]


def _demo(local: str) -> Membership:
    return Membership.objects.select_related("user").get(user__email=f"{local}@demo.example")


def test_every_state_has_a_placement() -> None:
    states = set(Placement.objects.values_list("status", flat=True))
    assert states == set(Status.values)


def test_opportunities_span_the_partnership() -> None:
    sectors = set(Opportunity.objects.values_list("organisation__sector", flat=True))
    assert {"childrens_social_care", "police", "health_trust", "school", "voluntary"} <= sectors
    assert Opportunity.objects.count() == 7


def test_places_never_exceed_capacity() -> None:
    per_date = (
        Placement.objects.filter(status__in=PLACE_HOLDING_STATUSES, visit_month__isnull=True)
        .values("opportunity", "visit_date", "places")
        .annotate(n=Count("id"))
    )
    assert per_date
    assert all(row["n"] <= row["places"] for row in per_date)
    assert not Placement.objects.filter(home_organisation=F("host_organisation")).exists()


def test_confirmed_and_later_have_every_check() -> None:
    for placement in Placement.objects.filter(
        status__in=[Status.CONFIRMED, Status.AWAITING_REFLECTION, Status.COMPLETED]
    ).prefetch_related("opportunity__conditions", "checks"):
        wanted = {c.pk for c in placement.opportunity.conditions.all()}
        assert {c.condition_id for c in placement.checks.all()} == wanted
    assert not PlacementCheck.objects.exclude(dbs_level="").filter(dbs_issued_on=None).exists()


def test_completed_placements_have_a_reflection_and_a_shadowing_record() -> None:
    completed = Placement.objects.filter(status=Status.COMPLETED).select_related(
        "training_record", "reflection", "opportunity"
    )
    assert completed.count() >= 20
    for placement in completed:
        assert placement.reflection.written_at >= placement.outcome_recorded_at
        record = placement.training_record
        assert record.source == RecordSource.SHADOWING
        assert record.cpd_hours == placement.opportunity.cpd_hours
        assert record.user_id == placement.visitor.user_id


def test_the_sector_matrix_has_many_pairs() -> None:
    pairs = Counter(
        Placement.objects.filter(status=Status.COMPLETED).values_list(
            "home_organisation__sector", "host_organisation__sector"
        )
    )
    assert len(pairs) >= 10


def test_the_practitioners_stories() -> None:
    practitioner, manager = _demo("practitioner"), _demo("manager")
    mine = Placement.objects.filter(visitor=practitioner)
    waiting = mine.get(status=Status.AWAITING_MANAGER)
    assert waiting.visitor.line_manager == manager
    assert mine.filter(status=Status.CONFIRMED).exists()
    returned = mine.get(status=Status.COMPLETED)
    invitation = ReturnInvitation.objects.get(placement=returned.reciprocal_of)
    assert invitation.invited_visitor == practitioner
    assert returned.reciprocal_of.host_organisation == practitioner.organisation


def test_the_manager_has_feedback_to_give() -> None:
    manager = _demo("manager")
    assert Placement.objects.filter(
        supervisor=manager, status=Status.AWAITING_REFLECTION, supervisor_feedback=""
    ).exists()


def test_the_coordinator_hosts_requests_checks_and_visits() -> None:
    coordinator = _demo("coordinator")
    hosted = Placement.objects.filter(host_organisation=coordinator.organisation)
    for status in (Status.AWAITING_HOST, Status.AWAITING_CHECKS, Status.CONFIRMED):
        assert hosted.filter(status=status).exists(), status


def test_the_police_officer_can_ask_for_a_day_with_the_mash() -> None:
    police = _demo("police")
    mash = Opportunity.objects.get(title__startswith="A day with the Multi-Agency")
    # The README names his line manager, who approves.
    assert police.line_manager.user.email == "sandra.ho@met-police.example"
    assert police.organisation.sector in mash.eligible_sectors
    assert not Placement.objects.open().filter(visitor=police, opportunity=mash).exists()
    assert Placement.objects.filter(visitor=police, status=Status.COMPLETED).exists()
