"""Writes for the published pages: editors' groups, the site tree, reading, review reminders."""
