"""Shadowing's selectors."""
