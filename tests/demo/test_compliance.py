"""The demo's compliance: requirements, five years of history, declarations and evidence.

Figures come from the compliance selectors (`status_counts` over `requirement_rows`), as the
pages will show them: partial compliance that differs by organisation, every status present,
governors overdue (a chair among them), and each demo account's story. The history step works
statuses out in Python as it plans (`demo.training.statuses`); one test holds that to the
database's answer row by row.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from compliance.enums import MET_STATUSES, ComplianceStatus
from compliance.models import ComplianceRules, GovernorDeclaration, Requirement
from compliance.selectors.statuses import (
    ComplianceDay,
    StatusCounts,
    requirement_rows,
    status_counts,
    with_dates,
)
from demo.organisations import organisations as orgs
from demo.training import standards as std
from demo.training.dates import months_after
from demo.training.requirements import REQUIREMENTS
from demo.training.statuses import (
    members_load,
    pasts_load,
    rules_load,
    standards_load,
    status_on,
)
from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from evidence.permissions import evidence_reviewable_by
from organisations.enums import GovernorRole, MembershipKind
from organisations.models import Membership
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_compliance")]

S = ComplianceStatus


@pytest.fixture(scope="module")
def private_media(demo_private_media: Path) -> Path:
    return demo_private_media


@pytest.fixture(scope="module")
def demo_compliance(demo_seeded: None) -> None:
    """The whole demo, seeded once for every module in tests/demo (tests/demo/conftest.py)."""


@pytest.fixture(autouse=True)
def _evidence_files_where_seeded(settings: pytest.FixtureRequest, private_media: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = private_media


def _statuses(email: str) -> dict[str, str]:
    """The person's statuses by standard slug."""
    return dict(
        requirement_rows().filter(user__email=email).values_list("standard__slug", "status")
    )


def _by_organisation() -> dict[str, StatusCounts]:
    slugs = dict(Membership.objects.values_list("organisation_id", "organisation__slug"))
    return {
        slugs[counts.group["membership__organisation"]]: counts
        for counts in status_counts(requirement_rows(), "membership__organisation")
    }


# Requirements ----------------------------------------------------------------------------------


def test_requirements_for_every_sector_as_data() -> None:
    """Health by intercollegiate level, schools by KCSIE (no levels), governors with the
    chair's and link governor's extra course, social care, police, voluntary, early years;
    grace of 3 months for staff and 6 for governors; in force for three years."""
    assert Requirement.objects.count() == len(REQUIREMENTS)
    by_sector = Counter(Requirement.objects.values_list("sector", "standard__slug"))
    for sector in ("health_trust", "integrated_care_board", "gp_practice", "police"):
        assert {by_sector[(sector, s)] for s in (std.LEVEL_1, std.LEVEL_2, std.LEVEL_3)} == {1}
    assert by_sector[("school", std.SCHOOL_UPDATE)] == 1
    assert by_sector[("school", std.DSL)] == 1
    assert not Requirement.objects.filter(
        sector="school", standard__slug__in=[std.LEVEL_1, std.LEVEL_2, std.LEVEL_3]
    ).exists()
    extra = Requirement.objects.filter(standard__slug=std.GOVERNOR_LEADERSHIP)
    assert set(extra.values_list("governor_role", flat=True)) == {
        GovernorRole.CHAIR,
        GovernorRole.SAFEGUARDING_LINK,
    }
    governors = Requirement.objects.filter(membership_kind=MembershipKind.GOVERNOR)
    assert set(governors.values_list("grace_months", flat=True)) == {6}
    assert set(
        Requirement.objects.exclude(membership_kind=MembershipKind.GOVERNOR).values_list(
            "grace_months", flat=True
        )
    ) == {3}
    today = timezone.localdate()
    assert not Requirement.objects.filter(applies_from__gt=months_after(today, -24)).exists()
    social_workers = Requirement.objects.get(
        sector="childrens_social_care", standard__slug=std.LEVEL_3
    )
    assert social_workers.job_roles.filter(name="Social worker").exists()
    assert not social_workers.job_roles.filter(name="Business support officer").exists()


