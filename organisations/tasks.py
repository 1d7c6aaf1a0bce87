"""Background jobs for organisations. Each takes ids and calls a service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from organisations import services
from organisations.imports.services import (
    import_batch_check,
    import_batch_check_too_slow,
    import_batches_delete_expired,
)
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


@shared_task
def import_batches_expire_task() -> int:
    """Beat job: delete uploaded import files once they are past keeping (see KEEP_UPLOADS_DAYS)."""
    return import_batches_delete_expired()


@shared_task
def import_batch_check_task(batch_id: int) -> None:
    """Read and check a large people file for its preview. Queued with time limits
    (organisations.imports.checking); at the soft one the file is refused with a message."""
    try:
        import_batch_check(batch_id=batch_id)
    except SoftTimeLimitExceeded:
        import_batch_check_too_slow(batch_id=batch_id)
