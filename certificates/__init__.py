"""Certificates and their public verification.

Filled by a later issue; nothing is shown to users yet.
"""
