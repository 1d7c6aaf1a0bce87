"""Evaluations: what learners (and, at follow-up, their line managers) say a course changed.

What is here so far: the models (question bank, each course's evaluation with its steps and
questions, invitations unique per booking and step, answers) and `selectors/gate.py`, the one
part certificates use ("does this course's certificate wait for the evaluation, and which
bookings have answered it"). No page, admin screen or email asks anyone anything yet, so no
course has an evaluation and certificates wait for attendance alone (docs/evaluations.md).
"""
