"""Background jobs for accounts. Each takes ids and calls a service."""

from typing import Any

from celery import shared_task

from accounts import services
from accounts.models import Invitation


@shared_task
def invitations_send_task(invitation_ids: list[int]) -> int:
    """Email each invitation not yet sent. Safe to run twice: each is sent once."""
    sent = 0
    for invitation in Invitation.objects.filter(pk__in=invitation_ids):
        sent += services.invitation_send(invitation=invitation)
    return sent


@shared_task
def invitations_expire_task() -> int:
    """Beat job: remove invitations that expired unused more than 90 days ago."""
    return services.invitations_delete_expired()


@shared_task
def email_message_send_task(payload: dict[str, Any]) -> None:
    """Send an email that allauth rendered during a request (see email_message_send_on_commit)."""
    services.email_message_send(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload.get("from_email"),
        to=payload["to"],
        alternatives=payload.get("alternatives"),
    )
