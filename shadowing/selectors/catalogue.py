"""Reads for the visitor's side: whether someone may ask for an opportunity (the one rule the
catalogue and the request service share), places left, and the catalogue itself.

Places are held from the host's acceptance (`PLACE_HOLDING_STATUSES`), so "places left" on a
date is what the host can still accept; a request does not hold one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from organisations.enums import MembershipKind, Sector
from organisations.models import Membership
from shadowing.enums import PLACE_HOLDING_STATUSES
from shadowing.models import Opportunity, OpportunityDate, Placement

if TYPE_CHECKING:
    from organisations.permissions import Viewer

VISITING_KINDS = frozenset({MembershipKind.STAFF, MembershipKind.VOLUNTEER})
# How far ahead a visitor may propose dates by arrangement.
FURTHEST_AHEAD = timedelta(days=365)
# Set dates shown on a catalogue row; the opportunity's page shows them all.
DATES_ON_ROW = 4

NOT_A_VISITOR = (
    "Only current staff and volunteers of a partner organisation can ask to shadow. "
    "Ask your coordinator if you think this is wrong."
)
NOT_PUBLISHED = "This opportunity is not open to requests."
OWN_ORGANISATION = "You cannot shadow your own organisation."
NO_LINE_MANAGER = (
    "You need a line manager on the Hub to approve a request. Ask your coordinator to add one."
)
ALREADY_ASKED = "You have already asked for this opportunity."


def _and_join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _sectors_phrase(sectors: Iterable[str]) -> str:
    labels = [Sector(s).label for s in sectors if s in Sector.values]
    return _and_join([label[0].lower() + label[1:] for label in labels])


def request_refusal(
    user_membership: Membership | None,
    opportunity: Opportunity,
    *,
    open_opportunity_ids: set[int] | None = None,
) -> str | None:
    """Why this membership may not ask for this opportunity, in a sentence; None when it may.

    Reads the membership's organisation and line manager and the opportunity's eligible job
    roles (prefetch them for a list). `open_opportunity_ids`, the opportunities the membership
    already has an open placement for, saves a query per opportunity when given."""
    membership = user_membership
    if membership is None or membership.kind not in VISITING_KINDS or not membership.is_current():
        return NOT_A_VISITOR
    if not opportunity.is_published:
        return NOT_PUBLISHED
    if membership.organisation_id == opportunity.organisation_id:
        return OWN_ORGANISATION
    sectors = list(opportunity.eligible_sectors or [])
    if sectors and membership.organisation.sector not in sectors:
        return (
            f"This opportunity is open to staff of {_sectors_phrase(sectors)} organisations only."
        )
    roles = list(opportunity.eligible_job_roles.all())
    if roles and membership.job_role_id not in {role.pk for role in roles}:
        names = _and_join(sorted(role.name for role in roles))
        return f"This opportunity is open to these job roles only: {names}."
    manager = membership.line_manager
    if manager is None or not manager.is_current():
        return NO_LINE_MANAGER
    if open_opportunity_ids is None:
        already = (
            Placement.objects.open().filter(visitor=membership, opportunity=opportunity).exists()
        )
    else:
        already = opportunity.pk in open_opportunity_ids
    if already:
        return ALREADY_ASKED
    return None


def visiting_memberships(user: Viewer) -> list[Membership]:
    """The person's current staff and volunteer memberships, with what `request_refusal`
    reads (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.current()
        .filter(user=user, kind__in=VISITING_KINDS)
        .select_related("organisation", "line_manager")
        .order_by("organisation__name", "pk")
    )


def _open_by_membership(memberships: list[Membership]) -> dict[int, set[int]]:
    opened: dict[int, set[int]] = {m.pk: set() for m in memberships}
    rows = (
        Placement.objects.open()
        .filter(visitor__in=[m.pk for m in memberships])
        .values_list("visitor_id", "opportunity_id")
    )
    for visitor_id, opportunity_id in rows:
        opened[visitor_id].add(opportunity_id)
    return opened


