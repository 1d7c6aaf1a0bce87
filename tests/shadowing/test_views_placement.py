"""A placement's page and its actions (shadowing/views/placement.py): what it shows, the forms
each person gets, the services' refusals shown with what was typed and nothing changed, the
banner after an action, and the line manager's approvals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from shadowing.enums import Action, DbsLevel, Status
from shadowing.forms.actions import NO_CHILD_OR_FAMILY_INFORMATION
from shadowing.models import Placement, PlacementCheck, Reflection
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    HostFactory,
    OpportunityFactory,
    PlacementCheckFactory,
    ReflectionFactory,
    agreement_condition,
    briefing_condition,
    dbs_condition,
    placement_in,
)

pytestmark = pytest.mark.django_db


def privileged(user: User) -> User:
    """Coordinators and the team must have MFA set up to open any page."""
    enrol_totp(user)
    return user


@dataclass
class Cast:
    """Everyone who may be someone to one placement, and some who are not."""

    placement: Placement
    visitor: User
    line_manager: User
    home_coordinator: User
    host_coordinator: User
    marked_host: User
    supervisor: User
    unrelated: User
    other_coordinator: User
    team: User


def cast_for(placement: Placement) -> Cast:
    home, host = placement.home_organisation, placement.host_organisation
    assert placement.visitor.line_manager is not None
    return Cast(
        placement=placement,
        visitor=placement.visitor.user,
        line_manager=placement.visitor.line_manager.user,
        home_coordinator=privileged(
            MembershipFactory.create(organisation=home, coordinator=True).user
        ),
        host_coordinator=privileged(
            MembershipFactory.create(organisation=host, coordinator=True).user
        ),
        marked_host=HostFactory.create(membership__organisation=host).membership.user,
        supervisor=placement.opportunity.supervisor.user,
        unrelated=MembershipFactory.create(organisation=home).user,
        other_coordinator=privileged(
            MembershipFactory.create(
                organisation=OrganisationFactory.create(), coordinator=True
            ).user
        ),
        team=privileged(UserFactory.create(partnership_team=True)),
    )


def page(client: Client, placement: Placement) -> Any:
    return client.get(reverse("shadowing:placement", kwargs={"pk": placement.pk}))


def act(
    client: Client, placement: Placement, action: str, data: dict[str, Any] | None = None
) -> Any:
    url = reverse("shadowing:placement_action", kwargs={"pk": placement.pk, "action": action})
    return client.post(url, data or {})


def action_urls(response: Any) -> set[str]:
    """The actions whose forms the page shows (each posts to its own address)."""
    text = response.content.decode()
    pk = response.context["placement"].pk
    return {action for action in Action.values if f"/placements/{pk}/{action}/" in text}


def date_fields(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def test_the_visitor_sees_the_placement_in_plain_words(client: Client) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    client.force_login(placement.visitor.user)
    response = page(client, placement)
    assert response.status_code == 200
    text = response.content.decode()
    assert placement.opportunity.title in text
    assert str(placement.host_organisation) in text
    assert "Waiting for the line manager" in text
    assert "to approve or decline the request" in text
    assert placement.learning_goals in text
    # The visitor may only cancel while their manager decides.
    assert action_urls(response) == {Action.CANCEL}


def test_a_guessed_id_is_not_found_and_nothing_can_be_done_to_it(client: Client) -> None:
    """Someone else's placement is a 404, on the page and on every action, as one that does
    not exist."""
    placement = placement_in(Status.AWAITING_MANAGER)
    client.force_login(MembershipFactory.create().user)
    assert page(client, placement).status_code == 404
    assert act(client, placement, Action.MANAGER_APPROVE).status_code == 404
    assert client.get(reverse("shadowing:placement", kwargs={"pk": 999_999})).status_code == 404
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_MANAGER


def test_the_line_manager_approves_and_is_told_so(client: Client) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    manager = placement.visitor.line_manager.user
    client.force_login(manager)
    response = page(client, placement)
    assert {Action.MANAGER_APPROVE, Action.MANAGER_DECLINE} <= action_urls(response)
    response = act(client, placement, Action.MANAGER_APPROVE)
    assert response.status_code == 302
    assert response.url == placement.get_absolute_url()
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_HOST
    followed = page(client, placement)
    text = followed.content.decode()
    assert "govuk-notification-banner--success" in text
    assert "You approved the request" in text
    # The history says who did what.
    history = followed.context["history"]
    assert history[-1].what == "Approved by the line manager"
    assert history[-1].who == (manager.get_full_name() or manager.email)


def test_declining_needs_a_reason_and_changes_nothing_without_one(client: Client) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    client.force_login(placement.visitor.line_manager.user)
    response = act(client, placement, Action.MANAGER_DECLINE, {"reason": "  "})
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Enter the reason for declining." in text
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_MANAGER
    response = act(client, placement, Action.MANAGER_DECLINE, {"reason": "Not this quarter."})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.reason) == (Status.DECLINED_BY_MANAGER, "Not this quarter.")


def test_a_refusal_is_shown_with_the_input_kept(client: Client) -> None:
    """The host chooses a date the opportunity does not offer: the service's sentence is in the
    error summary, the date typed is still in the boxes and the request still waits."""
    placement = placement_in(Status.AWAITING_HOST)
    cast = cast_for(placement)
    client.force_login(cast.marked_host)
    wrong = timezone.localdate() + timedelta(days=45)
    data = {"supervisor": placement.opportunity.supervisor_id, **date_fields("visit_date", wrong)}
    response = act(client, placement, Action.HOST_ACCEPT, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Choose one of the dates this opportunity offers that has not passed." in text
    assert f'value="{wrong.day}"' in text
    assert f'value="{wrong.year}"' in text
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_HOST
    assert placement.supervisor_id is None


def test_an_action_refused_by_the_state_table_says_why(client: Client) -> None:
    """A second approval (another tab, say) is refused with the table's sentence."""
    placement = placement_in(Status.AWAITING_HOST)
    client.force_login(placement.visitor.line_manager.user)
    response = act(client, placement, Action.MANAGER_APPROVE)
    assert response.status_code == 200
    assert "This request is no longer waiting for the line manager." in response.content.decode()