def test_level_3_is_met_by_12_hours_and_covers_the_lower_levels() -> None:
    level_3 = TrainingStandard.objects.get(slug=std.LEVEL_3)
    assert level_3.cpd_hours_required == Decimal(12)
    assert level_3.validity_months == 36
    assert set(level_3.covers.values_list("covered__slug", flat=True)) == {
        std.LEVEL_1,
        std.LEVEL_2,
        std.LEVEL_3,
    }
    chairs = TrainingStandard.objects.get(slug=std.GOVERNOR_LEADERSHIP)
    assert set(chairs.satisfies.values_list("slug", flat=True)) == {std.GOVERNOR}


# Compliance across the partnership -------------------------------------------------------------


def test_compliance_is_partial_and_differs_by_organisation() -> None:
    """Most organisations meet 50 to 95% of their requirements; some clearly better than others."""
    rates = [c.rate for c in _by_organisation().values() if c.rate is not None]
    assert len(rates) >= 20
    within = [r for r in rates if Decimal(50) <= r <= Decimal(95)]
    assert len(within) >= 0.8 * len(rates)
    assert max(rates) - min(rates) >= 20
    assert sum(r >= 88 for r in rates) >= 3
    assert sum(r <= 72 for r in rates) >= 3
    overall = status_counts(requirement_rows())[0].rate
    assert overall is not None
    assert 60 <= overall <= 90


def test_every_status_is_present() -> None:
    total = status_counts(requirement_rows())[0]
    assert total.in_date > 500
    assert total.due_soon >= 10
    assert total.overdue >= 50
    assert total.missing >= 20
    assert total.new_starter >= 5


def test_new_starters_joined_in_the_last_three_months() -> None:
    rows = with_dates(requirement_rows().filter(status=S.NEW_STARTER))
    today = timezone.localdate()
    starters = set(
        rows.filter(membership__kind=MembershipKind.STAFF).values_list(
            "membership__start_date", flat=True
        )
    )
    assert len(starters) >= 3
    assert all(today - start <= (today - months_after(today, -3)) for start in starters)
    assert all(row.grace_ends_on > today for row in rows)


def test_some_governors_are_overdue_a_chair_among_them() -> None:
    overdue = requirement_rows().filter(membership__kind=MembershipKind.GOVERNOR, status=S.OVERDUE)
    assert overdue.values("membership").distinct().count() >= 5
    assert overdue.filter(membership__governor_role=GovernorRole.CHAIR).exists()
    take_up = status_counts(
        requirement_rows().filter(membership__kind=MembershipKind.GOVERNOR),
        "membership__organisation",
    )
    assert len({counts.rate for counts in take_up}) >= 4


def test_history_goes_back_five_years() -> None:
    today = timezone.localdate()
    oldest = TrainingRecord.objects.order_by("completed_on").first()
    assert oldest is not None
    assert months_after(today, -61) <= oldest.completed_on <= months_after(today, -54)
    sources = set(TrainingRecord.objects.values_list("source", flat=True))
    assert sources == set(RecordSource.values)
    assert not TrainingRecord.objects.filter(completed_on__gt=today).exists()
    # Shadowing records meet a standard only where the team says so (none in the demo).
    earlier = TrainingRecord.objects.filter(booking__isnull=True).exclude(
        source=RecordSource.SHADOWING
    )
    assert not earlier.filter(standards__isnull=True).exists()


def test_counting_takes_one_query(django_assert_num_queries: Any) -> None:
    rows = requirement_rows(ComplianceDay.today())
    with django_assert_num_queries(1):
        status_counts(rows, "membership__organisation", "standard")


def test_statuses_worked_out_in_python_match_the_database() -> None:
    """The history steers each organisation with statuses it works out itself; they are the
    database's, row by row."""
    today = timezone.localdate()
    due_soon = ComplianceRules.load().due_soon_days
    standards, pasts = standards_load(), pasts_load()
    members = {m.membership_id: m for m in members_load(on=today)}
    mine = {}
    for rule in rules_load(today):
        for member in members.values():
            if rule.applies_to(member):
                mine[(member.membership_id, rule.requirement_id)] = status_on(
                    pasts[member.user_id],
                    standards[rule.standard_id],
                    rule,
                    member,
                    on=today,
                    due_soon=due_soon,
                )
    database = {
        (membership, requirement): status
        for membership, requirement, status in requirement_rows().values_list(
            "membership_id", "requirement_id", "status"
        )
    }
    assert len(database) > 900
    assert mine == database


