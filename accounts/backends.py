"""Grants the Django and Wagtail permissions that follow from a person's roles.

Roles live on the user and their memberships (see accounts.roles); this backend turns them
into permissions, so there are no groups to keep in step by hand.

The partnership team and organisations' web editors get into Wagtail's admin; web editors see
only their organisation's pages (cms.services.editors). The partnership team runs the training
programme there (standards, requirements, courses, sessions, the booking and compliance
rules); charges are seen and waived on our own pages, which check `organisations.permissions`,
so the charge permissions below only keep the model permissions truthful. Trainers get no admin
permissions: they see and mark the registers of their sessions on our own pages
(`training:registers`), and ask the partnership team to change a session (see
docs/training-admin.md).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib.auth.backends import BaseBackend

from accounts.roles import roles_for

# Everyone on the partnership team reaches the admin; what they may do there is declared by
# each app as `PARTNERSHIP_TEAM_ADMIN_PERMISSIONS` in its own `permissions.py` (built from the
# models' `_meta`, so no app label is typed here) and gathered below.
PARTNERSHIP_TEAM_BASE_PERMISSIONS = frozenset({"wagtailadmin.access_admin"})


@cache
def partnership_team_permissions() -> frozenset[str]:
    """Every installed app's `PARTNERSHIP_TEAM_ADMIN_PERMISSIONS`, plus admin access."""
    permissions = set(PARTNERSHIP_TEAM_BASE_PERMISSIONS)
    for config in apps.get_app_configs():
        name = f"{config.name}.permissions"
        try:
            module = import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        permissions |= getattr(module, "PARTNERSHIP_TEAM_ADMIN_PERMISSIONS", frozenset())
    return frozenset(permissions)


# Organisation web editors reach the admin to edit their own organisation's pages; which pages
# is decided by their editors' group (cms.services.editors), not here.
WEB_EDITOR_PERMISSIONS = frozenset({"wagtailadmin.access_admin"})


class RolePermissionBackend(BaseBackend):
    """Answers `has_perm` from roles. Never authenticates anyone itself."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = "_role_perm_cache"
        if not hasattr(user_obj, cache_name):
            perms: set[str] = set()
            roles = roles_for(user_obj)
            if roles.partnership_team:
                perms |= partnership_team_permissions()
            if roles.web_editor:
                perms |= WEB_EDITOR_PERMISSIONS
            setattr(user_obj, cache_name, perms)
        return getattr(user_obj, cache_name)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
