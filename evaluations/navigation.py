"""Evaluations' links on the home page (accounts.navigation): your evaluations for everyone
signed in (courses attended, and follow-ups for the people you manage), and the results for the
partnership team, trainers and coordinators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    return []


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [DashboardLink(24, "evaluations/_dashboard.html")]
