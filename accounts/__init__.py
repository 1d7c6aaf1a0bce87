"""Accounts: who people are and how they sign in.

The `User` (signed in by email address), invitations, sign-up by an organisation's email
domain, passwords and multi-factor authentication (required for privileged roles), Microsoft
Entra ID sign-in, the roles a person holds (`roles.py`), the admin permissions those roles give
(`backends.py`) and the frame of the service navigation (`navigation.py`). A foundation app: it
imports no feature app.
"""
