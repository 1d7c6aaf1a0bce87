"""Writes for training, one module a topic: booking, attendance, charges, notifications."""
