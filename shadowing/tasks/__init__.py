"""Shadowing's tasks."""
