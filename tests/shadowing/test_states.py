"""The placement state machine (shadowing/states.py): for every action, every state and every
party, whether the action is allowed, and if not the sentence the person reads. The expected
answers come from the table below, written out by hand from docs/shadowing.md, not from
`TRANSITIONS`: a change to the machine must change both."""

from __future__ import annotations

from itertools import product

import pytest

from shadowing.enums import Action, Party, Status
from shadowing.errors import ShadowingError
from shadowing.services.decisions import placement_host_accept, placement_manager_approve
from shadowing.services.reflections import placement_feedback_give
from shadowing.services.visits import placement_cancel
from shadowing.states import TransitionRefused, allowed_actions, transition_check
from tests.accounts.factories import UserFactory
from tests.shadowing.factories import placement_in

A, P, S = Action, Party, Status
BEFORE_VISIT: set[str] = {S.AWAITING_MANAGER, S.AWAITING_HOST, S.AWAITING_CHECKS, S.CONFIRMED}
PEOPLE_INVOLVED: set[str] = {P.VISITOR, P.LINE_MANAGER, P.HOME_COORDINATOR, P.HOST, P.SUPERVISOR}

# action: (states it may start from, who may take it, said to others, said in another state)
MACHINE: dict[str, tuple[set[str], set[str], str, str]] = {
    A.MANAGER_APPROVE: (
        {S.AWAITING_MANAGER},
        {P.LINE_MANAGER},
        "Only the visitor's line manager can approve this request.",
        "This request is no longer waiting for the line manager.",
    ),
    A.MANAGER_DECLINE: (
        {S.AWAITING_MANAGER},
        {P.LINE_MANAGER},
        "Only the visitor's line manager can decline this request.",
        "This request is no longer waiting for the line manager.",
    ),
    A.HOST_ACCEPT: (
        {S.AWAITING_HOST},
        {P.HOST},
        "Only the host organisation's shadowing hosts can accept this request.",
        "This request is not waiting for the host.",
    ),
    A.HOST_DECLINE: (
        {S.AWAITING_HOST},
        {P.HOST},
        "Only the host organisation's shadowing hosts can decline this request.",
        "This request is not waiting for the host.",
    ),
    A.RECORD_CHECK: (
        {S.AWAITING_CHECKS},
        PEOPLE_INVOLVED,
        "You cannot record checks for this placement.",
        "Checks are recorded once the host has accepted and before the visit is confirmed.",
    ),
    A.CANCEL: (
        BEFORE_VISIT,
        PEOPLE_INVOLVED | {P.TEAM},
        "Only the people involved in this placement can cancel it.",
        "Only a placement that has not happened yet can be cancelled.",
    ),
    A.RECORD_HAPPENED: (
        {S.CONFIRMED},
        {P.HOST, P.SUPERVISOR},
        "Only the host can record that the visit happened.",
        "Only a confirmed visit can be recorded as having happened.",
    ),
    A.RECORD_NOT_HAPPENED: (
        {S.CONFIRMED},
        {P.HOST, P.SUPERVISOR},
        "Only the host can record that the visit did not happen.",
        "Only a confirmed visit can be recorded as not having happened.",
    ),
    A.WRITE_REFLECTION: (
        {S.AWAITING_REFLECTION},
        {P.VISITOR},
        "Only the visitor can write their reflection.",
        "A reflection is written once the host has recorded that the visit happened, and once.",
    ),
    A.GIVE_FEEDBACK: (
        {S.AWAITING_REFLECTION, S.COMPLETED},
        {P.SUPERVISOR},
        "Only the host supervisor can give feedback on this visit.",
        "Feedback is given once the visit has happened.",
    ),
    A.INVITE_RETURN: (
        {S.COMPLETED},
        {P.HOST, P.SUPERVISOR},
        "Only the host can offer a return visit.",
        "A return visit can be offered once the placement is completed.",
    ),
    A.CHANGE_DATE: (
        {S.AWAITING_CHECKS, S.CONFIRMED},
        {P.HOST, P.SUPERVISOR},
        "Only the host can change the date of the visit.",
        "The date can be changed once the host has accepted and before the visit.",
    ),
    A.EXPIRE: (
        {S.AWAITING_MANAGER, S.AWAITING_HOST, S.AWAITING_CHECKS},
        {P.SYSTEM},
        "Placements expire on their own; nobody expires them by hand.",
        "Only a placement still waiting for someone can expire.",
    ),
    A.CLOSE_UNREFLECTED: (
        {S.AWAITING_REFLECTION},
        {P.SYSTEM},
        "Placements close on their own when no reflection is written.",
        "Only a placement waiting for its reflection can be closed without one.",
    ),
}


