"""Published pages' links in the service navigation and on the home page (accounts.navigation).
The route finder is also offered to people who are not signed in (accounts.navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    return [NavLink(30, "Where to escalate", reverse("cms:route_finder"))]


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [DashboardLink(70, "cms/_dashboard_guides.html")]
