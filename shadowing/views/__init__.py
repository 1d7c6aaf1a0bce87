"""Shadowing's views."""
