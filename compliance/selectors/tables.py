"""Reads for the compliance pages: an organisation's table, a line manager's team, the list a
coordinator starts from and the partnership's summary by sector and organisation.

Everything here is built on `compliance.selectors.statuses`: rows come from
`requirement_rows_visible_to`, so every figure is scoped by who is looking before anything is
fetched, and counts come from `status_counts` or from grouped aggregates over the same rows.
Nothing loops over people in Python: the only Python loops add up figures already grouped by
organisation (a few hundred lines at most) or lay out a page of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import OrderBy

from compliance.enums import MET_STATUSES, ComplianceStatus
from compliance.models import AppliedRequirement, Requirement
from compliance.selectors.statuses import (
    ComplianceDay,
    StatusCounts,
    requirement_rows_visible_to,
    status_counts,
    with_dates,
)
from organisations.enums import MembershipKind, Sector
from organisations.models import JobRole, Membership, Organisation, WorkforceHeadcount
from organisations.permissions import memberships_visible_to
from training.models import TrainingStandard

if TYPE_CHECKING:
    from organisations.permissions import Viewer


# Rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowFilters:
    """What the organisation table is narrowed to. Empty values filter nothing."""

    team: Membership | None = None  # the line manager whose reports to show
    job_role: JobRole | None = None
    standard: TrainingStandard | None = None
    status: str = ""
    kind: str = ""
    search: str = ""

    @property
    def any(self) -> bool:
        return bool(
            self.team or self.job_role or self.standard or self.status or self.kind or self.search
        )


# The columns a table of rows may be sorted by (a leading "-" sorts the other way).
ROW_SORTS = ("person", "status", "expiry")
DEFAULT_ROW_SORT = "person"

# Most urgent first, so sorting by status puts the people to chase at the top.
STATUS_URGENCY = (
    ComplianceStatus.OVERDUE,
    ComplianceStatus.MISSING,
    ComplianceStatus.DUE_SOON,
    ComplianceStatus.NEW_STARTER,
    ComplianceStatus.IN_DATE,
)


def organisation_rows(
    *, viewer: Viewer, organisation: Organisation, day: ComplianceDay
) -> QuerySet[AppliedRequirement]:
    """The organisation's rows (membership x requirement) that the viewer may see."""
    return requirement_rows_visible_to(viewer, day).filter(membership__organisation=organisation)


def team_rows(*, viewer: Viewer, day: ComplianceDay) -> QuerySet[AppliedRequirement]:
    """The rows of the people who report to the viewer, through any current membership."""
    managing = Membership.objects.current(day.on).filter(user=viewer.pk)
    return requirement_rows_visible_to(viewer, day).filter(membership__line_manager__in=managing)


def team_organisations(*, viewer: Viewer, day: ComplianceDay) -> list[int]:
    """The organisations where someone currently reports to the viewer (ids)."""
    reports = Membership.objects.current(day.on).filter(
        line_manager__in=Membership.objects.current(day.on).filter(user=viewer.pk)
    )
    return list(reports.order_by().values_list("organisation", flat=True).distinct())


def rows_filtered(
    rows: QuerySet[AppliedRequirement], filters: RowFilters
) -> QuerySet[AppliedRequirement]:
    """The rows matching every filter given. A search needs every word to match a name or an
    email address, so "sam tay" finds Sam Taylor."""
    if filters.team is not None:
        rows = rows.filter(membership__line_manager=filters.team)
    if filters.job_role is not None:
        rows = rows.filter(membership__job_role=filters.job_role)
    if filters.standard is not None:
        rows = rows.filter(standard=filters.standard)
    if filters.status:
        rows = rows.filter(Q(status=filters.status))  # an annotation, not a field
    if filters.kind:
        rows = rows.filter(membership__kind=filters.kind)
    for word in filters.search.split():
        rows = rows.filter(
            Q(membership__user__first_name__icontains=word)
            | Q(membership__user__last_name__icontains=word)
            | Q(membership__user__email__icontains=word)
        )
    return rows


