"""Governors' take-up figures and a board's governors (`compliance.selectors.governors`),
against a hand-built board whose figures are worked out below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from compliance.enums import ComplianceStatus
from compliance.models import ComplianceRules
from compliance.selectors.governors import (
    TakeUp,
    board,
    take_up_by_school,
    take_up_sorted,
    take_up_total,
)
from compliance.selectors.statuses import ComplianceDay
from organisations.enums import GovernorRole, MembershipKind, Sector
from organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory
from tests.compliance.factories import GovernorDeclarationFactory, RequirementFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import TrainingStandard

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = TODAY - timedelta(days=4 * 365)
EDITION = "Keeping children safe in education 2026"


@dataclass
class Standards:
    governor: TrainingStandard
    higher: TrainingStandard
    chair: TrainingStandard
    link: TrainingStandard


@dataclass
class Board:
    """Alpha Primary's board, as each test starts it:

    - Chair: governor and chair training in date; has read this year's edition.
    - Link: governor training in date, link governor training never done (missing).
    - Higher: met governor training through a higher standard; read last year's edition.
    - Newcomer: joined ten days ago, nothing done (new starter).
    - Lapsed: governor training done 30 months ago, renewed every 24 (overdue); term ends in
      a month.
    - Not counted: an ended governor, a governor with a closed account, a member of staff.

    So: 5 governors, 2 in date of 4 counted (50 %), 1 new starter, 2 overdue or missing, 1 of 5
    declared (20 %), the chair in date and the link governor missing.
    """

    school: Organisation
    standards: Standards
    chair: Membership
    link: Membership
    higher: Membership
    newcomer: Membership
    lapsed: Membership


def _governor(school: Organisation, name: str, *, active: bool = True, **kwargs: Any) -> Membership:
    kwargs.setdefault("start_date", LONG_AGO)
    return MembershipFactory(
        governor=True,
        organisation=school,
        user=UserFactory(first_name=name, last_name="Governor", is_active=active),
        **kwargs,
    )


def trained(membership: Membership, standard: TrainingStandard, months_ago: int = 2) -> None:
    TrainingRecordFactory(
        user=membership.user,
        membership=membership,
        standards=[standard],
        completed_on=TODAY - relativedelta(months=months_ago),
    )


def governor_standards() -> Standards:
    """Governor safeguarding every 24 months for every governor, with an extra course for the
    chair and another for the link governor."""
    governor = TrainingStandardFactory(
        name="Governor safeguarding", slug="governor", validity_months=24
    )
    higher = TrainingStandardFactory(name="Designated safeguarding lead", slug="dsl")
    higher.satisfies.add(governor)
    chair = TrainingStandardFactory(name="Chair's safeguarding", slug="chair")
    link = TrainingStandardFactory(name="Link governor's safeguarding", slug="link")
    common = {"membership_kind": MembershipKind.GOVERNOR, "applies_from": LONG_AGO}
    RequirementFactory(name="Governor safeguarding", standard=governor, **common)
    RequirementFactory(
        name="Chair's extra", standard=chair, governor_role=GovernorRole.CHAIR, **common
    )
    RequirementFactory(
        name="Link governor's extra",
        standard=link,
        governor_role=GovernorRole.SAFEGUARDING_LINK,
        **common,
    )
    return Standards(governor=governor, higher=higher, chair=chair, link=link)


def build_board(
    standards: Standards, *, name: str = "Alpha Primary", slug: str = "alpha-primary"
) -> Board:
    school = OrganisationFactory(name=name, slug=slug, sector=Sector.SCHOOL)
    chair = _governor(school, "Chair", governor_role=GovernorRole.CHAIR)
    trained(chair, standards.governor)
    trained(chair, standards.chair)
    GovernorDeclarationFactory(membership=chair, edition=EDITION)
    link = _governor(school, "Link", governor_role=GovernorRole.SAFEGUARDING_LINK)
    trained(link, standards.governor)
    higher = _governor(school, "Higher")
    trained(higher, standards.higher)
    GovernorDeclarationFactory(membership=higher, edition="Keeping children safe in education 2025")
    newcomer = _governor(school, "Newcomer", start_date=TODAY - timedelta(days=10))
    lapsed = _governor(school, "Lapsed", term_end=TODAY + relativedelta(months=1))
    trained(lapsed, standards.governor, months_ago=30)
    _governor(school, "Ended", end_date=TODAY - timedelta(days=1))
    _governor(school, "Closed", active=False)
    MembershipFactory(organisation=school, start_date=LONG_AGO)  # staff, not a governor
    return Board(
        school=school,
        standards=standards,
        chair=chair,
        link=link,
        higher=higher,
        newcomer=newcomer,
        lapsed=lapsed,
    )


@pytest.fixture
def standards() -> Standards:
    ComplianceRules.load()
    return governor_standards()


@pytest.fixture
def alpha(standards: Standards) -> Board:
    return build_board(standards)


@pytest.fixture
def team() -> User:
    return UserFactory(partnership_team=True)


def _day() -> ComplianceDay:
    return ComplianceDay(on=TODAY, due_soon_days=60)


def _take_up(viewer: User) -> list[TakeUp]:
    return take_up_by_school(
        viewer=viewer, schools=Organisation.objects.all(), day=_day(), edition=EDITION
    )


def test_take_up_figures_for_a_school(alpha: Board, team: User) -> None:
    OrganisationFactory(name="Beta Nursery", sector=Sector.EARLY_YEARS)
    OrganisationFactory(name="Children's social care")  # no governing board

    lines = _take_up(team)

    assert [line.name for line in lines] == ["Alpha Primary", "Beta Nursery"]
    alpha_line, beta_line = lines
    assert (
        alpha_line.governors,
        alpha_line.in_date,
        alpha_line.counted,
        alpha_line.new_starters,
        alpha_line.action_needed,
        alpha_line.declared,
    ) == (5, 2, 4, 1, 2, 1)
    assert alpha_line.rate == Decimal("50.0")
    assert alpha_line.declared_rate == Decimal("20.0")
    assert alpha_line.chair.status == ComplianceStatus.IN_DATE
    assert alpha_line.link.status == ComplianceStatus.MISSING
    assert alpha_line.link.label == "Missing"
    assert (beta_line.governors, beta_line.rate, beta_line.declared_rate) == (0, None, None)
    assert beta_line.chair.label == "Nobody in this role"


def test_a_chair_with_overdue_training_shows_as_overdue(alpha: Board, team: User) -> None:
    """The chair's status is their worst: governor training lapsed makes them overdue even with
    the chair's course in date."""
    alpha.chair.user.training_records.update(completed_on=TODAY - relativedelta(months=30))
    trained(alpha.chair, alpha.standards.chair)

    (line,) = _take_up(team)

    assert line.chair.status == ComplianceStatus.OVERDUE
    assert line.action_needed == 3