# Declarations and evidence ---------------------------------------------------------------------


def test_some_governors_have_declared_this_years_guidance() -> None:
    edition = ComplianceRules.load().guidance_edition
    governors = Membership.objects.current().filter(kind=MembershipKind.GOVERNOR)
    declared = governors.filter(declarations__edition=edition)
    assert 0.3 * governors.count() <= declared.count() <= 0.8 * governors.count()
    assert GovernorDeclaration.objects.exclude(edition=edition).exists()
    for declaration in GovernorDeclaration.objects.select_related("membership"):
        assert declaration.declared_on >= declaration.membership.start_date
        assert declaration.declared_on <= timezone.localdate()


def test_evidence_waits_for_the_coordinator_with_a_real_pdf() -> None:
    coordinator = User.objects.get(email="coordinator@demo.example")
    pending = evidence_reviewable_by(coordinator).filter(status=EvidenceStatus.PENDING)
    assert pending.count() >= 3
    assert pending.filter(user__email="practitioner@demo.example").exists()
    storage = storages["private"]
    for evidence in ExternalEvidence.objects.all():
        with storage.open(evidence.file.name) as file:
            content = file.read()
        assert content.startswith(b"%PDF-1.4")
        assert content.rstrip().endswith(b"%%EOF")
        assert evidence.original_filename.endswith(".pdf")
        assert evidence.history.exists()
    rejected = ExternalEvidence.objects.get(status=EvidenceStatus.REJECTED)
    assert rejected.rejection_reason
    assert rejected.decided_by == coordinator
    verified = ExternalEvidence.objects.get(status=EvidenceStatus.VERIFIED)
    assert verified.record is not None
    assert verified.record.source == RecordSource.EXTERNAL
    assert list(verified.record.standards.all()) == [verified.standard]


def test_the_clerk_has_a_governors_evidence_to_check() -> None:
    clerk = User.objects.get(email="clerk@demo.example")
    pending = evidence_reviewable_by(clerk).filter(status=EvidenceStatus.PENDING)
    assert pending.filter(membership__kind=MembershipKind.GOVERNOR).exists()


# The demo accounts' stories --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        (
            "practitioner@demo.example",
            {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE, std.LEVEL_3: S.DUE_SOON},
        ),
        (
            "manager@demo.example",
            {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE, std.LEVEL_3: S.IN_DATE},
        ),
        ("coordinator@demo.example", {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE}),
        (
            "health.visitor@demo.example",
            {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE, std.LEVEL_3: S.IN_DATE},
        ),
        (
            "police@demo.example",
            {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE, std.LEVEL_3: S.OVERDUE},
        ),
        ("clerk@demo.example", {std.SCHOOL_UPDATE: S.IN_DATE}),
        (
            "governor@demo.example",
            {std.GOVERNOR: S.DUE_SOON, std.GOVERNOR_LEADERSHIP: S.OVERDUE},
        ),
        ("partnership@demo.example", {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE}),
        ("trainer@demo.example", {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.IN_DATE}),
        ("editor@demo.example", {std.LEVEL_1: S.IN_DATE, std.LEVEL_2: S.OVERDUE}),
    ],
)
def test_demo_account_story(email: str, expected: dict[str, str]) -> None:
    assert _statuses(email) == expected


def test_health_visitor_meets_level_3_by_hours_from_several_records() -> None:
    row = with_dates(
        requirement_rows().filter(
            user__email="health.visitor@demo.example", standard__slug=std.LEVEL_3
        )
    ).get()
    counting = TrainingRecord.objects.filter(
        user__email="health.visitor@demo.example",
        standards__slug=std.LEVEL_3,
        completed_on__gte=row.effective_on,
    )
    assert counting.count() >= 3
    assert sum(r.cpd_hours for r in counting) >= 12
    assert max(r.cpd_hours for r in counting) < 12


