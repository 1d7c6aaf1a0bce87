"""Evidence's link on the home page (accounts.navigation); its pages are reached from My
training and the compliance tables, so it adds nothing to the service navigation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    return []


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [DashboardLink(25, "evidence/_dashboard.html")]
