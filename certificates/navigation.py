"""Certificates's links on the home page (accounts.navigation): your certificates for
everyone signed in, and the list of every certificate for the partnership team."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    return []


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [DashboardLink(26, "certificates/_dashboard.html")]