def test_take_up_counts_only_governors_the_viewer_may_see(alpha: Board) -> None:
    """A clerk's figures are their own board's, whatever schools are asked about."""
    other = build_board(alpha.standards, name="Other Primary", slug="other-primary")
    clerk = MembershipFactory(organisation=other.school, clerk=True).user

    lines = {line.name: line.governors for line in _take_up(clerk)}

    assert lines == {"Alpha Primary": 0, "Other Primary": 5}


def test_take_up_sorts_and_totals(standards: Standards, team: User) -> None:
    build_board(standards)
    better = build_board(standards, name="Zeta Primary", slug="zeta")
    trained(better.link, standards.link)
    trained(better.lapsed, standards.governor)
    OrganisationFactory(name="Empty School", sector=Sector.SCHOOL)
    lines = _take_up(team)

    def names(sort: str, descending: bool) -> list[str]:
        return [line.name for line in take_up_sorted(lines, sort=sort, descending=descending)]

    assert names("school", False) == ["Alpha Primary", "Empty School", "Zeta Primary"]
    assert names("school", True) == ["Zeta Primary", "Empty School", "Alpha Primary"]
    assert names("rate", False) == ["Alpha Primary", "Zeta Primary", "Empty School"]
    assert names("rate", True) == ["Zeta Primary", "Alpha Primary", "Empty School"]
    assert names("overdue", True) == ["Alpha Primary", "Empty School", "Zeta Primary"]
    assert names("overdue", False) == ["Empty School", "Zeta Primary", "Alpha Primary"]
    total = take_up_total(lines)
    assert (total.governors, total.in_date, total.counted, total.rate) == (
        10,
        6,
        8,
        Decimal("75.0"),
    )


