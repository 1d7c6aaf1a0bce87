"""The placement state machine as one table: for each action, the states it may start from,
where it leads, and who may take it. Services ask `transition_check`, which answers with the
plain reason when the action is refused; `docs/shadowing.md` draws the same table.

Some actions lead to one of two states: a host's acceptance leads to "checks to do", or
straight to "confirmed" when the opportunity lists no conditions; a check recorded leaves the
placement where it is until the last one confirms it. `to` is then the usual next state and
`shadowing.services` decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from shadowing.enums import Action, Party, Status
from shadowing.errors import ShadowingError

S = Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    to: str | None
    parties: frozenset[str]
    # Said when the placement is in another state.
    wrong_state: str


def _t(sources: set[str], to: str | None, parties: set[str], wrong_state: str) -> Transition:
    return Transition(frozenset(sources), to, frozenset(parties), wrong_state)


BEFORE_VISIT: set[str] = {S.AWAITING_MANAGER, S.AWAITING_HOST, S.AWAITING_CHECKS, S.CONFIRMED}

TRANSITIONS: dict[str, Transition] = {
    Action.MANAGER_APPROVE: _t(
        {S.AWAITING_MANAGER},
        S.AWAITING_HOST,
        {Party.LINE_MANAGER},
        "This request is no longer waiting for the line manager.",
    ),
    Action.MANAGER_DECLINE: _t(
        {S.AWAITING_MANAGER},
        S.DECLINED_BY_MANAGER,
        {Party.LINE_MANAGER},
        "This request is no longer waiting for the line manager.",
    ),
    Action.HOST_ACCEPT: _t(
        {S.AWAITING_HOST},
        S.AWAITING_CHECKS,
        {Party.HOST},
        "This request is not waiting for the host.",
    ),
    Action.HOST_DECLINE: _t(
        {S.AWAITING_HOST},
        S.DECLINED_BY_HOST,
        {Party.HOST},
        "This request is not waiting for the host.",
    ),
    Action.RECORD_CHECK: _t(
        {S.AWAITING_CHECKS},
        None,
        {Party.VISITOR, Party.LINE_MANAGER, Party.HOME_COORDINATOR, Party.HOST, Party.SUPERVISOR},
        "Checks are recorded once the host has accepted and before the visit is confirmed.",
    ),
    Action.CANCEL: _t(
        BEFORE_VISIT,
        S.CANCELLED,
        {
            Party.VISITOR,
            Party.LINE_MANAGER,
            Party.HOME_COORDINATOR,
            Party.HOST,
            Party.SUPERVISOR,
            Party.TEAM,
        },
        "Only a placement that has not happened yet can be cancelled.",
    ),
    Action.RECORD_HAPPENED: _t(
        {S.CONFIRMED},
        S.AWAITING_REFLECTION,
        {Party.HOST, Party.SUPERVISOR},
        "Only a confirmed visit can be recorded as having happened.",
    ),
    Action.RECORD_NOT_HAPPENED: _t(
        {S.CONFIRMED},
        S.DID_NOT_HAPPEN,
        {Party.HOST, Party.SUPERVISOR},
        "Only a confirmed visit can be recorded as not having happened.",
    ),
    Action.WRITE_REFLECTION: _t(
        {S.AWAITING_REFLECTION},
        S.COMPLETED,
        {Party.VISITOR},
        "A reflection is written once the host has recorded that the visit happened, and once.",
    ),
    Action.GIVE_FEEDBACK: _t(
        {S.AWAITING_REFLECTION, S.COMPLETED},
        None,
        {Party.SUPERVISOR},
        "Feedback is given once the visit has happened.",
    ),
    Action.INVITE_RETURN: _t(
        {S.COMPLETED},
        None,
        {Party.HOST, Party.SUPERVISOR},
        "A return visit can be offered once the placement is completed.",
    ),
    Action.CHANGE_DATE: _t(
        {S.AWAITING_CHECKS, S.CONFIRMED},
        None,
        {Party.HOST, Party.SUPERVISOR},
        "The date can be changed once the host has accepted and before the visit.",
    ),
    Action.EXPIRE: _t(
        {S.AWAITING_MANAGER, S.AWAITING_HOST, S.AWAITING_CHECKS},
        S.EXPIRED,
        {Party.SYSTEM},
        "Only a placement still waiting for someone can expire.",
    ),
    Action.CLOSE_UNREFLECTED: _t(
        {S.AWAITING_REFLECTION},
        S.NOT_REFLECTED,
        {Party.SYSTEM},
        "Only a placement waiting for its reflection can be closed without one.",
    ),
}

# What each party is told when they are not one who may take the action.
NOT_YOURS: dict[str, str] = {
    Action.MANAGER_APPROVE: "Only the visitor's line manager can approve this request.",
    Action.MANAGER_DECLINE: "Only the visitor's line manager can decline this request.",
    Action.HOST_ACCEPT: "Only the host organisation's shadowing hosts can accept this request.",
    Action.HOST_DECLINE: "Only the host organisation's shadowing hosts can decline this request.",
    Action.RECORD_CHECK: "You cannot record checks for this placement.",
    Action.CANCEL: "Only the people involved in this placement can cancel it.",
    Action.RECORD_HAPPENED: "Only the host can record that the visit happened.",
    Action.RECORD_NOT_HAPPENED: "Only the host can record that the visit did not happen.",
    Action.WRITE_REFLECTION: "Only the visitor can write their reflection.",
    Action.GIVE_FEEDBACK: "Only the host supervisor can give feedback on this visit.",
    Action.INVITE_RETURN: "Only the host can offer a return visit.",
    Action.CHANGE_DATE: "Only the host can change the date of the visit.",
    Action.EXPIRE: "Placements expire on their own; nobody expires them by hand.",
    Action.CLOSE_UNREFLECTED: "Placements close on their own when no reflection is written.",
}


class TransitionRefused(ShadowingError):
    """An action refused, with the sentence to show."""


def transition_check(*, action: str, status: str, parties: frozenset[str] | set[str]) -> None:
    """Raise `TransitionRefused` unless one of `parties` may take `action` in `status`.
    Who is asked first: someone with no part in the placement learns nothing of its state."""
    transition = TRANSITIONS[action]
    if not transition.parties & set(parties):
        raise TransitionRefused(NOT_YOURS[action])
    if status not in transition.sources:
        raise TransitionRefused(transition.wrong_state)


def allowed_actions(*, status: str, parties: frozenset[str] | set[str]) -> list[str]:
    """The actions these parties may take now, in the table's order (for the placement page)."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if status in transition.sources
        and transition.parties & set(parties)
        and Party.SYSTEM not in transition.parties
    ]
