"""Organisations' links in the service navigation and on the home page (accounts.navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    if roles.partnership_team or roles.coordinator or roles.clerk:
        return [NavLink(80, "People", reverse("organisations:index"))]
    return []


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [DashboardLink(80, "organisations/_dashboard.html")]
