"""How many of an organisation's people have confirmed reading the current edition of its
escalation guide and of the partnership's procedures.

Who is asked: the people with a current staff or volunteer membership of the organisation (with
an active account), each counted once however many memberships they hold. Governors are not
asked, so they are not counted. An acknowledgement counts only for the page's current edition:
a new edition (a publication not marked as a small correction) starts everyone again.

Everything is counted by the database, grouped by organisation and page, so the number of
queries is the same for one organisation as for two hundred, and for ten people as for ten
thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cms.models.pages import EscalationGuidePage, ProcedurePage
from cms.models.reading import Acknowledgement
from organisations.enums import MembershipKind
from organisations.models import Membership, MembershipQuerySet, Organisation
from organisations.permissions import memberships_visible_to

if TYPE_CHECKING:
    from organisations.permissions import Viewer

# The kinds of membership asked to read guides: governors have their own statutory guidance.
READER_KINDS = (MembershipKind.STAFF, MembershipKind.VOLUNTEER)


@dataclass(frozen=True)
class Rate:
    """How many of `people` have confirmed the current edition."""

    confirmed: int
    people: int

    @property
    def percent(self) -> int | None:
        """Whole per cent, rounded down so that 100% means everyone. None when nobody is asked."""
        if not self.people:
            return None
        return 100 * self.confirmed // self.people

    @property
    def not_confirmed(self) -> int:
        return self.people - self.confirmed


@dataclass(frozen=True)
class ProcedureRate:
    """One partnership procedure and how many people have confirmed its current edition."""

    procedure: ProcedurePage
    rate: Rate


@dataclass(frozen=True)
class OrganisationReading:
    """An organisation's people and their reading. `guide` is None without a live guide."""

    organisation_id: int
    people: int
    guide: Rate | None
    procedures: list[ProcedureRate]


def _readers(memberships: MembershipQuerySet) -> MembershipQuerySet:
    """The memberships whose holders are asked to read guides today."""
    return memberships.current().filter(kind__in=READER_KINDS, user__is_active=True)


def _reader_membership_q(prefix: str) -> Q:
    """The same rule as `_readers`, through a relation to memberships (for one filter() call,
    so every condition holds for the same membership)."""
    today = timezone.localdate()
    return (
        Q(**{f"{prefix}__kind__in": READER_KINDS})
        & Q(**{f"{prefix}__start_date__lte": today})
        & (Q(**{f"{prefix}__end_date__isnull": True}) | Q(**{f"{prefix}__end_date__gte": today}))
    )


def reading_rates_for(
    *,
    organisations: Sequence[Organisation],
    guides: Iterable[EscalationGuidePage],
    procedures: Sequence[ProcedurePage],
) -> dict[int, OrganisationReading]:
    """Each organisation's reading of its live guide and of each partnership procedure.

    `guides` are the live guides (at most one per organisation) and `procedures` the live
    partnership procedures, as the caller has already fetched them. Three queries.
    """
    organisation_ids = [organisation.pk for organisation in organisations]
    guide_by_organisation = {guide.organisation_id: guide for guide in guides}
    people = dict(
        _readers(Membership.objects.filter(organisation__in=organisation_ids))
        .values("organisation")
        .annotate(people=Count("user", distinct=True))
        .values_list("organisation", "people")
    )

    readers = _reader_membership_q("user__memberships")
    guide_ids = [guide.pk for guide in guide_by_organisation.values()]
    guide_confirmed = dict(
        Acknowledgement.objects.filter(
            readers,
            page_id__in=guide_ids,
            edition=F("page__escalationguidepage__edition"),
            user__is_active=True,
            user__memberships__organisation=F("page__escalationguidepage__organisation"),
        )
        .values("user__memberships__organisation")
        .annotate(confirmed=Count("user", distinct=True))
        .values_list("user__memberships__organisation", "confirmed")
        if guide_ids
        else []
    )

    procedure_confirmed: dict[tuple[int, int], int] = {}
    if procedures and organisation_ids:
        rows = (
            Acknowledgement.objects.filter(
                readers,
                page_id__in=[procedure.pk for procedure in procedures],
                edition=F("page__procedurepage__edition"),
                user__is_active=True,
                user__memberships__organisation__in=organisation_ids,
            )
            .values("page", "user__memberships__organisation")
            .annotate(confirmed=Count("user", distinct=True))
            .values_list("page", "user__memberships__organisation", "confirmed")
        )
        procedure_confirmed = {(page, org): confirmed for page, org, confirmed in rows}

    readings = {}
    for organisation_id in organisation_ids:
        asked = people.get(organisation_id, 0)
        guide = guide_by_organisation.get(organisation_id)
        readings[organisation_id] = OrganisationReading(
            organisation_id=organisation_id,
            people=asked,
            guide=(
                Rate(confirmed=guide_confirmed.get(organisation_id, 0), people=asked)
                if guide is not None
                else None
            ),
            procedures=[
                ProcedureRate(
                    procedure=procedure,
                    rate=Rate(
                        confirmed=procedure_confirmed.get((procedure.pk, organisation_id), 0),
                        people=asked,
                    ),
                )
                for procedure in procedures
            ],
        )
    return readings


def partnership_procedure_rates(*, procedures: Sequence[ProcedurePage]) -> list[ProcedureRate]:
    """Each partnership procedure's reading across every organisation: of all the people with a
    current staff or volunteer membership anywhere, counted once each. Two queries."""
    if not procedures:
        return []
    people = (
        _readers(Membership.objects.all())
        .aggregate(people=Count("user", distinct=True))
        .get("people")
        or 0
    )
    readers = Membership.objects.filter(user=OuterRef("user"), user__is_active=True)
    confirmed = dict(
        Acknowledgement.objects.filter(
            page_id__in=[procedure.pk for procedure in procedures],
            edition=F("page__procedurepage__edition"),
        )
        .filter(Exists(_readers(readers)))
        .values("page")
        .annotate(confirmed=Count("user", distinct=True))
        .values_list("page", "confirmed")
    )
    return [
        ProcedureRate(
            procedure=procedure,
            rate=Rate(confirmed=confirmed.get(procedure.pk, 0), people=people),
        )
        for procedure in procedures
    ]


def guide_readers(
    *,
    viewer: Viewer,
    organisation: Organisation,
    guide: EscalationGuidePage,
    confirmed: bool,
) -> QuerySet[Membership]:
    """The organisation's people the viewer may see who have (or have not) confirmed the
    guide's current edition, one membership per person, by name.

    Scoped by `memberships_visible_to(viewer)` in the query. Someone with both a staff and a
    volunteer membership appears once, by the first of them. Those who have confirmed carry
    `confirmed_at`.
    """
    visible = _readers(memberships_visible_to(viewer).filter(organisation=organisation))
    first_per_person = visible.order_by().values("user").annotate(first=Min("pk")).values("first")
    this_edition = Acknowledgement.objects.filter(
        page_id=guide.pk, edition=guide.edition, user=OuterRef("user")
    )
    people = (
        Membership.objects.filter(pk__in=first_per_person)
        .annotate(has_confirmed=Exists(this_edition))
        .filter(has_confirmed=confirmed)
        .select_related("user", "job_role", "line_manager__user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    if confirmed:
        people = people.annotate(
            confirmed_at=Subquery(
                this_edition.order_by("-acknowledged_at").values("acknowledged_at")[:1]
            )
        )
    return people
