"""Shadowing between agencies: hosts publish opportunities; a visitor asks, their line manager
approves, the host accepts, the checks are done, the visit happens, the visitor reflects and
gets CPD hours on a training record (docs/shadowing.md)."""
