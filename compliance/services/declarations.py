"""Governors' yearly declaration that they have read the current statutory guidance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.models import GovernorDeclaration
from organisations.enums import MembershipKind
from organisations.models import Membership


@dataclass(frozen=True)
class DeclarationResult:
    declaration: GovernorDeclaration
    created: bool


def declaration_record(
    *, membership: Membership, edition: str, declared_on: date | None = None
) -> DeclarationResult:
    """Record that the governor has read this edition of the guidance, once.

    Declaring an edition again is harmless: the first declaration stands (the database allows
    one a membership and edition) and is returned with `created` false. Who may declare (the
    governor themselves) is the view's check; this one checks the membership can declare at all.
    """
    declared_on = declared_on or timezone.localdate()
    if membership.kind != MembershipKind.GOVERNOR:
        raise ValidationError("Only governors declare that they have read the guidance.")
    if not membership.is_current(declared_on):
        raise ValidationError(
            f"Your time as a governor of {membership.organisation} has ended, so there is "
            "nothing to declare."
        )
    edition = edition.strip()
    if not edition:
        raise ValidationError("There is no edition of the guidance to declare yet.")
    declaration = GovernorDeclaration(
        membership=membership, edition=edition, declared_on=declared_on
    )
    declaration.full_clean(validate_constraints=False)
    try:
        # A savepoint, so a second declaration racing this one leaves any outer transaction
        # usable.
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        existing = GovernorDeclaration.objects.get(membership=membership, edition=edition)
        return DeclarationResult(declaration=existing, created=False)
    return DeclarationResult(declaration=declaration, created=True)
