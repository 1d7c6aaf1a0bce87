"""Shadowing's section of My training (compliance.my_training_sections): for someone who has
asked to shadow, how many requests are open, reflections to write, and placements completed
with their CPD hours, linking to My shadowing."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from compliance.my_training_sections import MyTrainingSection
from shadowing.enums import Status
from shadowing.models import Placement

if TYPE_CHECKING:
    from accounts.models import User

# Before the visit: waiting for someone, or confirmed and still to come.
OPEN_REQUESTS = (
    Status.AWAITING_MANAGER,
    Status.AWAITING_HOST,
    Status.AWAITING_CHECKS,
    Status.CONFIRMED,
)


def my_training_section(user: User) -> MyTrainingSection | None:
    if not user.is_authenticated:
        return None
    counts = Placement.objects.filter(visitor__user=user).aggregate(
        placements=Count("pk"),
        open_requests=Count("pk", filter=Q(status__in=OPEN_REQUESTS)),
        reflections=Count("pk", filter=Q(status=Status.AWAITING_REFLECTION)),
        completed=Count("pk", filter=Q(status=Status.COMPLETED)),
        cpd_hours=Sum("opportunity__cpd_hours", filter=Q(status=Status.COMPLETED)),
    )
    if not counts["placements"]:
        return None
    return MyTrainingSection(
        order=30,
        template="shadowing/_my_training.html",
        context={
            "open_requests": counts["open_requests"],
            "reflections": counts["reflections"],
            "completed": counts["completed"],
            "cpd_hours": counts["cpd_hours"] or Decimal("0"),
        },
    )
