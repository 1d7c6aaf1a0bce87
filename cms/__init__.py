"""Wagtail pages for published procedures.

Filled by a later issue; only the content admin is used today.
"""
