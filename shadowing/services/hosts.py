"""What a host organisation sets up for shadowing: its confidentiality agreement (a new version
each time, the old ones kept for the placements that signed them) and which of its staff are
shadowing hosts (its coordinators are hosts already)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from organisations.enums import MembershipKind
from organisations.models import Membership, Organisation
from shadowing.errors import ShadowingError
from shadowing.models import ConfidentialityAgreement, Host

if TYPE_CHECKING:
    from accounts.models import User

NO_AGREEMENT_TEXT = "Enter the agreement's text."
AGREEMENT_UNCHANGED = "The text is the same as the current version. Change it to publish a new one."
AGREEMENT_CHANGED_MEANWHILE = (
    "Someone published version {version} while you were writing. Read it, then publish yours "
    "if it is still needed."
)


def agreement_publish(
    *, organisation: Organisation, text: str, by: User, based_on: int | None
) -> ConfidentialityAgreement:
    """Publish the next version of the organisation's agreement (its highest version plus one).

    `based_on` is the version the host was shown (None: none yet); if someone published another
    since, nothing is saved. Earlier versions stay: placements keep the one their visitor
    signed."""
    text = text.strip()
    if not text:
        raise ShadowingError(NO_AGREEMENT_TEXT, field="text")
    with transaction.atomic():
        # The organisation's row and its agreements locked: two hosts publishing at once are
        # served one after the other, and the second is told about the first.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        versions = dict(
            ConfidentialityAgreement.objects.select_for_update()
            .filter(organisation=organisation)
            .values_list("version", "text")
        )
        highest = max(versions, default=None)
        if highest != based_on:
            raise ShadowingError(AGREEMENT_CHANGED_MEANWHILE.format(version=highest), field="text")
        if highest is not None and versions[highest].strip() == text:
            raise ShadowingError(AGREEMENT_UNCHANGED, field="text")
        return ConfidentialityAgreement.objects.create(
            organisation=organisation,
            version=(highest or 0) + 1,
            text=text,
            created_by=by,
            created_at=timezone.now(),
        )


def markable_memberships(organisation: Organisation) -> list[Membership]:
    """The organisation's current staff, each with `shadowing_host` read (None when unmarked)."""
    memberships = (
        Membership.objects.current()
        .filter(organisation=organisation, kind=MembershipKind.STAFF)
        .select_related("user", "job_role")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    hosts = {h.membership_id: h for h in Host.objects.filter(membership__in=memberships)}
    rows = list(memberships)
    for membership in rows:
        membership.marked_host = hosts.get(membership.pk)  # type: ignore[attr-defined]
    return rows


def hosts_set(
    *, organisation: Organisation, marked: Iterable[int], by: User
) -> tuple[list[Membership], list[Membership]]:
    """Make exactly the `marked` memberships (of the organisation's current staff, coordinators
    aside) its shadowing hosts. Returns who was marked and who was unmarked."""
    wanted = set(marked)
    with transaction.atomic():
        staff = {
            m.pk: m
            for m in Membership.objects.current()
            .filter(organisation=organisation, kind=MembershipKind.STAFF, is_coordinator=False)
            .select_related("user")
        }
        unknown = wanted - set(staff)
        if unknown:
            raise ShadowingError("Choose people who work for the organisation now.")
        current = set(
            Host.objects.select_for_update()
            .filter(membership__in=list(staff))
            .values_list("membership_id", flat=True)
        )
        added = sorted(wanted - current)
        removed = sorted(current - wanted)
        now = timezone.now()
        Host.objects.bulk_create(
            [Host(membership_id=pk, marked_by=by, marked_at=now) for pk in added],
            ignore_conflicts=True,
        )
        Host.objects.filter(membership__in=removed).delete()
    return [staff[pk] for pk in added], [staff[pk] for pk in removed]