def test_take_up_costs_the_same_queries_with_more_schools_and_governors(
    standards: Standards, team: User, django_assert_num_queries: Any
) -> None:
    build_board(standards)
    with django_assert_num_queries(2):
        assert len(_take_up(team)) == 1
    for n in range(3):
        build_board(standards, name=f"School {n}", slug=f"school-{n}")
    with django_assert_num_queries(2):
        assert len(_take_up(team)) == 4


# A board's page ------------------------------------------------------------------------------


def test_board_lists_current_governors_with_statuses_and_declarations(alpha: Board) -> None:
    clerk = MembershipFactory(organisation=alpha.school, clerk=True).user

    result = board(viewer=clerk, organisation=alpha.school, day=_day(), edition=EDITION)

    governors = {g.membership.user.first_name: g for g in result.governors}
    assert list(governors) == ["Chair", "Higher", "Lapsed", "Link", "Newcomer"]
    statuses = {
        name: [(r.row.requirement.name, r.status) for r in g.requirements]
        for name, g in governors.items()
    }
    assert statuses["Chair"] == [
        ("Governor safeguarding", ComplianceStatus.IN_DATE),
        ("Chair's extra", ComplianceStatus.IN_DATE),
    ]
    assert statuses["Link"] == [
        ("Governor safeguarding", ComplianceStatus.IN_DATE),
        ("Link governor's extra", ComplianceStatus.MISSING),
    ]
    assert statuses["Higher"] == [("Governor safeguarding", ComplianceStatus.IN_DATE)]
    assert statuses["Newcomer"] == [("Governor safeguarding", ComplianceStatus.NEW_STARTER)]
    assert statuses["Lapsed"] == [("Governor safeguarding", ComplianceStatus.OVERDUE)]
    assert {name: g.status for name, g in governors.items()} == {
        "Chair": ComplianceStatus.IN_DATE,
        "Higher": ComplianceStatus.IN_DATE,
        "Lapsed": ComplianceStatus.OVERDUE,
        "Link": ComplianceStatus.MISSING,
        "Newcomer": ComplianceStatus.NEW_STARTER,
    }
    assert governors["Chair"].declared_on == TODAY
    assert governors["Higher"].declared_on is None  # read last year's edition only
    assert [n for n, g in governors.items() if g.term_ending_soon] == ["Lapsed"]
    assert [n for n, g in governors.items() if g.has_extra_role] == ["Chair", "Link"]
    assert (result.figures.rate, result.figures.action_needed) == (Decimal("50.0"), 2)
    assert [r.name for r in result.requirements] == [
        "Governor safeguarding",
        "Chair's extra",
        "Link governor's extra",
    ]


def test_term_ending_boundary(standards: Standards) -> None:
    """Terms ending within three months are flagged; one ending exactly three months ahead is
    not."""
    school = OrganisationFactory(sector=Sector.SCHOOL)
    _governor(school, "Soon", term_end=TODAY + relativedelta(months=3) - timedelta(days=1))
    _governor(school, "Later", term_end=TODAY + relativedelta(months=3))
    _governor(school, "Open")
    team = UserFactory(partnership_team=True)

    result = board(viewer=team, organisation=school, day=_day(), edition=EDITION)

    assert {g.membership.user.first_name: g.term_ending_soon for g in result.governors} == {
        "Soon": True,
        "Later": False,
        "Open": False,
    }