def row_sort(value: str | None) -> str:
    """The sort asked for, if it is one the tables offer; the default otherwise."""
    if value and value.removeprefix("-") in ROW_SORTS:
        return value
    return DEFAULT_ROW_SORT


def rows_for_table(
    rows: QuerySet[AppliedRequirement], *, sort: str, day: ComplianceDay
) -> QuerySet[AppliedRequirement]:
    """Rows with their dates, the person and requirement joined in, in the order asked for.

    Adds `due_on`: when the training expires once met, or when it was due (the end of the
    grace period) if it has never been met. One query for a page, or for a whole export.
    """
    dated = with_dates(rows, day).annotate(
        due_on=Case(
            When(effective_on__isnull=False, then=F("expires_on")),
            default=F("grace_ends_on"),
        ),
        urgency=Case(
            *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_URGENCY)),
            default=Value(len(STATUS_URGENCY)),
            output_field=IntegerField(),
        ),
    )
    descending = sort.startswith("-")
    column = sort.removeprefix("-")
    people = ("membership__user__last_name", "membership__user__first_name", "membership_id")
    first: list[OrderBy]
    if column == "status":
        first = [OrderBy(F("urgency"), descending=descending)]
    elif column == "expiry":
        first = [OrderBy(F("due_on"), descending=descending, nulls_last=True)]
    else:
        first = [OrderBy(F(name), descending=descending) for name in people]
    return dated.select_related(
        "membership__user",
        "membership__organisation",
        "membership__job_role",
        "membership__line_manager__user",
        "requirement",
        "standard",
    ).order_by(*first, *people, "requirement__name", "requirement_id")


# Choices for the filters ---------------------------------------------------------------------


def _people_in(*, viewer: Viewer, organisation: Organisation, day: ComplianceDay) -> Any:
    return memberships_visible_to(viewer).current(day.on).filter(organisation=organisation)


