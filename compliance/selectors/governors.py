"""Governors' training take-up: a board's governors with their statuses, and figures for each
school, computed by the database.

A governor's overall status is the worst of their requirement rows (missing, then overdue,
then new starter, then due soon, then in date), worked out by one subquery per governor. The
figures for a school are then counts over its governors, grouped by school in the same query,
so the partnership's take-up is one query however many governors there are:

- *in date*: every requirement in date or due soon;
- *new starters*: nothing overdue or missing but something still inside its grace period.
  Left out of the percentage, as in every compliance rate (`StatusCounts.rate`);
- *overdue or missing*: at least one requirement overdue or never met;
- *declared*: has declared the current edition of the statutory guidance.

Governors to whom no requirement applies are counted as governors but not in the percentage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from compliance.enums import ComplianceStatus
from compliance.models import AppliedRequirement, GovernorDeclaration, Requirement
from compliance.permissions import boards_visible_to
from compliance.selectors.my_requirements import RequirementStatus
from compliance.selectors.statuses import ComplianceDay, requirement_rows, with_dates
from organisations.enums import GovernorRole
from organisations.models import Membership, Organisation
from organisations.permissions import memberships_visible_to

if TYPE_CHECKING:
    from organisations.permissions import Viewer

# Worst first: what a clerk has to act on comes before what can wait.
SEVERITY = (
    ComplianceStatus.MISSING,
    ComplianceStatus.OVERDUE,
    ComplianceStatus.NEW_STARTER,
    ComplianceStatus.DUE_SOON,
    ComplianceStatus.IN_DATE,
)
_RANK = {status: rank for rank, status in enumerate(SEVERITY)}
_NEEDS_ACTION_BELOW = _RANK[ComplianceStatus.NEW_STARTER]  # ranks below: overdue or missing
_MET_FROM = _RANK[ComplianceStatus.DUE_SOON]  # ranks from here: in date or due soon

# A clerk plans elections and appointments about a term ahead, so terms ending this soon are
# flagged.
TERM_ENDING_MONTHS = 3


def _worst_rank(day: ComplianceDay) -> Subquery:
    """Inside a query of memberships: the rank (in SEVERITY) of the membership's worst
    requirement status, or NULL when no requirement applies to it."""
    rank = Case(
        *(When(status=status, then=Value(r)) for status, r in _RANK.items()),
        output_field=IntegerField(),
    )
    rows = (
        requirement_rows(day)
        .filter(membership_id=OuterRef("pk"))
        .annotate(rank=rank)
        .order_by("rank")
        .values("rank")[:1]
    )
    return Subquery(rows, output_field=IntegerField())


def _declared(edition: str) -> Exists:
    return Exists(GovernorDeclaration.objects.filter(membership_id=OuterRef("pk"), edition=edition))


def current_governors(
    memberships: QuerySet[Membership], day: ComplianceDay
) -> QuerySet[Membership]:
    """The governor memberships among these that count on the day: current, of active
    accounts (as `requirement_rows` counts them)."""
    return memberships.current(day.on).governors().filter(user__is_active=True)  # type: ignore[attr-defined]


def status_of_rank(rank: int | None) -> ComplianceStatus | None:
    return None if rank is None else SEVERITY[rank]


@dataclass
class TakeUp:
    """A school's governors' figures."""

    organisation_id: int
    name: str = ""
    slug: str = ""
    governors: int = 0
    in_date: int = 0
    new_starters: int = 0
    action_needed: int = 0
    declared: int = 0
    chairs: int = 0
    chair_rank: int | None = None
    links: int = 0
    link_rank: int | None = None

    @property
    def counted(self) -> int:
        """Governors in the percentage: those with requirements, less new starters."""
        return self.in_date + self.action_needed

    @property
    def rate(self) -> Decimal | None:
        """Per cent in date, to one decimal place; None when nobody is counted."""
        return _percent(self.in_date, self.counted)

    @property
    def declared_rate(self) -> Decimal | None:
        return _percent(self.declared, self.governors)

    @property
    def chair(self) -> RoleStatus:
        return RoleStatus(holders=self.chairs, status=status_of_rank(self.chair_rank))

    @property
    def link(self) -> RoleStatus:
        return RoleStatus(holders=self.links, status=status_of_rank(self.link_rank))


@dataclass(frozen=True)
class RoleStatus:
    """Where the holder of a role (the chair, the link governor) stands: their worst status."""

    holders: int
    status: ComplianceStatus | None

    @property
    def label(self) -> str:
        if not self.holders:
            return "Nobody in this role"
        if self.status is None:
            return "Nothing required"
        return str(self.status.label)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"))


def take_up(
    *, governors: QuerySet[Membership], day: ComplianceDay, edition: str
) -> dict[int, TakeUp]:
    """Figures for each organisation among the governors given, by organisation id. One
    query."""
    grouped = (
        current_governors(governors, day)
        .alias(worst_rank=_worst_rank(day), declared=_declared(edition))
        .order_by()
        .values("organisation")
        .annotate(
            governors=Count("pk"),
            in_date=Count("pk", filter=Q(worst_rank__gte=_MET_FROM)),
            new_starters=Count("pk", filter=Q(worst_rank=_RANK[ComplianceStatus.NEW_STARTER])),
            action_needed=Count("pk", filter=Q(worst_rank__lt=_NEEDS_ACTION_BELOW)),
            declared_count=Count("pk", filter=Q(declared=True)),
            chairs=Count("pk", filter=Q(governor_role=GovernorRole.CHAIR)),
            chair_rank=Min("worst_rank", filter=Q(governor_role=GovernorRole.CHAIR)),
            links=Count("pk", filter=Q(governor_role=GovernorRole.SAFEGUARDING_LINK)),
            link_rank=Min("worst_rank", filter=Q(governor_role=GovernorRole.SAFEGUARDING_LINK)),
        )
    )
    result: dict[int, TakeUp] = {}
    for line in grouped:
        result[line["organisation"]] = TakeUp(
            organisation_id=line["organisation"],
            governors=line["governors"],
            in_date=line["in_date"],
            new_starters=line["new_starters"],
            action_needed=line["action_needed"],
            declared=line["declared_count"],
            chairs=line["chairs"],
            chair_rank=line["chair_rank"],
            links=line["links"],
            link_rank=line["link_rank"],
        )
    return result


def take_up_by_school(
    *, viewer: Viewer, schools: QuerySet[Organisation], day: ComplianceDay, edition: str
) -> list[TakeUp]:
    """Every school given, with the figures of its governors the viewer may see (a school
    without governors too). Two queries: the schools and the figures."""
    schools = schools.with_governors()  # type: ignore[attr-defined]
    figures = take_up(
        governors=memberships_visible_to(viewer).filter(organisation__in=schools),
        day=day,
        edition=edition,
    )
    lines = []
    for organisation_id, name, slug in schools.order_by("name").values_list("pk", "name", "slug"):
        line = figures.get(organisation_id, TakeUp(organisation_id=organisation_id))
        line.name, line.slug = name, slug
        lines.append(line)
    return lines


def take_up_total(lines: Iterable[TakeUp]) -> TakeUp:
    """The partnership's figures: the schools' added up (a loop over schools' figures, not
    over governors). Chairs' and link governors' statuses stay per school."""
    total = TakeUp(organisation_id=0, name="All schools")
    for line in lines:
        total.governors += line.governors
        total.in_date += line.in_date
        total.new_starters += line.new_starters
        total.action_needed += line.action_needed
        total.declared += line.declared
    return total


def take_up_sorted(lines: Iterable[TakeUp], *, sort: str, descending: bool) -> list[TakeUp]:
    """The schools in the order asked: by school name, percentage in date or number overdue.
    Ties stay in school name order, and schools with no percentage come last either way."""
    by_name = sorted(lines, key=lambda line: line.name.casefold())
    if sort == "rate":
        counted = [line for line in by_name if line.rate is not None]
        uncounted = [line for line in by_name if line.rate is None]
        return sorted(counted, key=lambda line: line.rate or 0, reverse=descending) + uncounted
    if sort == "overdue":
        return sorted(by_name, key=lambda line: line.action_needed, reverse=descending)
    return by_name[::-1] if descending else by_name


# A board's page -------------------------------------------------------------------------------


@dataclass
class BoardGovernor:
    """A governor on a board's page, with their requirement rows (with dates)."""

    membership: Membership
    requirements: list[RequirementStatus] = field(default_factory=list)
    term_ending_soon: bool = False

    @property
    def status(self) -> ComplianceStatus | None:
        return status_of_rank(self.membership.worst_rank)  # type: ignore[attr-defined]

    @property
    def declared_on(self) -> date | None:
        return self.membership.declared_on  # type: ignore[attr-defined]

    @property
    def has_extra_role(self) -> bool:
        return self.membership.governor_role in (
            GovernorRole.CHAIR,
            GovernorRole.SAFEGUARDING_LINK,
        )