def _choose(
    memberships: list[Membership], opportunity: Opportunity, opened: dict[int, set[int]]
) -> tuple[Membership | None, str | None]:
    """The membership to ask through (the first that may) and, when none may, the reason the
    first gives."""
    first: tuple[Membership | None, str | None] = (None, request_refusal(None, opportunity))
    for number, membership in enumerate(memberships):
        reason = request_refusal(
            membership, opportunity, open_opportunity_ids=opened.get(membership.pk, set())
        )
        if reason is None:
            return membership, None
        if number == 0:
            first = (membership, reason)
    return first


def visitor_for(user: Viewer, opportunity: Opportunity) -> tuple[Membership | None, str | None]:
    """The membership through which `user` would ask for `opportunity`, and the refusal (None
    when they may ask). Someone with several organisations asks through the first that may."""
    memberships = visiting_memberships(user)
    return _choose(memberships, opportunity, _open_by_membership(memberships))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _held_counts(
    opportunity_ids: list[int],
) -> tuple[Counter[tuple[int, date]], Counter[tuple[int, date]]]:
    """Places held per (opportunity, date) for set dates and per (opportunity, month) by
    arrangement: one query."""
    by_date: Counter[tuple[int, date]] = Counter()
    by_month: Counter[tuple[int, date]] = Counter()
    rows = (
        Placement.objects.filter(
            opportunity__in=opportunity_ids, status__in=sorted(PLACE_HOLDING_STATUSES)
        )
        .values("opportunity_id", "visit_date", "visit_month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["visit_month"] is not None:
            by_month[(row["opportunity_id"], row["visit_month"])] += row["n"]
        elif row["visit_date"] is not None:
            by_date[(row["opportunity_id"], row["visit_date"])] += row["n"]
    return by_date, by_month


@dataclass(frozen=True)
class DatePlaces:
    """A set date and the places left on it."""

    date_id: int
    date: date
    places_left: int


@dataclass(frozen=True)
class MonthPlaces:
    """A month (its first day) and the places by arrangement left in it."""

    month: date
    places_left: int


@dataclass
class CatalogueRow:
    """One opportunity as the catalogue and its page show it to one viewer."""

    opportunity: Opportunity
    dates: list[DatePlaces] = field(default_factory=list)
    months: list[MonthPlaces] = field(default_factory=list)
    visitor: Membership | None = None
    refusal: str | None = None

    @property
    def open_to_me(self) -> bool:
        return self.refusal is None

    @property
    def has_places(self) -> bool:
        if self.opportunity.by_arrangement:
            return any(m.places_left > 0 for m in self.months)
        return any(d.places_left > 0 for d in self.dates)

    @property
    def next_dates(self) -> list[DatePlaces]:
        return self.dates[:DATES_ON_ROW]

    @property
    def dates_with_places(self) -> list[DatePlaces]:
        return [d for d in self.dates if d.places_left > 0]


@dataclass(frozen=True)
class CatalogueFilters:
    """What the catalogue is narrowed to; every filter is optional."""

    sector: str = ""
    organisation_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    has_places: bool = False
    open_to_me: bool = False


def earliest_date(opportunity: Opportunity, today: date) -> date:
    """The first day a request may ask for: the minimum notice from today."""
    return today + timedelta(days=opportunity.minimum_notice_days)


def _published(filters: CatalogueFilters) -> QuerySet[Opportunity]:
    opportunities = Opportunity.objects.filter(is_published=True).select_related("organisation")
    if filters.sector:
        opportunities = opportunities.filter(organisation__sector=filters.sector)
    if filters.organisation_id:
        opportunities = opportunities.filter(organisation_id=filters.organisation_id)
    return opportunities.order_by("organisation__name", "title", "pk")


def _rows(opportunities: list[Opportunity], viewer: Viewer, today: date) -> list[CatalogueRow]:
    """Rows with places and the viewer's refusal. Four queries beyond the opportunities'
    own (memberships, open placements, places held) plus the two prefetches, whatever the
    number of opportunities."""
    memberships = visiting_memberships(viewer)
    opened = _open_by_membership(memberships)
    by_date, by_month = _held_counts([o.pk for o in opportunities])
    this_month = _month_start(today)
    months = [this_month, _next_month(this_month)]
    rows = []
    for opportunity in opportunities:
        visitor, refusal = _choose(memberships, opportunity, opened)
        row = CatalogueRow(opportunity=opportunity, visitor=visitor, refusal=refusal)
        if opportunity.by_arrangement:
            row.months = [
                MonthPlaces(
                    month=month,
                    places_left=max(
                        0, opportunity.places_per_month - by_month[(opportunity.pk, month)]
                    ),
                )
                for month in months
            ]
        else:
            earliest = earliest_date(opportunity, today)
            row.dates = [
                DatePlaces(
                    date_id=offered.pk,
                    date=offered.date,
                    places_left=max(
                        0, opportunity.places_per_date - by_date[(opportunity.pk, offered.date)]
                    ),
                )
                # Prefetched from today; only those far enough ahead can be asked for.
                for offered in opportunity.dates.all()
                if offered.date >= earliest
            ]
        rows.append(row)
    return rows


def _prefetched(opportunities: QuerySet[Opportunity], today: date) -> QuerySet[Opportunity]:
    return opportunities.prefetch_related(
        "eligible_job_roles",
        Prefetch(
            "dates",
            queryset=OpportunityDate.objects.filter(date__gte=today).order_by("date"),
        ),
    )


def _in_range(row: CatalogueRow, filters: CatalogueFilters, today: date) -> bool:
    """A set date in the range or, by arrangement, a range that meets the days that could be
    proposed (from the minimum notice to a year ahead)."""
    if filters.date_from is None and filters.date_to is None:
        return True
    low = filters.date_from or date.min
    high = filters.date_to or date.max
    if row.opportunity.by_arrangement:
        return low <= today + FURTHEST_AHEAD and high >= earliest_date(row.opportunity, today)
    return any(low <= d.date <= high for d in row.dates)


def catalogue(viewer: Viewer, filters: CatalogueFilters) -> list[CatalogueRow]:
    """Published opportunities, with their host, next dates and places left, and for the
    viewer the reason they may not ask (or None: open to them). Six queries, however many
    opportunities there are."""
    today = timezone.localdate()
    opportunities = list(_prefetched(_published(filters), today))
    rows = _rows(opportunities, viewer, today)
    return [
        row
        for row in rows
        if _in_range(row, filters, today)
        and (not filters.has_places or row.has_places)
        and (not filters.open_to_me or row.open_to_me)
    ]


def catalogue_row(viewer: Viewer, opportunity_pk: int) -> CatalogueRow | None:
    """One opportunity as the catalogue shows it, published or not (the view decides who may
    see an unpublished one); None when there is none."""
    today = timezone.localdate()
    opportunities = list(
        _prefetched(
            Opportunity.objects.filter(pk=opportunity_pk).select_related(
                "organisation", "supervisor__user"
            ),
            today,
        ).prefetch_related("conditions")
    )
    if not opportunities:
        return None
    return _rows(opportunities, viewer, today)[0]


def places_left_on(opportunity: Opportunity, day: date) -> int:
    """Places left on a set date (one query)."""
    held = Placement.objects.filter(
        opportunity=opportunity,
        status__in=sorted(PLACE_HOLDING_STATUSES),
        visit_date=day,
        visit_month__isnull=True,
    ).count()
    return max(0, opportunity.places_per_date - held)


def organisations_offering() -> list[tuple[int, str]]:
    """Published opportunities' host organisations, for the catalogue's filter (id, name)."""
    return list(
        Opportunity.objects.filter(is_published=True)
        .values_list("organisation_id", "organisation__name")
        .distinct()
        .order_by("organisation__name")
    )