def test_the_host_accepts_with_a_current_member_as_supervisor(client: Client) -> None:
    placement = placement_in(Status.AWAITING_HOST)
    cast = cast_for(placement)
    former = MembershipFactory.create(
        organisation=placement.host_organisation,
        start_date=timezone.localdate() - timedelta(days=400),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    elsewhere = MembershipFactory.create()
    client.force_login(cast.marked_host)
    response = page(client, placement)
    panel = next(p for p in response.context["panels"] if p.action == Action.HOST_ACCEPT)
    choices = set(panel.form.fields["supervisor"].queryset)
    assert placement.opportunity.supervisor in choices
    assert former not in choices
    assert elsewhere not in choices
    day = placement.requested_date.date
    # The date asked for is filled in already.
    assert panel.form.initial["visit_date"] == day
    supervisor = MembershipFactory.create(organisation=placement.host_organisation)
    response = act(
        client,
        placement,
        Action.HOST_ACCEPT,
        {"supervisor": supervisor.pk, **date_fields("visit_date", day)},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED  # the opportunity asks for no checks
    assert (placement.supervisor, placement.visit_date) == (supervisor, day)


def test_a_former_member_cannot_be_posted_as_supervisor(client: Client) -> None:
    placement = placement_in(Status.AWAITING_HOST)
    elsewhere = MembershipFactory.create()
    client.force_login(cast_for(placement).marked_host)
    response = act(
        client,
        placement,
        Action.HOST_ACCEPT,
        {"supervisor": elsewhere.pk, **date_fields("visit_date", placement.requested_date.date)},
    )
    assert response.status_code == 200
    assert "Choose a supervisor from the list." in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_HOST


def checks_placement() -> Placement:
    opportunity = OpportunityFactory.create(
        conditions=[dbs_condition(), agreement_condition(), briefing_condition()]
    )
    return placement_in(Status.AWAITING_CHECKS, opportunity=opportunity)


def test_each_party_gets_a_form_only_for_the_checks_they_record(client: Client) -> None:
    placement = checks_placement()
    ConfidentialityAgreementFactory.create(organisation=placement.host_organisation)
    cast = cast_for(placement)
    expected = {
        "visitor": {agreement_condition()},
        "line_manager": {dbs_condition()},
        "home_coordinator": {dbs_condition()},
        "marked_host": {briefing_condition()},
        "supervisor": {briefing_condition()},
    }
    for who, conditions in expected.items():
        client.force_login(getattr(cast, who))
        response = page(client, placement)
        shown = {p.condition for p in response.context["panels"] if p.condition is not None}
        assert shown == conditions, who
        # Only the visitor is shown the agreement to sign.
        assert (response.context["agreement"] is not None) == (who == "visitor"), who


def test_the_line_manager_confirms_the_dbs_level_and_date_only(client: Client) -> None:
    placement = checks_placement()
    client.force_login(placement.visitor.line_manager.user)
    condition = dbs_condition()
    issued = timezone.localdate() - timedelta(days=200)
    prefix = f"check-{condition.pk}"
    data = {
        "condition": condition.pk,
        f"{prefix}-dbs_level": DbsLevel.ENHANCED_BARRED,
        **{f"{prefix}-{k}": v for k, v in date_fields("dbs_issued_on", issued).items()},
    }
    response = act(client, placement, Action.RECORD_CHECK, data)
    assert response.status_code == 302
    check = PlacementCheck.objects.get(placement=placement, condition=condition)
    assert (check.dbs_level, check.dbs_issued_on) == (DbsLevel.ENHANCED_BARRED, issued)
    text = page(client, placement).content.decode()
    assert "Enhanced with children&#x27;s barred list DBS check, dated" in text
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_CHECKS  # two more to go


def test_a_dbs_check_without_its_date_is_refused(client: Client) -> None:
    placement = checks_placement()
    client.force_login(placement.visitor.line_manager.user)
    condition = dbs_condition()
    data = {"condition": condition.pk, f"check-{condition.pk}-dbs_level": DbsLevel.ENHANCED}
    response = act(client, placement, Action.RECORD_CHECK, data)
    assert response.status_code == 200
    assert "Enter the date on the DBS certificate." in response.content.decode()
    assert not PlacementCheck.objects.filter(placement=placement).exists()


def test_the_visitor_signs_the_agreement_they_read_and_the_last_check_confirms(
    client: Client,
) -> None:
    placement = checks_placement()
    agreement = ConfidentialityAgreementFactory.create(
        organisation=placement.host_organisation, text="Keep what you see to yourself."
    )
    PlacementCheckFactory.create(
        placement=placement,
        condition=dbs_condition(),
        dbs_level=DbsLevel.ENHANCED,
        dbs_issued_on=timezone.localdate(),
    )
    PlacementCheckFactory.create(placement=placement, condition=briefing_condition())
    client.force_login(placement.visitor.user)
    response = page(client, placement)
    assert "Keep what you see to yourself." in response.content.decode()
    condition = agreement_condition()
    prefix = f"check-{condition.pk}"
    unsigned = act(
        client,
        placement,
        Action.RECORD_CHECK,
        {"condition": condition.pk, f"{prefix}-agreement": agreement.pk},
    )
    assert "Confirm that you have read the agreement" in unsigned.content.decode()
    response = act(
        client,
        placement,
        Action.RECORD_CHECK,
        {"condition": condition.pk, f"{prefix}-agreement": agreement.pk, f"{prefix}-signed": "on"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.CONFIRMED
    assert (
        PlacementCheck.objects.get(placement=placement, condition=condition).agreement == agreement
    )
    assert (
        "Signed version 1 of the confidentiality agreement."
        in page(client, placement).content.decode()
    )


def test_a_newer_agreement_published_meanwhile_is_not_signed_unread(client: Client) -> None:
    placement = checks_placement()
    read = ConfidentialityAgreementFactory.create(organisation=placement.host_organisation)
    ConfidentialityAgreementFactory.create(organisation=placement.host_organisation, version=2)
    client.force_login(placement.visitor.user)
    condition = agreement_condition()
    prefix = f"check-{condition.pk}"
    response = act(
        client,
        placement,
        Action.RECORD_CHECK,
        {"condition": condition.pk, f"{prefix}-agreement": read.pk, f"{prefix}-signed": "on"},
    )
    assert response.status_code == 200
    assert "has changed its confidentiality agreement" in response.content.decode()
    assert not PlacementCheck.objects.filter(placement=placement).exists()


REFLECTION = {
    "learnt_about_role": "How the threshold for a strategy discussion is judged.",
    "surprised_me": "How quickly the checks come back.",
    "do_differently": "Say what I am worried about in the first line.",
    "share_with_team": "The MASH's contact details.",
}


def test_the_visitor_writes_their_reflection_with_the_warning(client: Client) -> None:
    placement = placement_in(Status.AWAITING_REFLECTION)
    client.force_login(placement.visitor.user)
    response = page(client, placement)
    text = response.content.decode()
    assert NO_CHILD_OR_FAMILY_INFORMATION in text
    assert "govuk-warning-text" in text
    incomplete = act(client, placement, Action.WRITE_REFLECTION, {**REFLECTION, "surprised_me": ""})
    assert "Enter what surprised you." in incomplete.content.decode()
    # What was typed in the other boxes is kept.
    assert REFLECTION["learnt_about_role"] in incomplete.content.decode()
    assert not Reflection.objects.filter(placement=placement).exists()
    response = act(client, placement, Action.WRITE_REFLECTION, REFLECTION)
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.COMPLETED
    assert REFLECTION["surprised_me"] in page(client, placement).content.decode()


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("visitor", True),
        ("line_manager", True),
        ("supervisor", True),
        ("host_coordinator", False),
        ("marked_host", False),
        ("home_coordinator", False),
        ("team", False),
    ],
)
def test_a_reflection_is_read_only_by_its_writer_their_manager_and_the_supervisor(
    client: Client, who: str, sees: bool
) -> None:
    reflection = ReflectionFactory.create()
    cast = cast_for(reflection.placement)
    client.force_login(getattr(cast, who))
    text = page(client, reflection.placement).content.decode()
    assert (reflection.surprised_me in text) is sees
    # Everyone who sees the placement learns that one was written.
    assert "written their reflection" in text or reflection.surprised_me in text


def test_the_supervisor_records_the_outcome_and_gives_feedback(client: Client) -> None:
    placement = placement_in(Status.CONFIRMED)
    supervisor = placement.supervisor.user
    client.force_login(supervisor)
    response = page(client, placement)
    assert {Action.RECORD_HAPPENED, Action.RECORD_NOT_HAPPENED, Action.CANCEL} <= action_urls(
        response
    )
    early = act(client, placement, Action.RECORD_HAPPENED)
    assert "You can record this on or after the day of the visit." in early.content.decode()
    Placement.objects.filter(pk=placement.pk).update(visit_date=timezone.localdate())
    assert act(client, placement, Action.RECORD_HAPPENED).status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_REFLECTION
    response = page(client, placement)
    assert Action.GIVE_FEEDBACK in action_urls(response)
    assert NO_CHILD_OR_FAMILY_INFORMATION in response.content.decode()
    act(client, placement, Action.GIVE_FEEDBACK, {"feedback": "Good questions throughout."})
    placement.refresh_from_db()
    assert placement.supervisor_feedback == "Good questions throughout."


def test_cancelling_needs_a_reason(client: Client) -> None:
    placement = placement_in(Status.CONFIRMED)
    client.force_login(placement.visitor.user)
    response = act(client, placement, Action.CANCEL, {})
    assert "Enter the reason for cancelling." in response.content.decode()
    response = act(client, placement, Action.CANCEL, {"reason": "Off sick that week."})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Status.CANCELLED


def test_the_host_moves_the_visit_to_another_date_and_the_history_says_why(
    client: Client,
) -> None:
    placement = placement_in(Status.CONFIRMED)
    new_date = placement.opportunity.dates.order_by("date").values_list("date", flat=True)[1]
    client.force_login(placement.visitor.user)
    assert Action.CHANGE_DATE not in action_urls(page(client, placement))
    client.force_login(placement.supervisor.user)
    assert Action.CHANGE_DATE in action_urls(page(client, placement))

    typed = act(client, placement, Action.CHANGE_DATE, {**date_fields("visit_date", new_date)})
    assert "Enter why the date is changing." in typed.content.decode()
    placement.refresh_from_db()
    assert placement.visit_date != new_date

    response = act(
        client,
        placement,
        Action.CHANGE_DATE,
        {**date_fields("visit_date", new_date), "reason": "The team is at a conference."},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.visit_date == new_date
    shown = client.get(response.url).content.decode()
    assert "The date has changed." in shown
    assert "The team is at a conference." in shown


def test_an_unknown_action_is_not_found_and_actions_are_posted_only(client: Client) -> None:
    placement = placement_in(Status.AWAITING_MANAGER)
    client.force_login(placement.visitor.line_manager.user)
    assert act(client, placement, "expire").status_code == 404
    assert act(client, placement, "delete").status_code == 404
    url = reverse(
        "shadowing:placement_action",
        kwargs={"pk": placement.pk, "action": Action.MANAGER_APPROVE},
    )
    assert client.get(url).status_code == 405


def test_approvals_list_what_waits_for_the_line_manager_and_their_team(client: Client) -> None:
    waiting = placement_in(Status.AWAITING_MANAGER)
    manager = waiting.visitor.line_manager
    colleague = MembershipFactory.create(organisation=manager.organisation, line_manager=manager)
    confirmed = placement_in(Status.CONFIRMED, visitor=colleague)
    someone_elses = placement_in(Status.AWAITING_MANAGER)
    client.force_login(manager.user)
    response = client.get(reverse("shadowing:approvals"))
    assert response.status_code == 200
    assert response.context["waiting"] == [waiting]
    assert set(response.context["team_placements"]) == {waiting, confirmed}
    assert someone_elses.opportunity.title not in response.content.decode()
