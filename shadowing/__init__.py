"""Shadowing placements between agencies. Filled by a later issue; nothing is shown to users yet."""