def test_verifying_the_practitioners_evidence_puts_her_level_3_back_in_date() -> None:
    evidence = ExternalEvidence.objects.get(
        user__email="practitioner@demo.example", status=EvidenceStatus.PENDING
    )
    assert evidence.standard.slug == std.LEVEL_3
    record = TrainingRecord.objects.create(
        user=evidence.user,
        membership=evidence.membership,
        title=evidence.title,
        cpd_hours=evidence.cpd_hours,
        completed_on=evidence.completed_on,
        source=RecordSource.EXTERNAL,
    )
    record.standards.add(evidence.standard)
    assert _statuses("practitioner@demo.example")[std.LEVEL_3] == S.IN_DATE


def test_police_officer_needs_one_more_level_3_day() -> None:
    """6 of the 12 hours are recent; a 6-hour day today puts level 3 back in date."""
    police = User.objects.get(email="police@demo.example")
    record = TrainingRecord.objects.create(
        user=police,
        title="Neglect: recognising and responding",
        cpd_hours=Decimal(6),
        completed_on=timezone.localdate(),
        source=RecordSource.ATTENDANCE,
    )
    record.standards.add(TrainingStandard.objects.get(slug=std.LEVEL_3))
    assert _statuses("police@demo.example")[std.LEVEL_3] == S.IN_DATE


def test_the_managers_team_has_a_mix() -> None:
    manager = Membership.objects.get(user__email="manager@demo.example")
    team = requirement_rows().filter(membership__line_manager=manager)
    statuses = Counter(team.values_list("status", flat=True))
    assert statuses[S.IN_DATE] >= 5
    assert statuses[S.DUE_SOON] >= 1
    assert statuses[S.OVERDUE] + statuses[S.MISSING] >= 2


def test_the_clerks_board_has_a_mix_and_an_overdue_chair() -> None:
    board = requirement_rows().filter(
        membership__organisation__slug=orgs.DEMO_SCHOOL, membership__kind=MembershipKind.GOVERNOR
    )
    statuses = set(board.values_list("status", flat=True))
    assert {S.IN_DATE, S.DUE_SOON, S.OVERDUE} <= statuses
    chair = board.get(
        membership__governor_role=GovernorRole.CHAIR, standard__slug=std.GOVERNOR_LEADERSHIP
    )
    assert chair.status == S.OVERDUE
    edition = ComplianceRules.load().guidance_edition
    for role in (GovernorRole.CHAIR, GovernorRole.SAFEGUARDING_LINK):
        membership = Membership.objects.get(organisation__slug=orgs.DEMO_SCHOOL, governor_role=role)
        assert not membership.declarations.filter(edition=edition).exists()
    assert GovernorDeclaration.objects.filter(
        membership__organisation__slug=orgs.DEMO_SCHOOL, edition=edition
    ).exists()


# Running it again, and at scale ----------------------------------------------------------------


def _counts() -> tuple[int, ...]:
    return (
        Requirement.objects.count(),
        TrainingRecord.objects.count(),
        GovernorDeclaration.objects.count(),
        ExternalEvidence.objects.count(),
        TrainingStandard.objects.count(),
    )


def test_second_run_adds_nothing() -> None:
    before = _counts()
    starts = sorted(Membership.objects.values_list("pk", "start_date"))
    call_command("seed_demo", "--force", stdout=StringIO())
    assert _counts() == before
    assert sorted(Membership.objects.values_list("pk", "start_date")) == starts


def test_people_option_gives_the_new_people_a_history() -> None:
    """--people N: the new people's requirements are partly met, with every status but new
    starters' (they are in post for two months or more) and their records in bulk."""
    first = User.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    declarations = GovernorDeclaration.objects.count()
    call_command("seed_demo", "--force", "--people", "1600", stdout=StringIO())
    rows = requirement_rows().filter(user_id__gte=first)
    total = status_counts(rows)[0]
    assert total.total > 1600
    assert total.rate is not None
    assert 60 <= total.rate <= 92
    assert total.due_soon > 0
    assert total.overdue > 0
    assert total.missing > 0
    new_records = TrainingRecord.objects.filter(user_id__gte=first)
    assert new_records.count() > 1600
    assert not new_records.filter(standards__isnull=True).exists()
    assert GovernorDeclaration.objects.count() > declarations
    met = rows.filter(status__in=MET_STATUSES).values("user").distinct().count()
    assert met > 0.5 * rows.values("user").distinct().count()
