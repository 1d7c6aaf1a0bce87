"""Recording a placement's checks (shadowing/services/checks.py) and reading what is left
(shadowing/selectors/checks.py): each condition once, by the people who meet it; a DBS check
keeps its level and date, never a certificate number; an agreement keeps the version signed;
the visit is confirmed when, and only when, the last check is recorded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from shadowing.enums import CheckKind, DbsLevel, Event, Party, Status
from shadowing.errors import ShadowingError
from shadowing.models import Condition, Placement, PlacementCheck
from shadowing.selectors.checks import check_recordable_by, checks_outstanding, current_agreement
from shadowing.services import notifications
from shadowing.services.checks import placement_check_record
from shadowing.states import TransitionRefused
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    HostFactory,
    OpportunityFactory,
    PlacementCheckFactory,
    agreement_condition,
    briefing_condition,
    condition,
    dbs_condition,
    placement_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """What `placement_notify` was asked to tell (the emails are another module's to test)."""
    calls: list[tuple[int, str]] = []

    def record(*, placement: Placement, event: str) -> None:
        calls.append((placement.pk, event))

    monkeypatch.setattr(notifications, "placement_notify", record)
    return calls


def _awaiting_checks(*conditions: Condition) -> Placement:
    opportunity = OpportunityFactory(conditions=list(conditions))
    ConfidentialityAgreementFactory(organisation=opportunity.organisation, version=1)
    return placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)


def _host(placement: Placement) -> User:
    return HostFactory(
        membership=MembershipFactory(organisation=placement.host_organisation)
    ).membership.user


def _state(placement: Placement) -> tuple[object, ...]:
    row = Placement.objects.values_list("status", "confirmed_at").get(pk=placement.pk)
    return (*row, placement.checks.count(), placement.history.count())


def test_confirmed_only_when_every_check_is_recorded(told: list[tuple[int, str]]) -> None:
    dbs, agreement, briefing = dbs_condition(), agreement_condition(), briefing_condition()
    placement = _awaiting_checks(dbs, agreement, briefing)
    manager = placement.visitor.line_manager.user
    host = _host(placement)
    assert checks_outstanding(placement) == sorted(
        [dbs, agreement, briefing], key=lambda c: (c.order, c.name)
    )

    placement_check_record(
        placement_id=placement.pk,
        by=manager,
        condition_id=dbs.pk,
        dbs_level=DbsLevel.ENHANCED_BARRED,
        dbs_issued_on=timezone.localdate() - timedelta(days=400),
    )
    placement_check_record(
        placement_id=placement.pk, by=placement.visitor.user, condition_id=agreement.pk
    )
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_CHECKS
    assert placement.confirmed_at is None
    assert checks_outstanding(placement) == [briefing]
    assert told == []

    placement_check_record(
        placement_id=placement.pk, by=host, condition_id=briefing.pk, note="Briefed by phone."
    )
    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED
    assert placement.confirmed_at is not None
    assert checks_outstanding(placement) == []
    assert told == [(placement.pk, Event.CONFIRMED)]
    latest = placement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        host,
        "Every check recorded: confirmed",
    )
    recorded = {c.condition_id: c for c in placement.checks.all()}
    assert recorded[dbs.pk].recorded_by == manager
    assert recorded[dbs.pk].dbs_level == DbsLevel.ENHANCED_BARRED
    assert recorded[briefing.pk].note == "Briefed by phone."
    assert recorded[briefing.pk].dbs_level == ""


def test_a_dbs_check_may_be_confirmed_by_a_coordinator_of_the_visitors_organisation() -> None:
    placement = _awaiting_checks(dbs_condition())
    coordinator = MembershipFactory(organisation=placement.home_organisation, coordinator=True)
    check = placement_check_record(
        placement_id=placement.pk,
        by=coordinator.user,
        condition_id=dbs_condition().pk,
        dbs_level=DbsLevel.ENHANCED,
        dbs_issued_on=timezone.localdate(),
    )
    assert check.dbs_issued_on == timezone.localdate()
    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("kind", "who", "message"),
    [
        (
            CheckKind.HOME_DBS,
            "visitor",
            "Only the visitor's line manager or a coordinator of their organisation can "
            "confirm their DBS check.",
        ),
        (
            CheckKind.HOME_DBS,
            "host",
            "Only the visitor's line manager or a coordinator of their organisation can "
            "confirm their DBS check.",
        ),
        (
            CheckKind.AGREEMENT,
            "manager",
            "Only the visitor can sign the confidentiality agreement.",
        ),
        (CheckKind.VISITOR_CONFIRMS, "host", "Only the visitor can confirm this."),
        (CheckKind.HOST_RECORDS, "visitor", "Only the host can record this."),
        (CheckKind.HOST_RECORDS, "manager", "Only the host can record this."),
    ],
)
def test_each_check_is_recorded_only_by_those_who_meet_it(
    kind: str, who: str, message: str
) -> None:
    wanted = condition(kind)
    placement = _awaiting_checks(wanted)
    by = {
        "visitor": placement.visitor.user,
        "manager": placement.visitor.line_manager.user,
        "host": _host(placement),
    }[who]
    before = _state(placement)
    with pytest.raises(ShadowingError) as refused:
        placement_check_record(
            placement_id=placement.pk,
            by=by,
            condition_id=wanted.pk,
            dbs_level=DbsLevel.ENHANCED,
            dbs_issued_on=timezone.localdate(),
        )
    assert refused.value.message == message
    assert _state(placement) == before


