"""Reads for the published pages. No side effects."""
