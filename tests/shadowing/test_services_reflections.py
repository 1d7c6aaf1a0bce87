"""After the visit (shadowing/services/reflections.py, shadowing/services/returns.py): the
visitor's reflection completes the placement and makes exactly one training record, of source
shadowing with the opportunity's CPD hours; the supervisor's feedback; the host's invitation
to a return visit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shadowing.enums import Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import CountingStandard, Placement, Reflection, ReturnInvitation
from shadowing.services import notifications
from shadowing.services.reflections import placement_feedback_give, placement_reflection_write
from shadowing.services.returns import return_invitation_create
from shadowing.states import TransitionRefused
from tests.organisations.factories import MembershipFactory
from tests.shadowing.factories import OpportunityFactory, placement_in, visitor_membership
from tests.training.factories import TrainingStandardFactory
from training.enums import RecordSource
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

ANSWERS = {
    "learnt_about_role": "  How the MASH weighs every agency's information.  ",
    "surprised_me": "How much depends on the referral.",
    "do_differently": "Say what I am worried about, and why.",
    "share_with_team": "What a good referral looks like.",
}


@pytest.fixture(autouse=True)
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """What `placement_notify` was asked to tell (the emails are another module's to test)."""
    calls: list[tuple[int, str]] = []

    def record(*, placement: Placement, event: str) -> None:
        calls.append((placement.pk, event))

    monkeypatch.setattr(notifications, "placement_notify", record)
    return calls


def _after_visit() -> Placement:
    opportunity = OpportunityFactory(title="A day in the MASH", cpd_hours=Decimal("6.5"))
    return placement_in(
        Status.AWAITING_REFLECTION,
        opportunity=opportunity,
        visit_date=timezone.localdate() - timedelta(days=3),
    )


def test_the_reflection_completes_the_placement_with_one_shadowing_record(
    told: list[tuple[int, str]],
) -> None:
    counted = [TrainingStandardFactory(), TrainingStandardFactory()]
    for standard in counted:
        CountingStandard.objects.create(standard=standard)
    TrainingStandardFactory()  # not counted
    placement = _after_visit()
    visitor = placement.visitor

    reflection = placement_reflection_write(placement_id=placement.pk, by=visitor.user, **ANSWERS)

    placement.refresh_from_db()
    assert placement.status == Status.COMPLETED
    assert placement.completed_at is not None
    assert reflection.learnt_about_role == "How the MASH weighs every agency's information."
    assert Reflection.objects.get(placement=placement) == reflection
    assert reflection.history.first().history_user == visitor.user
    record = TrainingRecord.objects.get()
    assert placement.training_record == record
    assert record.source == RecordSource.SHADOWING
    assert record.cpd_hours == Decimal("6.5")
    assert record.membership == visitor
    assert record.user == visitor.user
    assert record.completed_on == placement.visit_date
    assert record.title == f"Shadowing: A day in the MASH ({placement.host_organisation.name})"
    assert set(record.standards.all()) == set(counted)
    assert record.history.first().history_change_reason == "Shadowing placement completed"
    latest = placement.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        visitor.user,
        "Reflection written: completed",
    )
    assert told == [(placement.pk, Event.COMPLETED)]


def test_a_second_reflection_is_refused_and_makes_no_second_record() -> None:
    placement = _after_visit()
    placement_reflection_write(placement_id=placement.pk, by=placement.visitor.user, **ANSWERS)
    with pytest.raises(TransitionRefused):
        placement_reflection_write(placement_id=placement.pk, by=placement.visitor.user, **ANSWERS)
    assert TrainingRecord.objects.count() == 1
    assert Reflection.objects.count() == 1


@pytest.mark.parametrize("empty", list(ANSWERS))
def test_every_part_of_the_reflection_is_needed(empty: str) -> None:
    placement = _after_visit()
    with pytest.raises(ShadowingError) as refused:
        placement_reflection_write(
            placement_id=placement.pk, by=placement.visitor.user, **{**ANSWERS, empty: "  "}
        )
    assert refused.value.field == empty
    assert refused.value.message.startswith("Say what")
    placement.refresh_from_db()
    assert placement.status == Status.AWAITING_REFLECTION
    assert not Reflection.objects.exists()
    assert not TrainingRecord.objects.exists()


def test_only_the_visitor_writes_the_reflection() -> None:
    placement = _after_visit()
    for someone in (placement.visitor.line_manager.user, placement.supervisor.user):
        with pytest.raises(TransitionRefused) as refused:
            placement_reflection_write(placement_id=placement.pk, by=someone, **ANSWERS)
        assert str(refused.value) == "Only the visitor can write their reflection."
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize("status", [Status.AWAITING_REFLECTION, Status.COMPLETED])
def test_the_supervisor_gives_feedback_once(status: str, told: list[tuple[int, str]]) -> None:
    placement = placement_in(status)
    supervisor = placement.supervisor.user

    placement_feedback_give(placement_id=placement.pk, by=supervisor, feedback=" Thoughtful. ")

    placement.refresh_from_db()
    assert placement.supervisor_feedback == "Thoughtful."
    assert placement.supervisor_feedback_at is not None
    assert placement.history.first().history_user == supervisor
    assert told == [(placement.pk, Event.FEEDBACK_GIVEN)]
    with pytest.raises(ShadowingError) as again:
        placement_feedback_give(placement_id=placement.pk, by=supervisor, feedback="Changed.")
    assert again.value.message == "You have already given feedback on this visit."
    placement.refresh_from_db()
    assert placement.supervisor_feedback == "Thoughtful."


def test_empty_feedback_is_refused() -> None:
    placement = placement_in(Status.COMPLETED)
    with pytest.raises(ShadowingError) as refused:
        placement_feedback_give(
            placement_id=placement.pk, by=placement.supervisor.user, feedback=""
        )
    assert refused.value.field == "feedback"
    placement.refresh_from_db()
    assert placement.supervisor_feedback_at is None


def test_the_host_invites_a_return_visit_once(told: list[tuple[int, str]]) -> None:
    placement = placement_in(Status.COMPLETED)
    colleague = MembershipFactory(organisation=placement.host_organisation)
    supervisor = placement.supervisor.user

    invitation = return_invitation_create(
        placement_id=placement.pk, by=supervisor, invited_visitor=colleague, message=" Do come. "
    )

    assert ReturnInvitation.objects.get() == invitation
    assert (invitation.invited_visitor, invitation.invited_by) == (colleague, supervisor)
    assert invitation.message == "Do come."
    assert told == [(placement.pk, Event.RETURN_INVITED)]
    with pytest.raises(ShadowingError) as again:
        return_invitation_create(
            placement_id=placement.pk, by=supervisor, invited_visitor=colleague
        )
    assert again.value.message == "A return visit has already been offered for this placement."
    assert ReturnInvitation.objects.count() == 1


def test_the_return_visitor_must_be_a_current_member_of_the_host() -> None:
    placement = placement_in(Status.COMPLETED)
    with pytest.raises(ShadowingError) as refused:
        return_invitation_create(
            placement_id=placement.pk,
            by=placement.supervisor.user,
            invited_visitor=visitor_membership(),
        )
    assert refused.value.field == "invited_visitor"
    assert not ReturnInvitation.objects.exists()


def test_a_return_visit_is_offered_only_after_a_completed_placement() -> None:
    placement = placement_in(Status.AWAITING_REFLECTION)
    with pytest.raises(TransitionRefused):
        return_invitation_create(
            placement_id=placement.pk,
            by=placement.supervisor.user,
            invited_visitor=MembershipFactory(organisation=placement.host_organisation),
        )
    assert not ReturnInvitation.objects.exists()
