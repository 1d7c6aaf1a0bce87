"""Background jobs for organisations. Each takes ids and calls a service."""

from celery import shared_task

from organisations import services
from organisations.models import Membership


@shared_task
def memberships_added_notify_task(membership_ids: list[int]) -> int:
    """Email each person who was added to an organisation with their existing account."""
    memberships = Membership.objects.filter(pk__in=membership_ids).select_related(
        "user", "organisation"
    )
    for membership in memberships:
        services.membership_added_notify(membership=membership)
    return len(memberships)
