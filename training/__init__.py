"""Joint and mandatory training: courses, sessions, bookings, records and compliance.

Filled by the joint-training and mandatory-training issues; nothing here is shown to users yet.
"""
