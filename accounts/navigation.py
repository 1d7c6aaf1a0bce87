"""The service navigation and the home page's list of what a person can do.

Links only to pages that exist and that the person may use. Accounts owns the frame (home,
sign in, your account, sign out); every other link comes from the app that owns the page: each
module named in `settings.NAVIGATION_MODULES` has `nav_links(user, roles)` and
`dashboard_links(user, roles)`. The modules are imported by name, so accounts depends on no
feature app, and adding an app's links is one line in settings (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from accounts.roles import roles_for

if TYPE_CHECKING:
    from accounts.models import User
    from accounts.roles import Roles


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    current: bool


@dataclass(frozen=True)
class NavLink:
    """A link an app adds to the service navigation; `order` places it among every app's."""

    order: int
    text: str
    href: str


@dataclass(frozen=True)
class DashboardLink:
    """An item an app adds to the home page's "What you can do" list: a template that renders
    one or more `<li>`s with `roles` in its context."""

    order: int
    template: str


# Where accounts' own links sit among the apps' (which use the numbers between).
HOME_ORDER = 0
CONTENT_ADMIN_ORDER = 900
ACCOUNT_ORDER = 950


@cache
def _modules() -> tuple[ModuleType, ...]:
    return tuple(import_module(name) for name in settings.NAVIGATION_MODULES)


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        links = [
            # Finding where to escalate a concern is for everyone, signed in or not.
            NavLink(1, "Where to escalate", reverse("cms:route_finder")),
            NavLink(2, "Sign in", reverse("account_login")),
            NavLink(3, "Create an account", reverse("account_signup")),
        ]
    else:
        roles = roles_for(user)
        links = [NavLink(HOME_ORDER, "Home", reverse("home"))]
        for module in _modules():
            links.extend(module.nav_links(user, roles))
        if roles.partnership_team or user.is_staff:
            links.append(
                NavLink(CONTENT_ADMIN_ORDER, "Content admin", reverse("wagtailadmin_home"))
            )
        links.append(NavLink(ACCOUNT_ORDER, "Your account", reverse("accounts:profile")))
        links.append(NavLink(ACCOUNT_ORDER + 1, "Sign out", reverse("account_logout")))
    return [
        NavItem(
            link.text,
            link.href,
            request.path == link.href or (link.href != "/" and request.path.startswith(link.href)),
        )
        for link in sorted(links, key=lambda link: link.order)
    ]


def dashboard_links_for(user: User, roles: Roles) -> list[str]:
    """The templates of the home page's "What you can do" list, in order."""
    links = [
        DashboardLink(CONTENT_ADMIN_ORDER, "accounts/_dashboard_admin.html"),
        DashboardLink(ACCOUNT_ORDER, "accounts/_dashboard_account.html"),
    ]
    for module in _modules():
        links.extend(module.dashboard_links(user, roles))
    return [link.template for link in sorted(links, key=lambda link: link.order)]
