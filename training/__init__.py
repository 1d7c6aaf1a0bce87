"""Training: the partnership's joint training programme and everyone's training records.

Standards and what meets what, courses and their dated sessions, booking with approvals,
waiting lists, substitutions and holds, charges for late cancellation and non-attendance,
registers and attendance, the notifications each sends once, and training records (from
attendance, imports of past completions, and other apps through `services.records`). What
people must hold is `compliance`; training done elsewhere is `evidence`.
"""
