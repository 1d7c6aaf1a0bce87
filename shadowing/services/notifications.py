"""Telling people what happened to a placement: each email once (outbox.messages.email_send_once).
Not written yet: `placement_notify` sends nothing."""

from __future__ import annotations

from shadowing.models import Placement


def placement_notify(*, placement: Placement, event: str) -> None:
    """Email everyone `event` concerns, once each, in the caller's transaction."""
    return None
