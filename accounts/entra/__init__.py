"""Optional sign-in with Microsoft Entra ID (work and school accounts).

Switched on by ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET and ENTRA_ALLOWED_TENANTS. An allauth
provider with the id "entra", built on allauth's Microsoft provider, with three rules of ours:

- a person is keyed on their tenant id and object id (`uid = "<tid>:<oid>"`), never on their
  email address, which the tenant's administrators can change;
- only tenants on the allow-list may sign in;
- a Microsoft sign-in never joins an existing account because the email address matches:
  people with an account sign in with their password and connect Microsoft from their account
  page. New people must still belong to an organisation (invitation or email domain).
"""