@dataclass
class Board:
    organisation: Organisation
    governors: list[BoardGovernor]
    figures: TakeUp
    # The requirements that apply to at least one of the governors, for the key.
    requirements: list[Requirement]


def board_for(*, viewer: Viewer, slug: str) -> Organisation | None:
    """The organisation with this slug if its board is one the viewer may see."""
    return boards_visible_to(viewer).filter(slug=slug).first()


def board(*, viewer: Viewer, organisation: Organisation, day: ComplianceDay, edition: str) -> Board:
    """The board's current governors the viewer may see, with each requirement's status and
    dates, their declaration of this edition, and the board's figures. Three queries."""
    visible = memberships_visible_to(viewer).filter(organisation=organisation)
    governors = list(
        current_governors(visible, day)
        .select_related("user")
        .annotate(
            worst_rank=_worst_rank(day),
            declared_on=Subquery(
                GovernorDeclaration.objects.filter(
                    membership_id=OuterRef("pk"), edition=edition
                ).values("declared_on")[:1]
            ),
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )
    rows: list[AppliedRequirement] = list(
        with_dates(requirement_rows(day).filter(membership_id__in=[g.pk for g in governors]), day)
        .select_related("requirement", "standard")
        .order_by("requirement__governor_role", "requirement__name", "requirement_id")
    )
    by_membership: dict[int, list[RequirementStatus]] = defaultdict(list)
    requirements = {}
    for row in rows:
        by_membership[row.membership_id].append(RequirementStatus(row=row))
        requirements[row.requirement_id] = row.requirement
    term_ends_before = day.on + relativedelta(months=TERM_ENDING_MONTHS)
    figures = take_up(governors=visible, day=day, edition=edition).get(
        organisation.pk, TakeUp(organisation_id=organisation.pk)
    )
    figures.name, figures.slug = organisation.name, organisation.slug
    return Board(
        organisation=organisation,
        governors=[
            BoardGovernor(
                membership=governor,
                requirements=by_membership.get(governor.pk, []),
                term_ending_soon=(
                    governor.term_end is not None and governor.term_end < term_ends_before
                ),
            )
            for governor in governors
        ],
        figures=figures,
        requirements=list(requirements.values()),
    )
