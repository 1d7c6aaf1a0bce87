"""After the visit: the visitor's reflection, which completes the placement and records its CPD
hours, and the host supervisor's feedback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shadowing.enums import Action, Event, Status
from shadowing.errors import ShadowingError
from shadowing.models import CountingStandard, Reflection
from shadowing.permissions import parties_of
from shadowing.services import notifications
from shadowing.services.history import history_attribute, placement_locked, placement_save
from shadowing.states import transition_check
from training.enums import RecordSource
from training.services.records import training_record_create

if TYPE_CHECKING:
    from accounts.models import User
    from shadowing.models import Placement

# Room for a considered paragraph or two; short enough that nobody pastes in a case file.
ANSWER_MAX_LENGTH = 5000

# What to say when each part of the reflection is left empty.
REFLECTION_PROMPTS = {
    "learnt_about_role": "Say what you learnt about their role and their thresholds for action.",
    "surprised_me": "Say what surprised you.",
    "do_differently": "Say what you will do differently.",
    "share_with_team": "Say what you will share with your team.",
}


def _text(value: str, *, field: str, empty: str) -> str:
    value = value.strip()
    if not value:
        raise ShadowingError(empty, field=field)
    if len(value) > ANSWER_MAX_LENGTH:
        raise ShadowingError(
            f"Answers must be {ANSWER_MAX_LENGTH:,} characters or fewer.", field=field
        )
    return value


def placement_reflection_write(
    *,
    placement_id: int,
    by: User,
    learnt_about_role: str,
    surprised_me: str,
    do_differently: str,
    share_with_team: str,
) -> Reflection:
    """The visitor's reflection. It completes the placement and adds its CPD hours to their
    training record, meeting the standards the partnership counts shadowing towards."""
    answers = {
        "learnt_about_role": learnt_about_role,
        "surprised_me": surprised_me,
        "do_differently": do_differently,
        "share_with_team": share_with_team,
    }
    with transaction.atomic():
        placement: Placement = placement_locked(placement_id)
        transition_check(
            action=Action.WRITE_REFLECTION,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        cleaned = {
            field: _text(value, field=field, empty=REFLECTION_PROMPTS[field])
            for field, value in answers.items()
        }
        now = timezone.now()
        reflection = Reflection(placement=placement, written_at=now, **cleaned)
        history_attribute(reflection, by=by, reason="Reflection written")
        reflection.save()
        opportunity = placement.opportunity
        placement.training_record = training_record_create(
            membership=placement.visitor,
            title=f"Shadowing: {opportunity.title} ({placement.host_organisation.name})",
            cpd_hours=opportunity.cpd_hours,
            completed_on=placement.visit_date or timezone.localdate(),
            standards=[cs.standard for cs in CountingStandard.objects.select_related("standard")],
            source=RecordSource.SHADOWING,
            created_by=by,
            reason="Shadowing placement completed",
        )
        placement.status = Status.COMPLETED
        placement.completed_at = now
        placement_save(placement, by=by, reason="Reflection written: completed")
        notifications.placement_notify(placement=placement, event=Event.COMPLETED)
    return reflection


def placement_feedback_give(*, placement_id: int, by: User, feedback: str) -> Placement:
    """The host supervisor's feedback to the visitor, once, after the visit."""
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.GIVE_FEEDBACK,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        if placement.supervisor_feedback_at is not None:
            raise ShadowingError("You have already given feedback on this visit.")
        placement.supervisor_feedback = _text(
            feedback, field="feedback", empty="Write your feedback for the visitor."
        )
        placement.supervisor_feedback_at = timezone.now()
        placement_save(placement, by=by, reason="Feedback given by the supervisor")
        notifications.placement_notify(placement=placement, event=Event.FEEDBACK_GIVEN)
    return placement
