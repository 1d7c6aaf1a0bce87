"""Who may act on someone's booking.

Built only from `organisations.permissions` (who manages whom) and the line-manager relation on
a membership, so the rules about people stay in one place:

- a person books, cancels and passes on their own place;
- whoever manages their membership (their organisation's coordinator, the clerk for a governor,
  the partnership team) may do the same for them, and may approve or decline their requests;
- their current line manager may approve or decline their requests and pass their place to a
  colleague;
- nobody approves their own request.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from organisations.models import Membership
from organisations.permissions import can_manage_membership

if TYPE_CHECKING:
    from accounts.models import User


def is_partnership_team(user: User) -> bool:
    """The partnership team runs the programme: sessions, charges and holds."""
    return bool(user.is_active and user.is_partnership_team)


def has_line_manager(membership: Membership, *, on: date | None = None) -> bool:
    """Whether the membership names a line manager who is still in post and can sign in."""
    if membership.line_manager_id is None:
        return False
    return (
        Membership.objects.current(on)
        .filter(pk=membership.line_manager_id, user__is_active=True)
        .exists()
    )


def is_line_manager_of(user: User, membership: Membership, *, on: date | None = None) -> bool:
    """Whether the person is the membership's current line manager."""
    if membership.line_manager_id is None or not user.is_active:
        return False
    return Membership.objects.current(on).filter(pk=membership.line_manager_id, user=user).exists()


def can_book_for(user: User, membership: Membership) -> bool:
    """Book or cancel a place for this membership: the person, or whoever manages them."""
    if not user.is_active:
        return False
    return membership.user_id == user.pk or can_manage_membership(user, membership)


def can_decide_bookings_for(user: User, membership: Membership) -> bool:
    """Approve or decline this membership's requests: their line manager or whoever manages
    them, never the person themselves."""
    if not user.is_active or membership.user_id == user.pk:
        return False
    return is_line_manager_of(user, membership) or can_manage_membership(user, membership)


def can_substitute_for(user: User, membership: Membership) -> bool:
    """Pass this membership's place to a colleague: the person, their manager or coordinator."""
    return can_book_for(user, membership) or is_line_manager_of(user, membership)
