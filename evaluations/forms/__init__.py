"""Evaluations' forms."""
