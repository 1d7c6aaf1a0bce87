"""Loading a placement to change it, and saving it so its history says who changed it and why.

Every workflow service locks the placement's row first (`placement_locked`), so two people
acting on one placement at once are served one after the other: the second finds the state the
first left and is refused by the state table if its action no longer applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shadowing.errors import ShadowingError
from shadowing.models import Placement

if TYPE_CHECKING:
    from django.db.models import Model

    from accounts.models import User

NOT_FOUND = "We could not find that placement."


def placement_locked(placement_id: int) -> Placement:
    """The placement, its row locked until the transaction ends, with what `parties_of` reads.

    Only the placement's row is locked (`of=("self",)`): the visitor's and supervisor's
    memberships are read, not changed, and PostgreSQL will not lock the nullable side of the
    outer join the supervisor needs."""
    try:
        return (
            Placement.objects.select_for_update(of=("self",))
            .select_related("visitor", "supervisor", "opportunity", "host_organisation")
            .get(pk=placement_id)
        )
    except Placement.DoesNotExist:
        raise ShadowingError(NOT_FOUND) from None


def history_attribute(obj: Model, *, by: User | None, reason: str) -> None:
    """Name who made the next save and why, for the object's simple_history row."""
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def placement_save(placement: Placement, *, by: User | None, reason: str) -> None:
    history_attribute(placement, by=by, reason=reason)
    placement.save()
