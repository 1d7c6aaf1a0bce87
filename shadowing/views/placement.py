"""A placement's page, with a form for each thing the viewer may do to it now, and the line
manager's approvals.

Who sees a placement is `shadowing.permissions.placements_visible_to`: anyone else, a guessed
id included, gets a 404 on the page and on its actions. The forms shown are the viewer's
`allowed_actions`; whether an action is taken is the services' decision, whose refusal is shown
on the same page with what was typed, nothing changed. After an action the page says what
happened, in a banner.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from organisations.models import Membership
from shadowing.enums import Action, CheckKind, Party, Status
from shadowing.errors import ShadowingError
from shadowing.forms.actions import (
    NO_CHILD_OR_FAMILY_INFORMATION,
    ConfirmForm,
    DateChangeForm,
    FeedbackForm,
    HostAcceptForm,
    ReasonForm,
    RecordCheckForm,
    ReflectionForm,
    ReturnInvitationForm,
)
from shadowing.models import Condition, Placement, Reflection
from shadowing.permissions import can_view_reflection, parties_of, placements_visible_to
from shadowing.selectors.checks import check_recordable_by, checks_outstanding, current_agreement
from shadowing.services import decisions, reflections, returns, visits
from shadowing.services.checks import placement_check_record
from shadowing.states import allowed_actions

if TYPE_CHECKING:
    from accounts.models import User

# The actions someone takes on this page (the sweep's are not among them).
PAGE_ACTIONS = frozenset(
    {
        Action.MANAGER_APPROVE,
        Action.MANAGER_DECLINE,
        Action.HOST_ACCEPT,
        Action.HOST_DECLINE,
        Action.RECORD_CHECK,
        Action.CANCEL,
        Action.RECORD_HAPPENED,
        Action.RECORD_NOT_HAPPENED,
        Action.WRITE_REFLECTION,
        Action.GIVE_FEEDBACK,
        Action.INVITE_RETURN,
        Action.CHANGE_DATE,
    }
)

# Each action's heading and button on the page, and what the banner says once it is done.
HEADINGS: dict[str, tuple[str, str, str]] = {
    Action.MANAGER_APPROVE: (
        "Approve this request",
        "Approve",
        "You approved the request. The host has been asked.",
    ),
    Action.MANAGER_DECLINE: (
        "Decline this request",
        "Decline",
        "You declined the request. The visitor has been told why.",
    ),
    Action.HOST_ACCEPT: (
        "Accept this request",
        "Accept",
        "You accepted the request.",
    ),
    Action.HOST_DECLINE: (
        "Decline this request",
        "Decline",
        "You declined the request. The visitor and their line manager have been told why.",
    ),
    Action.RECORD_CHECK: ("Record a check", "Record", "The check has been recorded."),
    Action.CANCEL: (
        "Cancel this placement",
        "Cancel the placement",
        "The placement has been cancelled. Everyone involved has been told why.",
    ),
    Action.RECORD_HAPPENED: (
        "Record that the visit happened",
        "The visit happened",
        "You recorded that the visit happened. The visitor has been asked for their reflection.",
    ),
    Action.RECORD_NOT_HAPPENED: (
        "Record that the visit did not happen",
        "The visit did not happen",
        "You recorded that the visit did not happen.",
    ),
    Action.WRITE_REFLECTION: (
        "Write your reflection",
        "Send the reflection",
        "Your reflection has been saved and the placement is complete.",
    ),
    Action.GIVE_FEEDBACK: ("Give feedback", "Send the feedback", "Your feedback has been sent."),
    Action.INVITE_RETURN: (
        "Invite a return visit",
        "Send the invitation",
        "Your invitation to a return visit has been sent.",
    ),
    Action.CHANGE_DATE: (
        "Change the date",
        "Change the date",
        "The date has changed. The visitor, their line manager and the supervisor have been told.",
    ),
}

# Forms whose boxes carry the warning about children and families.
WARNED = frozenset({Action.WRITE_REFLECTION, Action.GIVE_FEEDBACK})

REASON_LABELS: dict[str, str] = {
    Action.MANAGER_DECLINE: "Reason for declining",
    Action.HOST_DECLINE: "Reason for declining",
    Action.CANCEL: "Reason for cancelling",
}


@dataclass(frozen=True)
class ActionPanel:
    """One form on the page: the action, its form and, for a check, its condition."""

    action: str
    form: forms.Form
    condition: Condition | None = None

    @property
    def key(self) -> str:
        return f"{self.action}-{self.condition.pk}" if self.condition else self.action

    @property
    def heading(self) -> str:
        if self.condition is not None:
            return str(self.condition.name)
        return HEADINGS[self.action][0]

    @property
    def button(self) -> str:
        return HEADINGS[self.action][1]

    @property
    def warning(self) -> str:
        return NO_CHILD_OR_FAMILY_INFORMATION if self.action in WARNED else ""

    @property
    def is_warning_button(self) -> bool:
        return self.action in {
            Action.MANAGER_DECLINE,
            Action.HOST_DECLINE,
            Action.CANCEL,
            Action.RECORD_NOT_HAPPENED,
        }


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _placement_or_404(request: HttpRequest, pk: int) -> Placement:
    """The placement if the viewer may see it; a 404 otherwise, whether or not it exists."""
    return get_object_or_404(
        placements_visible_to(request.user).select_related(
            "opportunity",
            "visitor__user",
            "visitor__line_manager__user",
            "home_organisation",
            "host_organisation",
            "supervisor__user",
            "requested_date",
        ),
        pk=pk,
    )


def _host_members(placement: Placement) -> Any:
    return (
        Membership.objects.current()
        .filter(organisation=placement.host_organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _first_asked_date(placement: Placement) -> Any:
    if placement.visit_date:
        return placement.visit_date
    if placement.requested_date is not None:
        return placement.requested_date.date
    return placement.proposed_dates[0] if placement.proposed_dates else None


def _check_form(
    placement: Placement, condition: Condition, data: Mapping[str, Any] | None
) -> RecordCheckForm:
    agreement = (
        current_agreement(placement.host_organisation)
        if condition.met_by == CheckKind.AGREEMENT
        else None
    )
    return RecordCheckForm(data, condition=condition, agreement=agreement)


def _form_for(action: str, placement: Placement, data: Mapping[str, Any] | None) -> forms.Form:
    """The form of an action that is not a check, bound to `data` when it was posted."""
    if action in REASON_LABELS:
        return ReasonForm(data, label=REASON_LABELS[action])
    if action == Action.HOST_ACCEPT:
        initial = {"supervisor": placement.opportunity.supervisor_id}
        asked = _first_asked_date(placement)
        if asked:
            initial["visit_date"] = asked
        return HostAcceptForm(data, members=_host_members(placement), initial=initial)
    if action == Action.WRITE_REFLECTION:
        return ReflectionForm(data)
    if action == Action.GIVE_FEEDBACK:
        return FeedbackForm(data)
    if action == Action.INVITE_RETURN:
        return ReturnInvitationForm(data, members=_host_members(placement))
    if action == Action.CHANGE_DATE:
        return DateChangeForm(data)
    return ConfirmForm(data)


def _recordable_conditions(placement: Placement, parties: frozenset[str]) -> list[Condition]:
    return [c for c in checks_outstanding(placement) if check_recordable_by(c, parties)]


def _panels(
    placement: Placement, parties: frozenset[str], posted: ActionPanel | None
) -> list[ActionPanel]:
    """A form for each action the viewer may take now (the one just posted, as posted)."""
    panels = []
    for action in allowed_actions(status=placement.status, parties=parties):
        if action not in PAGE_ACTIONS:
            continue
        if action == Action.RECORD_CHECK:
            for condition in _recordable_conditions(placement, parties):
                panel = ActionPanel(action, _check_form(placement, condition, None), condition)
                panels.append(posted if posted and posted.key == panel.key else panel)
            continue
        if posted and posted.key == action:
            panels.append(posted)
        else:
            panels.append(ActionPanel(action, _form_for(action, placement, None)))
    return panels


def waiting_on(placement: Placement, outstanding: list[Condition]) -> str:
    """What the placement is waiting for, in a sentence."""
    status = placement.status
    if status == Status.AWAITING_MANAGER:
        manager = placement.visitor.line_manager
        name = manager.user.get_full_name() if manager else ""
        who = f"{name}, the visitor's line manager," if name else "the visitor's line manager"
        return f"Waiting for {who} to approve or decline the request."
    if status == Status.AWAITING_HOST:
        return f"Waiting for {placement.host_organisation} to accept or decline the request."
    if status == Status.AWAITING_CHECKS:
        if not outstanding:
            return "Every check is done: the visit is about to be confirmed."
        names = ", ".join(str(c.name).lower() for c in outstanding)
        return f"Waiting for these checks before the visit is confirmed: {names}."
    if status == Status.CONFIRMED:
        return "The visit is confirmed. Afterwards the host records whether it happened."
    if status == Status.AWAITING_REFLECTION:
        return "Waiting for the visitor to write their reflection."
    if status == Status.COMPLETED:
        return "Nothing: the placement is complete."
    return "Nothing: the placement has ended."


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    what: str


def placement_history(placement: Placement) -> list[HistoryEntry]:
    """What changed, when and by whom, oldest first, from the placement's history (one
    query): the reason the service gave, or else a change of state by its new state's name."""
    records = list(
        Placement.history.filter(id=placement.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous: Any = None
    for record in records:
        user = record.history_user
        who = (user.get_full_name() or user.email) if user else "Automatically"
        if record.history_change_reason:
            what = record.history_change_reason
        elif previous is None:
            what = "Requested" if record.history_type == "+" else Status(record.status).label
        elif record.status != previous.status:
            what = str(Status(record.status).label)
            if record.reason and record.reason != previous.reason:
                what = f"{what}: {record.reason}"
        elif record.supervisor_feedback != previous.supervisor_feedback:
            what = "Feedback given"
        elif record.visit_date != previous.visit_date:
            what = "Date of the visit changed"
        else:
            what = "Details updated"
        entries.append(HistoryEntry(when=record.history_date, who=who, what=str(what)))
        previous = record
    return entries


def _render_page(
    request: HttpRequest,
    placement: Placement,
    *,
    posted: ActionPanel | None = None,
    refused: str = "",
) -> HttpResponse:
    parties = parties_of(request.user, placement)
    outstanding = (
        checks_outstanding(placement) if placement.status == Status.AWAITING_CHECKS else []
    )
    checks = list(
        placement.checks.select_related("condition", "recorded_by", "agreement").order_by(
            "recorded_at"
        )
    )
    conditions = list(placement.opportunity.conditions.all())
    show_reflection = can_view_reflection(request.user, placement)
    reflection = Reflection.objects.filter(placement=placement).first()
    panels = _panels(placement, parties, posted)
    agreement = None
    if Party.VISITOR in parties and any(c.met_by == CheckKind.AGREEMENT for c in outstanding):
        agreement = current_agreement(placement.host_organisation)
    return render(
        request,
        "shadowing/placement.html",
        {
            "placement": placement,
            "parties": parties,
            "waiting_on": waiting_on(placement, outstanding),
            "conditions": conditions,
            "checks": checks,
            "outstanding": outstanding,
            "agreement": agreement,
            "panels": panels,
            "error_form": posted.form if posted else None,
            "refused": refused,
            "reflection": reflection if show_reflection else None,
            "reflection_written": reflection is not None,
            "show_feedback": bool(parties & {Party.VISITOR, Party.LINE_MANAGER, Party.SUPERVISOR}),
            "history": placement_history(placement),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_page(request, _placement_or_404(request, pk))


def _perform(action: str, placement: Placement, by: User, form: forms.Form) -> None:
    """Take the action through its service (which raises ShadowingError to refuse)."""
    data = form.cleaned_data
    pid = placement.pk
    services: dict[str, Callable[[], Any]] = {
        Action.MANAGER_APPROVE: lambda: decisions.placement_manager_approve(
            placement_id=pid, by=by
        ),
        Action.MANAGER_DECLINE: lambda: decisions.placement_manager_decline(
            placement_id=pid, by=by, reason=data["reason"]
        ),
        Action.HOST_ACCEPT: lambda: decisions.placement_host_accept(
            placement_id=pid, by=by, supervisor=data["supervisor"], visit_date=data["visit_date"]
        ),
        Action.HOST_DECLINE: lambda: decisions.placement_host_decline(
            placement_id=pid, by=by, reason=data["reason"]
        ),
        Action.CANCEL: lambda: visits.placement_cancel(
            placement_id=pid, by=by, reason=data["reason"]
        ),
        Action.RECORD_HAPPENED: lambda: visits.placement_outcome_record(
            placement_id=pid, by=by, happened=True
        ),
        Action.RECORD_NOT_HAPPENED: lambda: visits.placement_outcome_record(
            placement_id=pid, by=by, happened=False
        ),
        Action.WRITE_REFLECTION: lambda: reflections.placement_reflection_write(
            placement_id=pid, by=by, **data
        ),
        Action.GIVE_FEEDBACK: lambda: reflections.placement_feedback_give(
            placement_id=pid, by=by, feedback=data["feedback"]
        ),
        Action.CHANGE_DATE: lambda: visits.placement_date_change(
            placement_id=pid, by=by, visit_date=data["visit_date"], reason=data["reason"]
        ),
        Action.INVITE_RETURN: lambda: returns.return_invitation_create(
            placement_id=pid,
            by=by,
            invited_visitor=data["invited_visitor"],
            message=data.get("message", ""),
        ),
    }
    if action == Action.RECORD_CHECK:
        assert isinstance(form, RecordCheckForm)
        placement_check_record(placement_id=pid, by=by, **form.service_arguments())
        return
    services[action]()


def _posted_panel(request: HttpRequest, placement: Placement, action: str) -> ActionPanel:
    if action != Action.RECORD_CHECK:
        return ActionPanel(action, _form_for(action, placement, request.POST))
    try:
        condition_id = int(request.POST.get("condition", ""))
    except ValueError:
        raise Http404 from None
    condition = get_object_or_404(Condition, pk=condition_id)
    return ActionPanel(action, _check_form(placement, condition, request.POST), condition)


@login_required
@require_POST
def placement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    placement = _placement_or_404(request, pk)
    if action not in PAGE_ACTIONS:
        raise Http404
    panel = _posted_panel(request, placement, action)
    if not panel.form.is_valid():
        return _render_page(request, placement, posted=panel)
    try:
        _perform(action, placement, _user(request), panel.form)
    except ShadowingError as error:
        shown = [f.name for f in panel.form.visible_fields()]
        field = error.field if error.field in shown else None
        panel.form.add_error(field, error.message)
        placement.refresh_from_db()
        return _render_page(request, placement, posted=panel, refused=error.message)
    messages.success(request, HEADINGS[action][2])
    return redirect("shadowing:placement", pk=placement.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def approvals(request: HttpRequest) -> HttpResponse:
    """Requests waiting for the viewer as line manager, then all their team's placements."""
    mine = Membership.objects.current().filter(user=_user(request))
    team = (
        Placement.objects.filter(visitor__line_manager__in=mine)
        .select_related("opportunity", "visitor__user", "host_organisation", "requested_date")
        .order_by("-requested_at")
    )
    team_placements = list(team)
    waiting = [p for p in team_placements if p.status == Status.AWAITING_MANAGER]
    return render(
        request,
        "shadowing/approvals.html",
        {"waiting": waiting, "team_placements": team_placements},
    )