def test_a_stranger_is_refused_by_the_state_table() -> None:
    placement = _awaiting_checks(briefing_condition())
    with pytest.raises(TransitionRefused) as refused:
        placement_check_record(
            placement_id=placement.pk, by=UserFactory(), condition_id=briefing_condition().pk
        )
    assert str(refused.value) == "You cannot record checks for this placement."


@pytest.mark.parametrize(
    ("level", "issued", "field", "message"),
    [
        ("", 0, "dbs_level", "Choose the level of the DBS check."),
        ("certificate-001234567890", 0, "dbs_level", "Choose the level of the DBS check."),
        (DbsLevel.STANDARD, 0, "dbs_level", "This visit needs an enhanced DBS check."),
        (DbsLevel.ENHANCED, None, "dbs_issued_on", "Enter the date on the DBS certificate."),
        (
            DbsLevel.ENHANCED,
            -1,
            "dbs_issued_on",
            "The date on the DBS certificate must be today or in the past.",
        ),
    ],
)
def test_a_dbs_check_needs_an_enhanced_level_and_a_date_not_in_the_future(
    level: str, issued: int | None, field: str, message: str
) -> None:
    placement = _awaiting_checks(dbs_condition())
    before = _state(placement)
    with pytest.raises(ShadowingError) as refused:
        placement_check_record(
            placement_id=placement.pk,
            by=placement.visitor.line_manager.user,
            condition_id=dbs_condition().pk,
            dbs_level=level,
            dbs_issued_on=None if issued is None else timezone.localdate() - timedelta(days=issued),
        )
    assert (refused.value.field, refused.value.message) == (field, message)
    assert _state(placement) == before


def test_the_agreement_check_keeps_the_version_the_visitor_signed() -> None:
    placement = _awaiting_checks(agreement_condition(), briefing_condition())
    newer = ConfidentialityAgreementFactory(organisation=placement.host_organisation, version=2)
    assert current_agreement(placement.host_organisation) == newer
    check = placement_check_record(
        placement_id=placement.pk,
        by=placement.visitor.user,
        condition_id=agreement_condition().pk,
        agreement_id=newer.pk,
    )
    assert check.agreement == newer


def test_signing_an_agreement_that_has_since_changed_is_refused() -> None:
    placement = _awaiting_checks(agreement_condition(), briefing_condition())
    read = current_agreement(placement.host_organisation)
    assert read is not None
    ConfidentialityAgreementFactory(organisation=placement.host_organisation, version=2)
    with pytest.raises(ShadowingError) as refused:
        placement_check_record(
            placement_id=placement.pk,
            by=placement.visitor.user,
            condition_id=agreement_condition().pk,
            agreement_id=read.pk,
        )
    assert refused.value.field == "agreement"
    assert not placement.checks.exists()


def test_no_agreement_to_sign_until_the_host_publishes_one() -> None:
    opportunity = OpportunityFactory(conditions=[agreement_condition()])
    placement = placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)
    assert current_agreement(placement.host_organisation) is None
    with pytest.raises(ShadowingError) as refused:
        placement_check_record(
            placement_id=placement.pk,
            by=placement.visitor.user,
            condition_id=agreement_condition().pk,
        )
    assert refused.value.message == "The host has not published a confidentiality agreement yet."
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_CHECKS


def test_a_condition_is_recorded_once_and_only_if_the_visit_asks_for_it() -> None:
    briefing = briefing_condition()
    placement = _awaiting_checks(briefing, agreement_condition())
    host = _host(placement)
    PlacementCheckFactory(placement=placement, condition=briefing)
    with pytest.raises(ShadowingError) as again:
        placement_check_record(placement_id=placement.pk, by=host, condition_id=briefing.pk)
    assert again.value.message == f"“{briefing.name}” has already been recorded."
    unasked = condition(CheckKind.VISITOR_CONFIRMS)
    with pytest.raises(ShadowingError) as other:
        placement_check_record(
            placement_id=placement.pk, by=placement.visitor.user, condition_id=unasked.pk
        )
    assert other.value.message == "This visit does not ask for that condition."
    assert placement.checks.count() == 1


def test_checks_are_recorded_only_while_the_placement_waits_for_them() -> None:
    opportunity = OpportunityFactory(conditions=[briefing_condition()])
    placement = placement_in(Status.CONFIRMED, opportunity=opportunity)
    with pytest.raises(TransitionRefused):
        placement_check_record(
            placement_id=placement.pk,
            by=opportunity.supervisor.user,
            condition_id=briefing_condition().pk,
        )
    assert not PlacementCheck.objects.exists()


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        (CheckKind.HOME_DBS, {Party.LINE_MANAGER, Party.HOME_COORDINATOR}),
        (CheckKind.AGREEMENT, {Party.VISITOR}),
        (CheckKind.VISITOR_CONFIRMS, {Party.VISITOR}),
        (CheckKind.HOST_RECORDS, {Party.HOST, Party.SUPERVISOR}),
    ],
)
def test_who_may_record_each_kind_of_check(kind: str, allowed: set[str]) -> None:
    wanted = condition(kind)
    for party in Party.values:
        assert check_recordable_by(wanted, {party}) == (party in allowed), party


def test_outstanding_checks_cost_one_query(django_assert_num_queries: Any) -> None:
    placement = _awaiting_checks(briefing_condition(), agreement_condition())
    with django_assert_num_queries(1):
        checks_outstanding(placement)
