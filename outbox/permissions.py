"""Who sees the outbox: the partnership team, read-only, under Settings (outbox.viewsets)."""

from post_office.models import Email

from organisations.permissions import model_permissions

PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(Email, ("view",))
