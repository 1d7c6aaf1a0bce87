"""Reporting's links in the service navigation and on the home page (accounts.navigation): for
the partnership team and coordinators, who have reports (`reporting.permissions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles

# After compliance (60) and governors (70).
NAV_ORDER = 80
# After shadowing's links (27), before compliance's tables (30).
DASHBOARD_ORDER = 28


def _has_reports(roles: Roles) -> bool:
    return bool(roles.partnership_team or roles.coordinator)


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    if not _has_reports(roles):
        return []
    return [NavLink(NAV_ORDER, "Reports", reverse("reporting:dashboard"))]


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    if not _has_reports(roles):
        return []
    return [DashboardLink(DASHBOARD_ORDER, "reporting/_dashboard_link.html")]
