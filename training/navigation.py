"""Training's links in the service navigation and on the home page (accounts.navigation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from accounts.navigation import DashboardLink, NavLink

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    links = [NavLink(10, "Courses", reverse("training:catalogue"))]
    if roles.line_manager or roles.coordinator or roles.clerk or roles.partnership_team:
        links.append(NavLink(40, "Approvals", reverse("training:approvals")))
    if roles.trainer or roles.partnership_team:
        links.append(NavLink(50, "Registers", reverse("training:registers")))
    if roles.partnership_team or roles.coordinator:
        links.append(NavLink(90, "Charges", reverse("training:charges")))
    return links


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    return [
        DashboardLink(10, "training/_dashboard_catalogue.html"),
        DashboardLink(40, "training/_dashboard_programme.html"),
    ]
