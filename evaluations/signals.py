"""Signals evaluations sends, for the apps above it (certificates) to act on."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that completes an invitation, with `booking_id` and `step`.
# Receivers queue their work with transaction.on_commit.
step_completed = Signal()
