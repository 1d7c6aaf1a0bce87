"""Shadowing's forms."""