def _expected(action: str, status: str, parties: set[str]) -> str | None:
    """None when allowed, else the sentence: who you are is asked before the state."""
    sources, who, not_yours, wrong_state = MACHINE[action]
    if not who & parties:
        return not_yours
    if status not in sources:
        return wrong_state
    return None


def test_the_table_covers_every_action() -> None:
    assert set(MACHINE) == set(Action.values)


@pytest.mark.parametrize(
    ("action", "status", "party"), list(product(Action.values, Status.values, Party.values))
)
def test_each_party_may_take_an_action_only_where_the_table_says(
    action: str, status: str, party: str
) -> None:
    expected = _expected(action, status, {party})
    if expected is None:
        transition_check(action=action, status=status, parties={party})
    else:
        with pytest.raises(TransitionRefused) as refused:
            transition_check(action=action, status=status, parties={party})
        assert str(refused.value) == expected
        assert isinstance(refused.value, ShadowingError)


@pytest.mark.parametrize(("action", "status"), list(product(Action.values, Status.values)))
def test_someone_with_no_part_learns_nothing_of_the_state(action: str, status: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition_check(action=action, status=status, parties=set())
    assert str(refused.value) == MACHINE[action][2]


@pytest.mark.parametrize("status", Status.values)
def test_a_person_wearing_two_hats_may_do_what_either_may(status: str) -> None:
    """A host coordinator who also supervises may record the outcome and give feedback."""
    parties = {P.HOST, P.SUPERVISOR}
    for action in (A.RECORD_HAPPENED, A.GIVE_FEEDBACK, A.HOST_ACCEPT):
        assert (_expected(action, status, parties) is None) == (
            action in allowed_actions(status=status, parties=parties)
        )


@pytest.mark.parametrize(("status", "party"), list(product(Status.values, Party.values)))
def test_the_placement_page_offers_exactly_the_allowed_actions(status: str, party: str) -> None:
    """The sweep's actions are never offered as buttons."""
    expected = [
        action
        for action in Action.values
        if _expected(action, status, {party}) is None and P.SYSTEM not in MACHINE[action][1]
    ]
    assert allowed_actions(status=status, parties={party}) == expected


# Through the services: the same answers, and nothing changed when refused.


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.AWAITING_HOST, S.CONFIRMED, S.CANCELLED])
def test_approving_a_request_not_waiting_for_the_manager_is_refused(status: str) -> None:
    placement = placement_in(status)
    manager = placement.visitor.line_manager.user
    with pytest.raises(TransitionRefused) as refused:
        placement_manager_approve(placement_id=placement.pk, by=manager)
    assert str(refused.value) == MACHINE[A.MANAGER_APPROVE][3]
    placement.refresh_from_db()
    assert placement.status == status


@pytest.mark.django_db
def test_the_visitor_cannot_accept_their_own_request() -> None:
    placement = placement_in(S.AWAITING_HOST)
    with pytest.raises(TransitionRefused) as refused:
        placement_host_accept(
            placement_id=placement.pk,
            by=placement.visitor.user,
            supervisor=placement.opportunity.supervisor,
            visit_date=placement.requested_date.date,
        )
    assert str(refused.value) == MACHINE[A.HOST_ACCEPT][2]
    placement.refresh_from_db()
    assert placement.status == S.AWAITING_HOST
    assert placement.place_number is None


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.AWAITING_REFLECTION, S.COMPLETED, S.DID_NOT_HAPPEN])
def test_a_visit_that_happened_or_ended_cannot_be_cancelled(status: str) -> None:
    placement = placement_in(status)
    with pytest.raises(TransitionRefused) as refused:
        placement_cancel(placement_id=placement.pk, by=placement.visitor.user, reason="Ill")
    assert str(refused.value) == MACHINE[A.CANCEL][3]
    placement.refresh_from_db()
    assert placement.status == status


@pytest.mark.django_db
def test_a_stranger_cannot_cancel_and_is_told_so_whatever_the_state() -> None:
    placement = placement_in(S.COMPLETED)
    with pytest.raises(TransitionRefused) as refused:
        placement_cancel(placement_id=placement.pk, by=UserFactory(), reason="Mischief")
    assert str(refused.value) == MACHINE[A.CANCEL][2]


@pytest.mark.django_db
def test_only_the_supervisor_gives_feedback_not_the_visitor() -> None:
    placement = placement_in(S.COMPLETED)
    with pytest.raises(TransitionRefused) as refused:
        placement_feedback_give(
            placement_id=placement.pk, by=placement.visitor.user, feedback="Great visitor."
        )
    assert str(refused.value) == MACHINE[A.GIVE_FEEDBACK][2]
    placement.refresh_from_db()
    assert placement.supervisor_feedback == ""
