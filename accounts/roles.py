"""What a signed-in person is, across all their memberships. Read-only helpers.

The rules about who may see and change whom live in `organisations.permissions`; this module
only answers "does this person hold role X anywhere?", which the MFA policy and the navigation
need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Roles:
    """The roles a person holds today. Built with one query by `roles_for`."""

    partnership_team: bool = False
    trainer: bool = False
    coordinator: bool = False
    clerk: bool = False
    web_editor: bool = False
    line_manager: bool = False

    @property
    def privileged(self) -> bool:
        """Roles that see other people's data or publish content, so must use MFA."""
        return (
            self.partnership_team
            or self.trainer
            or self.coordinator
            or self.clerk
            or self.web_editor
        )


def roles_for(user: User) -> Roles:
    """The person's roles, from one query over their current memberships."""
    from organisations.models import Membership

    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    current = Membership.objects.current().filter(user=user)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            coordinator=Exists(current.filter(is_coordinator=True)),
            clerk=Exists(current.filter(is_clerk=True)),
            web_editor=Exists(current.filter(is_web_editor=True)),
            line_manager=Exists(
                Membership.objects.current().filter(
                    line_manager__user=OuterRef("pk"), line_manager__in=current
                )
            ),
        )
        .values("coordinator", "clerk", "web_editor", "line_manager")
        .get()
    )
    roles = Roles(
        partnership_team=user.is_partnership_team,
        trainer=user.is_trainer,
        coordinator=row["coordinator"],
        clerk=row["clerk"],
        web_editor=row["web_editor"],
        line_manager=row["line_manager"],
    )
    # Held on the user object, which lives for one request, so a role change shows next time.
    user._roles_cache = roles  # type: ignore[attr-defined]
    return roles


def privileged_users_q() -> Q:
    """A filter for users who must use MFA (used by reports on MFA take-up)."""
    from organisations.models import Membership

    current = Membership.objects.current().filter(user=OuterRef("pk"))
    return (
        Q(is_partnership_team=True)
        | Q(is_trainer=True)
        | Q(
            Exists(
                current.filter(Q(is_coordinator=True) | Q(is_clerk=True) | Q(is_web_editor=True))
            )
        )
    )
