"""Compliance's links in the service navigation and on the home page (accounts.navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    links = [NavLink(20, "My training", reverse("compliance:my_training"))]
    # Each role's compliance page directly, so the link shows as current on it.
    if roles.partnership_team:
        links.append(NavLink(60, "Compliance", reverse("compliance:partnership")))
    elif roles.coordinator:
        links.append(NavLink(60, "Compliance", reverse("compliance:home")))
    elif roles.line_manager:
        links.append(NavLink(60, "Compliance", reverse("compliance:team")))
    if roles.clerk:
        links.append(NavLink(70, "Governors", reverse("compliance:boards")))
    return links


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [
        DashboardLink(20, "compliance/_dashboard_my_training.html"),
        DashboardLink(30, "compliance/_dashboard_tables.html"),
    ]
