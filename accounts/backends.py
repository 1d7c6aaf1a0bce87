"""Grants the Django and Wagtail permissions that follow from a person's roles.

Roles live on the user and their memberships (see accounts.roles); this backend turns them
into permissions, so there are no groups to keep in step by hand.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from accounts.roles import roles_for

PARTNERSHIP_TEAM_PERMISSIONS = frozenset(
    {
        "wagtailadmin.access_admin",
        "organisations.add_organisation",
        "organisations.change_organisation",
        "organisations.delete_organisation",
        "organisations.view_organisation",
        "organisations.add_jobrole",
        "organisations.change_jobrole",
        "organisations.delete_jobrole",
        "organisations.view_jobrole",
    }
)


class RolePermissionBackend(BaseBackend):
    """Answers `has_perm` from roles. Never authenticates anyone itself."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = "_role_perm_cache"
        if not hasattr(user_obj, cache_name):
            perms: set[str] = set()
            if roles_for(user_obj).partnership_team:
                perms |= PARTNERSHIP_TEAM_PERMISSIONS
            setattr(user_obj, cache_name, perms)
        return getattr(user_obj, cache_name)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
