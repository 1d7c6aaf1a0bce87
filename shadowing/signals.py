"""Shadowing's signal receivers (none yet)."""
