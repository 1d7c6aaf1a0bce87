"""Reading certificates: by code (public), a person's own, and the partnership team's list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from certificates.codes import code_is_well_formed, code_normalise
from certificates.models import Certificate

if TYPE_CHECKING:
    from accounts.models import User

# Rows on one page of the partnership team's list.
MANAGE_PAGE_SIZE = 50


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code (typed in any case, with or without dashes), through the
    unique index: one query, or none for a code that cannot exist. Only the row's own columns
    are read: the snapshot holds everything the public page shows."""
    code = code_normalise(code)
    if not code_is_well_formed(code):
        return None
    return Certificate.objects.filter(code=code).first()


def certificates_of(user: User) -> QuerySet[Certificate]:
    """A person's own certificates, newest first, current ones and replaced or revoked ones."""
    return Certificate.objects.filter(holder=user).order_by("-issued_at", "-pk")


def certificates_for_team(search: str = "") -> QuerySet[Certificate]:
    """Every certificate, for the partnership team, searched by name, email, course or code."""
    certificates = Certificate.objects.select_related("holder").order_by("-issued_at", "-pk")
    search = search.strip()
    if search:
        code = code_normalise(search)
        certificates = certificates.filter(
            Q(holder_name__icontains=search)
            | Q(holder__email__iexact=search)
            | Q(course_title__icontains=search)
            | Q(code=code)
        )
    return certificates
