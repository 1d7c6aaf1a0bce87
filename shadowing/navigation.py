"""Shadowing's links on the home page and in the service navigation (accounts.navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    return []


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return []