def teams_in(
    *, viewer: Viewer, organisation: Organisation, day: ComplianceDay
) -> QuerySet[Membership]:
    """Line managers in the organisation with current reports, among the people the viewer
    may see (each is a team to filter by)."""
    people = _people_in(viewer=viewer, organisation=organisation, day=day)
    return (
        people.filter(pk__in=people.filter(line_manager__isnull=False).values("line_manager"))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def job_roles_in(
    *, viewer: Viewer, organisation: Organisation, day: ComplianceDay
) -> QuerySet[JobRole]:
    """Job roles held by the people of the organisation the viewer may see."""
    people = _people_in(viewer=viewer, organisation=organisation, day=day)
    return JobRole.objects.filter(pk__in=people.values("job_role")).order_by("name")


def standards_required() -> QuerySet[TrainingStandard]:
    """Standards some active requirement asks for."""
    return TrainingStandard.objects.filter(
        pk__in=Requirement.objects.active().values("standard")
    ).order_by("name")


# Figures -------------------------------------------------------------------------------------


def headline(rows: QuerySet[AppliedRequirement]) -> StatusCounts:
    """The counts and rate over all the rows, in one query."""
    return status_counts(rows)[0]


@dataclass(frozen=True)
class StandardFigures:
    standard_id: int
    name: str
    counts: StatusCounts


def figures_by_standard(rows: QuerySet[AppliedRequirement]) -> list[StandardFigures]:
    """Counts and rate for each standard required, by name, in one query."""
    return [
        StandardFigures(
            standard_id=line.group["standard"], name=line.group["standard__name"], counts=line
        )
        for line in status_counts(rows, "standard__name", "standard")
    ]


@dataclass(frozen=True)
class OrganisationRate:
    organisation: Organisation
    counts: StatusCounts


def rates_of(
    *, viewer: Viewer, organisations: QuerySet[Organisation], day: ComplianceDay
) -> list[OrganisationRate]:
    """Each organisation's counts over the rows the viewer may see, by name (two queries)."""
    listed = list(organisations.order_by("name"))
    rows = requirement_rows_visible_to(viewer, day).filter(membership__organisation__in=listed)
    counts = {
        line.group["membership__organisation"]: line
        for line in status_counts(rows, "membership__organisation")
    }
    return [
        OrganisationRate(
            organisation=organisation,
            counts=counts.get(
                organisation.pk, StatusCounts(group={"membership__organisation": organisation.pk})
            ),
        )
        for organisation in listed
    ]


def _sum_counts(lines: list[StatusCounts], group: dict[str, Any]) -> StatusCounts:
    return StatusCounts(
        group=group,
        in_date=sum(line.in_date for line in lines),
        due_soon=sum(line.due_soon for line in lines),
        overdue=sum(line.overdue for line in lines),
        missing=sum(line.missing for line in lines),
        new_starter=sum(line.new_starter for line in lines),
    )


def _percent(part: int, whole: int | None) -> Decimal | None:
    """Per cent to one decimal place, as `StatusCounts.rate`; None without a whole."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


@dataclass
class CoverageFigures:
    """Compliance counts with the people behind them and the workforce they come from.

    - `people_required`: memberships with at least one requirement (any kind);
    - `staff_on_hub`: current staff memberships (of active accounts), required or not;
    - `staff_in_date`: staff memberships with every requirement met (in date or due soon);
    - `headcount`: the staff the organisation declared, all job roles added up (None if it
      declared none);
    - `staff_on_hub_declared`, `staff_in_date_declared`: the same two, in organisations that
      declared a headcount only. Coverage compares these with the headcount, so a sector's
      figure is not swollen by organisations that declared nothing.
    """

    counts: StatusCounts
    people_required: int = 0
    staff_on_hub: int = 0
    staff_in_date: int = 0
    headcount: int | None = None
    staff_on_hub_declared: int = 0
    staff_in_date_declared: int = 0

    @property
    def hub_coverage(self) -> Decimal | None:
        """Staff on the hub as a percentage of the declared headcount (may pass 100)."""
        return _percent(self.staff_on_hub_declared, self.headcount)

    @property
    def in_date_coverage(self) -> Decimal | None:
        """Staff with everything in date as a percentage of the declared headcount."""
        return _percent(self.staff_in_date_declared, self.headcount)

    @property
    def some_undeclared(self) -> bool:
        """Whether some staff counted here are in organisations that declared no headcount."""
        return self.staff_on_hub != self.staff_on_hub_declared


@dataclass
class OrganisationFigures(CoverageFigures):
    organisation_id: int = 0
    name: str = ""
    slug: str = ""
    sector: str = ""

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label) if self.sector in Sector.values else self.sector


@dataclass
class SectorFigures(CoverageFigures):
    sector: str = ""
    organisation_count: int = 0

    @property
    def sector_label(self) -> str:
        return str(Sector(self.sector).label) if self.sector in Sector.values else self.sector


@dataclass
class PartnershipFigures:
    organisations: list[OrganisationFigures]
    sectors: list[SectorFigures] = field(default_factory=list)
    total: CoverageFigures | None = None


# The columns the organisations may be sorted by (a leading "-" sorts the other way).
ORGANISATION_SORTS = ("name", "rate")
DEFAULT_ORGANISATION_SORT = "name"


def organisation_sort(value: str | None) -> str:
    if value and value.removeprefix("-") in ORGANISATION_SORTS:
        return value
    return DEFAULT_ORGANISATION_SORT


def partnership_figures(
    *,
    viewer: Viewer,
    day: ComplianceDay,
    standard: TrainingStandard | None = None,
    sector: str = "",
    sort: str = DEFAULT_ORGANISATION_SORT,
) -> PartnershipFigures:
    """Figures for every organisation the viewer may see (a sector's, when given), for one
    standard or all, with the sums by sector and for the whole partnership.

    Five queries whatever the number of people: the organisations, the status counts by
    organisation, the people behind them, the staff on the hub and the declared headcounts.
    Sectors and the total are sums of the organisations' figures (each person's membership is
    in one organisation, so the sums count nobody twice).
    """
    organisations = Organisation.objects.order_by("name")
    if sector:
        organisations = organisations.filter(sector=sector)
    listed = list(organisations.values("pk", "name", "slug", "sector"))
    ids = [line["pk"] for line in listed]

    rows = requirement_rows_visible_to(viewer, day).filter(membership__organisation__in=ids)
    if standard is not None:
        rows = rows.filter(standard=standard)
    counts = {
        line.group["membership__organisation"]: line
        for line in status_counts(rows, "membership__organisation")
    }
    staff = Q(membership__kind=MembershipKind.STAFF)
    people = {
        line["membership__organisation"]: line
        for line in rows.order_by()
        .values("membership__organisation")
        .annotate(
            people=Count("membership", distinct=True),
            staff_required=Count("membership", distinct=True, filter=staff),
            staff_not_met=Count(
                "membership", distinct=True, filter=staff & ~Q(status__in=MET_STATUSES)
            ),
        )
    }
    on_hub = dict(
        memberships_visible_to(viewer)
        .current(day.on)
        .staff()
        .filter(user__is_active=True, organisation__in=ids)
        .order_by()
        .values("organisation")
        .annotate(count=Count("pk"))
        .values_list("organisation", "count")
    )
    headcounts = dict(
        WorkforceHeadcount.objects.filter(organisation__in=ids)
        .order_by()
        .values("organisation")
        .annotate(total=Sum("headcount"))
        .values_list("organisation", "total")
    )

    figures = []
    for line in listed:
        pk = line["pk"]
        found: dict[str, Any] = dict(people.get(pk, {}))
        staff_on_hub = on_hub.get(pk, 0)
        staff_in_date = found.get("staff_required", 0) - found.get("staff_not_met", 0)
        headcount = headcounts.get(pk)
        declared = headcount is not None
        figures.append(
            OrganisationFigures(
                counts=counts.get(pk, StatusCounts(group={"membership__organisation": pk})),
                people_required=found.get("people", 0),
                staff_on_hub=staff_on_hub,
                staff_in_date=staff_in_date,
                headcount=headcount,
                staff_on_hub_declared=staff_on_hub if declared else 0,
                staff_in_date_declared=staff_in_date if declared else 0,
                organisation_id=pk,
                name=line["name"],
                slug=line["slug"],
                sector=line["sector"],
            )
        )
    return PartnershipFigures(
        organisations=sorted_organisations(figures, sort),
        sectors=_by_sector(figures),
        total=_summed(figures, group={}),
    )


def _summed(figures: list[OrganisationFigures], group: dict[str, Any]) -> CoverageFigures:
    declared = [f.headcount for f in figures if f.headcount is not None]
    return CoverageFigures(
        counts=_sum_counts([f.counts for f in figures], group),
        people_required=sum(f.people_required for f in figures),
        staff_on_hub=sum(f.staff_on_hub for f in figures),
        staff_in_date=sum(f.staff_in_date for f in figures),
        headcount=sum(declared) if declared else None,
        staff_on_hub_declared=sum(f.staff_on_hub_declared for f in figures),
        staff_in_date_declared=sum(f.staff_in_date_declared for f in figures),
    )


def _by_sector(figures: list[OrganisationFigures]) -> list[SectorFigures]:
    """The organisations' figures added up by sector, in the order sectors are listed."""
    sectors = []
    for sector in Sector.values:
        members = [f for f in figures if f.sector == sector]
        if not members:
            continue
        summed = _summed(members, group={"sector": sector})
        sectors.append(
            SectorFigures(**vars(summed), sector=sector, organisation_count=len(members))
        )
    return sectors


def sorted_organisations(
    figures: list[OrganisationFigures], sort: str
) -> list[OrganisationFigures]:
    """By name, or by rate with organisations nobody is counted in last either way."""
    descending = sort.startswith("-")
    by_name = sorted(figures, key=lambda f: f.name.casefold(), reverse=descending)
    if sort.removeprefix("-") != "rate":
        return by_name
    by_name = sorted(figures, key=lambda f: f.name.casefold())
    rated = [f for f in by_name if f.counts.rate is not None]
    unrated = [f for f in by_name if f.counts.rate is None]
    rated.sort(key=lambda f: f.counts.rate or Decimal(0), reverse=descending)
    return rated + unrated
