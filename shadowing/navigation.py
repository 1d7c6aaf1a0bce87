"""Shadowing's links on the home page (accounts.navigation): finding an opportunity and My
shadowing for everyone with a current staff or volunteer membership; the requests to approve
for line managers; hosting visitors for shadowing hosts; the partnership's view for the
partnership team. No link in the service navigation, which every page would pay a query for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists

from accounts.navigation import DashboardLink, NavLink
from organisations.models import Membership
from shadowing.permissions import host_memberships
from shadowing.selectors.catalogue import VISITING_KINDS

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles

# After certificates (26), before compliance's tables (30).
DASHBOARD_ORDER = 27


def nav_links(user: User, roles: Roles) -> list[NavLink]:
    return []


def dashboard_links(user: User, roles: Roles) -> list[DashboardLink]:
    """One query: whether the person may visit (a current staff or volunteer membership) and
    whether they host (`shadowing.permissions.host_memberships`)."""
    if not user.is_authenticated:
        return []
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            visits=Exists(Membership.objects.current().filter(user=user, kind__in=VISITING_KINDS)),
            hosts=Exists(host_memberships(user)),
        )
        .values("visits", "hosts")
        .get()
    )
    if not (row["visits"] or row["hosts"] or roles.line_manager or roles.partnership_team):
        return []
    # The home page includes each template with its own context (the user and their roles);
    # what the person is to shadowing is held on the user, which lives for this one request,
    # as their roles are (accounts.roles.roles_for).
    user.shadowing_visits = row["visits"]  # type: ignore[attr-defined]
    user.shadowing_hosts = row["hosts"]  # type: ignore[attr-defined]
    return [DashboardLink(DASHBOARD_ORDER, "shadowing/_dashboard.html")]
