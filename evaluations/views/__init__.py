"""Evaluations' pages."""
