"""Organisations: the partners, their people and who manages whom.

Organisations, their email domains, job roles and headcounts; memberships (staff, volunteers,
governors) with their roles and line managers; people pages, invitations and the bulk import;
and the primitives every feature's permissions are built on (`permissions.py`). A foundation
app: it imports no feature app, and tells others about organisations through `signals.py`.
"""
