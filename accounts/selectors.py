"""Reads for accounts: invitations, who may create an account, and the home page's dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from accounts.models import Invitation, User
from accounts.roles import roles_for
from organisations.models import Organisation


def invitation_usable_by_token(*, token: str) -> Invitation | None:
    return Invitation.objects.pending().select_related("organisation").filter(token=token).first()


def organisations_for_email(*, email: str) -> QuerySet[Organisation]:
    """Organisations whose allowed email domains include this address's domain."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return Organisation.objects.filter(email_domains__domain=domain).distinct().order_by("name")


def user_with_email_exists(*, email: str) -> bool:
    """Whether any account already uses this address, as its login or as an added address."""
    email = email.strip()
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


@dataclass(frozen=True)
class SignupRoute:
    """How a person with a given email address may join: by invitation or by email domain.

    A person must belong to an organisation, so an address with neither route cannot be used
    to create an account. A domain shared by several organisations (nhs.net) means the person
    has to say which one they work for.
    """

    invitation: Invitation | None = None
    organisations: list[Organisation] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.invitation is not None or bool(self.organisations)

    @property
    def needs_organisation_choice(self) -> bool:
        return self.invitation is None and len(self.organisations) > 1

    @property
    def organisation(self) -> Organisation | None:
        """The one organisation the person joins by their email domain, when there is one."""
        if self.invitation is None and len(self.organisations) == 1:
            return self.organisations[0]
        return None


def signup_route_for(*, email: str, invitation: Invitation | None) -> SignupRoute:
    """The way in for this address, given the invitation (if any) this browser is carrying.

    The invitation counts only for the address it was sent to; anyone else signing up in the
    same browser is treated as a domain sign-up.
    """
    email = email.strip().lower()
    if "@" not in email:
        return SignupRoute()
    if invitation is not None and invitation.is_usable and invitation.email.lower() == email:
        return SignupRoute(invitation=invitation)
    return SignupRoute(organisations=list(organisations_for_email(email=email)))


def dashboard_for(user: User) -> dict[str, Any]:
    """What the home page shows a signed-in person: their organisations, roles and reports."""
    from organisations.models import Membership
    from organisations.permissions import organisations_with_people_visible_to
    from organisations.selectors import direct_reports_of

    memberships = (
        Membership.objects.current()
        .filter(user=user)
        .select_related("organisation", "job_role", "line_manager__user")
        .order_by("organisation__name")
    )
    from accounts.navigation import dashboard_links_for

    roles = roles_for(user)
    return {
        "memberships": memberships,
        "roles": roles,
        "dashboard_links": dashboard_links_for(user, roles),
        "people_organisations": organisations_with_people_visible_to(user).order_by("name"),
        "reports": direct_reports_of(viewer=user),
    }
