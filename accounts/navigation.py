"""The service navigation: links only to pages that exist and that the person may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from accounts.roles import roles_for


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    current: bool


def navigation_for(request: HttpRequest) -> list[NavItem]:
    user = getattr(request, "user", None)
    # Finding where to escalate a concern is for everyone, signed in or not.
    route_finder = reverse("cms:route_finder")
    if user is None or not user.is_authenticated:
        return [
            NavItem("Where to escalate", route_finder, request.path == route_finder),
            NavItem("Sign in", reverse("account_login"), request.path == reverse("account_login")),
            NavItem(
                "Create an account",
                reverse("account_signup"),
                request.path == reverse("account_signup"),
            ),
        ]
    roles = roles_for(user)
    items = [
        ("Home", reverse("home")),
        ("Courses", reverse("training:catalogue")),
        ("My training", reverse("training:my_training")),
        ("Where to escalate", route_finder),
    ]
    if roles.line_manager or roles.coordinator or roles.clerk or roles.partnership_team:
        items.append(("Approvals", reverse("training:approvals")))
    if roles.trainer or roles.partnership_team:
        items.append(("Registers", reverse("training:registers")))
    # Each role's compliance page directly, so the link shows as current on it.
    if roles.partnership_team:
        items.append(("Compliance", reverse("training:partnership_compliance")))
    elif roles.coordinator:
        items.append(("Compliance", reverse("training:compliance")))
    elif roles.line_manager:
        items.append(("Compliance", reverse("training:team_compliance")))
    if roles.clerk:
        items.append(("Governors", reverse("training:boards")))
    if roles.partnership_team or roles.coordinator or roles.clerk:
        items.append(("People", reverse("organisations:index")))
    if roles.partnership_team or roles.coordinator:
        items.append(("Charges", reverse("training:charges")))
    if roles.partnership_team or user.is_staff:
        items.append(("Content admin", reverse("wagtailadmin_home")))
    items.append(("Your account", reverse("accounts:profile")))
    items.append(("Sign out", reverse("account_logout")))
    return [
        NavItem(text, href, request.path == href or (href != "/" and request.path.startswith(href)))
        for text, href in items
    ]
