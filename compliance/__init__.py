"""Compliance: who must hold which training, and whether they do.

Requirements (edited by the partnership team), the statuses computed from training records
(`selectors/statuses.py`, over the `AppliedRequirement` database view), the tables and exports
for organisations, teams and the partnership, reminders and monthly digests sent once each,
governors' boards, take-up and annual declarations, and the "My training" page, which brings a
person's bookings, evidence and requirements together. Reads records from `training` and
evidence from `evidence`; writes no records itself.
"""
