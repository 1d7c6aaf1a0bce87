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
        "training.add_trainingstandard",
        "training.change_trainingstandard",
        "training.delete_trainingstandard",
        "training.view_trainingstandard",
        "training.add_course",
        "training.change_course",
        "training.delete_course",
        "training.view_course",
        "training.add_session",
        "training.change_session",
        "training.delete_session",
        "training.view_session",
        "training.view_charge",
        "training.change_charge",
        "training.add_requirement",
        "training.change_requirement",
        "training.delete_requirement",
        "training.view_requirement",
        # The booking rules under Settings (offer times, no-show holds, reminders).
        "training.change_bookingrules",
        # The compliance rules under Settings (due-soon window, reminders, guidance edition).
        "training.change_compliancerules",
        # "Worried about a child?" numbers on the home page, guides and posters.
        "cms.change_safeguardingcontacts",
        # The outbox under Settings: what was emailed and whether it went (read-only).
        "post_office.view_email",
    }
)

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
                perms |= PARTNERSHIP_TEAM_PERMISSIONS
            if roles.web_editor:
                perms |= WEB_EDITOR_PERMISSIONS
            setattr(user_obj, cache_name, perms)
        return getattr(user_obj, cache_name)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
