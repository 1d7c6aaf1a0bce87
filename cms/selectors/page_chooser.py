"""Which pages Wagtail's page chooser offers a person: those they may edit, and published ones.

The chooser (behind every internal link and page field in the admin) would otherwise list every
page on the site, so an organisation's web editor would read the titles of other
organisations' drafts, such as the page made for an organisation that has just joined.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.query import PageQuerySet

from accounts.roles import roles_for

# Page rights that make a page the person's own to see as a draft (cms.services.editors).
EDITING_ACTIONS = ("add", "change", "publish")


def pages_choosable_by(*, user: Any, pages: PageQuerySet[Page]) -> PageQuerySet[Page]:
    """`pages` narrowed to those `user` may edit, or that are published.

    The partnership team (and superusers) may edit every page, so keep them all.
    """
    if user.is_superuser or roles_for(user).partnership_team:
        return pages
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, list(EDITING_ACTIONS)
    )
    return pages.filter(Q(live=True) | Q(pk__in=editable.values("pk")))
