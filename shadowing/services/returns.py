"""After a completed placement, the host invites the visitor's organisation to host one of the
host's own staff in return: shadowing both ways."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from organisations.models import Membership
from shadowing.enums import Action, Event
from shadowing.errors import ShadowingError
from shadowing.models import ReturnInvitation
from shadowing.permissions import parties_of
from shadowing.services import notifications
from shadowing.services.history import placement_locked
from shadowing.states import transition_check

if TYPE_CHECKING:
    from accounts.models import User

MESSAGE_MAX_LENGTH = 2000


def return_invitation_create(
    *, placement_id: int, by: User, invited_visitor: Membership, message: str = ""
) -> ReturnInvitation:
    """Invite a return visit by `invited_visitor`, a current member of the host organisation.
    One invitation per placement."""
    with transaction.atomic():
        placement = placement_locked(placement_id)
        transition_check(
            action=Action.INVITE_RETURN,
            status=placement.status,
            parties=parties_of(by, placement),
        )
        if ReturnInvitation.objects.filter(placement=placement).exists():
            raise ShadowingError("A return visit has already been offered for this placement.")
        if not (
            Membership.objects.current()
            .filter(pk=invited_visitor.pk, organisation_id=placement.host_organisation_id)
            .exists()
        ):
            raise ShadowingError(
                f"The person invited must be a current member of {placement.host_organisation}.",
                field="invited_visitor",
            )
        message = message.strip()
        if len(message) > MESSAGE_MAX_LENGTH:
            raise ShadowingError(
                f"The message must be {MESSAGE_MAX_LENGTH:,} characters or fewer.",
                field="message",
            )
        invitation = ReturnInvitation.objects.create(
            placement=placement,
            invited_visitor=invited_visitor,
            message=message,
            invited_by=by,
            invited_at=timezone.now(),
        )
        notifications.placement_notify(placement=placement, event=Event.RETURN_INVITED)
    return invitation
