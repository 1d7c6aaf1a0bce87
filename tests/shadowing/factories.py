"""Factories for shadowing: hosts, agreements, opportunities on set dates or by arrangement, and
placements in any state (`placement_in`). Dates come from `timezone.localdate()`, which the
tests' clock controls."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from typing import Any

import factory
from django.apps import apps as django_apps
from django.utils import timezone

from organisations.enums import Sector
from organisations.models import Membership
from shadowing.enums import (
    ENDED_WITH_A_REASON,
    HAVE_AN_OUTCOME,
    WERE_ACCEPTED,
    WERE_CONFIRMED,
    CheckKind,
    DateMode,
    Duration,
    Status,
)
from shadowing.models import (
    Condition,
    ConfidentialityAgreement,
    Host,
    Opportunity,
    OpportunityDate,
    Placement,
    PlacementCheck,
    Reflection,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory


def condition(met_by: str) -> Condition:
    """The first condition on the checklist (migration 0002) met in this way. A transactional
    test empties the tables, migration data included, so the checklist is put back if gone."""
    checklist_ensure()
    found = Condition.objects.filter(met_by=met_by, needs_details=False).order_by("order").first()
    assert found is not None
    return found


def checklist_ensure() -> None:
    """Put back migration 0002's checklist if a transactional test emptied the table."""
    if not Condition.objects.exists():
        import_module("shadowing.migrations.0002_standard_conditions").add(django_apps, None)


def dbs_condition() -> Condition:
    return condition(CheckKind.HOME_DBS)


def agreement_condition() -> Condition:
    return condition(CheckKind.AGREEMENT)


def briefing_condition() -> Condition:
    return condition(CheckKind.HOST_RECORDS)


class HostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Host

    membership = factory.SubFactory(MembershipFactory)
    marked_at = factory.LazyFunction(timezone.now)


class ConfidentialityAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfidentialityAgreement

    organisation = factory.SubFactory(OrganisationFactory)
    version = 1
    text = "I will keep confidential everything I see and hear about children and families."
    created_at = factory.LazyFunction(timezone.now)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A day with a host team on set dates, one visitor a date, 14 days' notice, open to every
    sector, with no conditions (add them with `conditions=[...]`)."""

    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, sector=Sector.CHILDRENS_SOCIAL_CARE)
    title = factory.Sequence(lambda n: f"A day with team {n}")
    team = "Multi-agency safeguarding hub"
    description = "Sit with the duty social workers as referrals come in and are screened."
    location = "Civic Centre, Catford Road, London SE6 4RU"
    duration = Duration.DAY
    days = 1
    cpd_hours = Decimal("7")
    date_mode = DateMode.SPECIFIC
    places_per_date = 1
    places_per_month = 2
    minimum_notice_days = 14
    supervisor = factory.LazyAttribute(lambda o: MembershipFactory(organisation=o.organisation))
    joining_instructions = "Ask for the duty manager at reception. Bring photo ID."
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def conditions(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.conditions.set(extracted)

    @factory.post_generation
    def offered_dates(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Set dates 30 and 60 days ahead unless given (a list of dates) or by arrangement."""
        if not create or self.date_mode != DateMode.SPECIFIC:
            return
        today = timezone.localdate()
        days = (
            extracted if extracted is not None else [today + timedelta(30), today + timedelta(60)]
        )
        for day in days:
            OpportunityDate.objects.create(opportunity=self, date=day)

    class Params:
        by_arrangement = factory.Trait(date_mode=DateMode.BY_ARRANGEMENT)


def visitor_membership(**kwargs: Any) -> Membership:
    """A member of staff (of a police force, unless given) with a line manager."""
    organisation = kwargs.pop("organisation", None) or OrganisationFactory(sector=Sector.POLICE)
    manager = MembershipFactory(organisation=organisation)
    return MembershipFactory(organisation=organisation, line_manager=manager, **kwargs)


class PlacementFactory(factory.django.DjangoModelFactory):
    """A request waiting for the line manager, for the opportunity's first date."""

    class Meta:
        model = Placement

    opportunity = factory.SubFactory(OpportunityFactory)
    visitor = factory.LazyFunction(visitor_membership)
    home_organisation = factory.LazyAttribute(lambda o: o.visitor.organisation)
    host_organisation = factory.LazyAttribute(lambda o: o.opportunity.organisation)
    line_manager = factory.LazyAttribute(lambda o: o.visitor.line_manager)
    status = Status.AWAITING_MANAGER
    learning_goals = "To understand how the MASH decides what happens to a referral."
    requested_date = factory.LazyAttribute(lambda o: o.opportunity.dates.first())
    requested_at = factory.LazyFunction(timezone.now)


# What each state has filled in, beyond a fresh request.
def _state_fields(placement: Placement, status: str) -> dict[str, Any]:
    now = timezone.now()
    day = (
        placement.requested_date.date
        if placement.requested_date
        else (timezone.localdate() + timedelta(30))
    )
    fields: dict[str, Any] = {"status": status}
    approved = status not in {Status.AWAITING_MANAGER, Status.DECLINED_BY_MANAGER}
    if status != Status.AWAITING_MANAGER:
        fields["manager_decided_at"] = now
    accepted = status in WERE_ACCEPTED
    if approved and status not in {Status.AWAITING_HOST}:
        fields["host_decided_at"] = now
    if accepted:
        fields["supervisor"] = placement.opportunity.supervisor
        fields["visit_date"] = day
        if placement.opportunity.by_arrangement:
            fields["visit_month"] = day.replace(day=1)
            fields["places"] = placement.opportunity.places_per_month
        else:
            fields["places"] = placement.opportunity.places_per_date
        fields["place_number"] = 1 if status != Status.DID_NOT_HAPPEN else None
    if status in WERE_CONFIRMED:
        fields["confirmed_at"] = now
    if status in HAVE_AN_OUTCOME:
        fields["outcome_recorded_at"] = now
    if status == Status.COMPLETED:
        fields["completed_at"] = now
    if status in ENDED_WITH_A_REASON:
        fields["ended_at"] = now
        fields["reason"] = "Not possible this time."
    return fields


def placement_in(status: str, **kwargs: Any) -> Placement:
    """A placement in `status`, with what that state has filled in (a place held from
    acceptance; dates, supervisor and times set). No checks, reflection or record are made:
    add them where a test needs them."""
    if "opportunity" not in kwargs:
        kwargs["opportunity"] = OpportunityFactory()
    if "visitor" not in kwargs:
        kwargs["visitor"] = visitor_membership()
    placement = PlacementFactory.build(**kwargs)
    for name, value in _state_fields(placement, status).items():
        if name not in kwargs:
            setattr(placement, name, value)
    placement.save()
    return placement


class PlacementCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementCheck

    placement = factory.SubFactory(PlacementFactory)
    condition = factory.LazyFunction(briefing_condition)
    recorded_at = factory.LazyFunction(timezone.now)


class ReflectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reflection

    placement = factory.LazyFunction(lambda: placement_in(Status.COMPLETED))
    learnt_about_role = "How the MASH weighs information from every agency before deciding."
    surprised_me = "How much depends on what the referrer writes."
    do_differently = "Write referrals that say what I am worried about and why."
    share_with_team = "What the MASH needs in a referral."
    written_at = factory.LazyFunction(timezone.now)
