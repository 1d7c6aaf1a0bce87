"""Shadowing's services."""
