"""Hosts' writes: saving an opportunity with its dates (a requested date is never taken away),
publishing the next version of the confidentiality agreement, and marking shadowing hosts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from organisations.models import Membership
from shadowing.enums import DateMode, Duration, Status
from shadowing.errors import ShadowingError
from shadowing.models import Condition, ConfidentialityAgreement, Host, Opportunity
from shadowing.services.hosts import agreement_publish, hosts_set
from shadowing.services.opportunities import opportunity_save
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    HostFactory,
    OpportunityFactory,
    briefing_condition,
    placement_in,
)

pytestmark = pytest.mark.django_db


def weekday(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def fields(supervisor: Membership, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A day in the MASH",
        "team": "Multi-agency safeguarding hub",
        "description": "Sit with the duty social workers.",
        "not_included": "You observe only.",
        "location": "Civic Centre",
        "duration": Duration.DAY,
        "days": 1,
        "cpd_hours": None,
        "date_mode": DateMode.SPECIFIC,
        "places_per_date": 2,
        "places_per_month": 2,
        "eligible_sectors": [],
        "minimum_notice_days": 14,
        "supervisor": supervisor,
        "other_conditions": "",
        "joining_instructions": "Ask at reception.",
        "is_published": True,
    }
    return data | changes


def save(opportunity: Opportunity | None = None, **kwargs: Any) -> Opportunity:
    organisation = kwargs.pop("organisation")
    params: dict[str, Any] = {
        "organisation": organisation,
        "by": kwargs.pop("by"),
        "data": kwargs.pop("data"),
        "conditions": kwargs.pop("conditions", []),
        "eligible_job_roles": kwargs.pop("eligible_job_roles", []),
        "dates": kwargs.pop("dates"),
        "opportunity": opportunity,
    }
    return opportunity_save(**params)


def test_a_new_opportunity_has_its_dates_conditions_creator_and_default_hours() -> None:
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    supervisor = MembershipFactory(organisation=organisation)
    days = [weekday(20), weekday(40)]

    opportunity = save(
        organisation=organisation,
        by=coordinator.user,
        data=fields(supervisor, duration=Duration.HALF_DAY),
        conditions=[briefing_condition()],
        dates=days,
    )

    opportunity.refresh_from_db()
    assert opportunity.organisation == organisation
    assert opportunity.created_by == coordinator.user
    assert opportunity.created_at is not None
    assert opportunity.cpd_hours == Decimal("3.5")
    assert sorted(opportunity.dates.values_list("date", flat=True)) == days
    assert list(opportunity.conditions.all()) == [briefing_condition()]
    assert opportunity.history.latest().history_user == coordinator.user


def test_a_supervisor_from_another_organisation_is_refused() -> None:
    coordinator = MembershipFactory(coordinator=True)
    elsewhere = MembershipFactory()
    with pytest.raises(ShadowingError) as refusal:
        save(
            organisation=coordinator.organisation,
            by=coordinator.user,
            data=fields(elsewhere),
            dates=[weekday(20)],
        )
    assert refusal.value.field == "supervisor"
    assert not Opportunity.objects.exists()


def test_a_condition_asking_for_details_needs_them_and_only_then() -> None:
    coordinator = MembershipFactory(coordinator=True)
    own = Condition.objects.get(needs_details=True)
    supervisor = MembershipFactory(organisation=coordinator.organisation)
    common = {"organisation": coordinator.organisation, "by": coordinator.user}
    with pytest.raises(ShadowingError, match="Describe your own conditions"):
        save(**common, data=fields(supervisor), conditions=[own], dates=[weekday(20)])
    with pytest.raises(ShadowingError, match="Leave your own conditions blank"):
        save(
            **common,
            data=fields(supervisor, other_conditions="Wear flat shoes."),
            conditions=[briefing_condition()],
            dates=[weekday(20)],
        )
    saved = save(
        **common,
        data=fields(supervisor, other_conditions="Wear flat shoes."),
        conditions=[own],
        dates=[weekday(20)],
    )
    assert saved.other_conditions == "Wear flat shoes."


def test_editing_adds_new_dates_removes_unrequested_ones_and_keeps_past_ones() -> None:
    today = timezone.localdate()
    past, kept, dropped, added = today - timedelta(5), weekday(20), weekday(40), weekday(60)
    opportunity = OpportunityFactory(offered_dates=[past, kept, dropped])
    coordinator = MembershipFactory(coordinator=True, organisation=opportunity.organisation)

    save(
        opportunity,
        organisation=opportunity.organisation,
        by=coordinator.user,
        data=fields(opportunity.supervisor, title="Renamed"),
        dates=[kept, added],
    )

    opportunity.refresh_from_db()
    assert opportunity.title == "Renamed"
    assert sorted(opportunity.dates.values_list("date", flat=True)) == [past, kept, added]


@pytest.mark.parametrize("status", [Status.AWAITING_MANAGER, Status.CONFIRMED, Status.CANCELLED])
def test_a_requested_date_is_not_removed_and_nothing_changes(status: str) -> None:
    requested, other = weekday(30), weekday(60)
    opportunity = OpportunityFactory(offered_dates=[requested, other])
    placement_in(status, opportunity=opportunity)
    coordinator = MembershipFactory(coordinator=True, organisation=opportunity.organisation)

    with pytest.raises(ShadowingError) as refusal:
        save(
            opportunity,
            organisation=opportunity.organisation,
            by=coordinator.user,
            data=fields(opportunity.supervisor, title="Renamed"),
            dates=[other, weekday(80)],
        )

    assert f"{requested:%-d %B %Y}" in refusal.value.message
    if status != Status.CANCELLED:
        assert refusal.value.message.endswith("has a request; cancel or move it first.")
    opportunity.refresh_from_db()
    assert opportunity.title != "Renamed"
    assert sorted(opportunity.dates.values_list("date", flat=True)) == [requested, other]


def test_switching_to_by_arrangement_removes_future_dates() -> None:
    opportunity = OpportunityFactory()
    coordinator = MembershipFactory(coordinator=True, organisation=opportunity.organisation)
    save(
        opportunity,
        organisation=opportunity.organisation,
        by=coordinator.user,
        data=fields(opportunity.supervisor, date_mode=DateMode.BY_ARRANGEMENT),
        dates=[],
    )
    assert not opportunity.dates.exists()


# Agreements ------------------------------------------------------------------------------------


def test_publishing_numbers_the_next_version_and_keeps_the_earlier() -> None:
    organisation = OrganisationFactory()
    host = MembershipFactory(coordinator=True, organisation=organisation)
    first = agreement_publish(
        organisation=organisation, text="Version one.", by=host.user, based_on=None
    )
    second = agreement_publish(
        organisation=organisation, text="Version two.", by=host.user, based_on=1
    )
    assert (first.version, second.version) == (1, 2)
    assert second.created_by == host.user
    assert list(
        ConfidentialityAgreement.objects.filter(organisation=organisation).values_list(
            "version", "text"
        )
    ) == [(2, "Version two."), (1, "Version one.")]


def test_a_version_published_meanwhile_is_not_overwritten() -> None:
    agreement = ConfidentialityAgreementFactory(version=3)
    host = MembershipFactory(coordinator=True, organisation=agreement.organisation)
    with pytest.raises(ShadowingError, match="published version 3"):
        agreement_publish(
            organisation=agreement.organisation, text="Mine.", by=host.user, based_on=2
        )
    assert ConfidentialityAgreement.objects.count() == 1


# Hosts -----------------------------------------------------------------------------------------


def test_marking_and_unmarking_hosts() -> None:
    coordinator = MembershipFactory(coordinator=True)
    organisation = coordinator.organisation
    stays, goes = (
        HostFactory(membership__organisation=organisation),
        HostFactory(membership__organisation=organisation),
    )
    newcomer = MembershipFactory(organisation=organisation)

    added, removed = hosts_set(
        organisation=organisation,
        marked=[stays.membership_id, newcomer.pk],
        by=coordinator.user,
    )

    assert [m.pk for m in added] == [newcomer.pk]
    assert [m.pk for m in removed] == [goes.membership_id]
    marked = Host.objects.get(membership=newcomer)
    assert marked.marked_by == coordinator.user
    assert marked.marked_at is not None
    assert set(Host.objects.values_list("membership", flat=True)) == {
        stays.membership_id,
        newcomer.pk,
    }


def test_only_the_organisations_current_staff_can_be_marked() -> None:
    coordinator = MembershipFactory(coordinator=True)
    elsewhere = MembershipFactory()
    with pytest.raises(ShadowingError):
        hosts_set(organisation=coordinator.organisation, marked=[elsewhere.pk], by=coordinator.user)
    assert not Host.objects.exists()
