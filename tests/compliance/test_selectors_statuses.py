"""Each compliance rule, and each of its boundaries, on a worked example with the answer written
out by hand (docs/compliance.md explains the rules).

The property test (test_selectors_statuses_property.py) compares the database with a reference on
random partnerships; these are the cases a reader can check in their head.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from compliance.enums import ComplianceStatus
from compliance.models import Requirement
from compliance.selectors.statuses import (
    ComplianceDay,
    requirement_rows,
    requirement_rows_visible_to,
    status_counts,
    with_dates,
)
from organisations.enums import GovernorRole, MembershipKind, Sector
from organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.compliance.factories import RequirementFactory
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import TrainingStandard

pytestmark = pytest.mark.django_db

ON = date(2025, 3, 15)
DAY = ComplianceDay(on=ON, due_soon_days=60)
LONG_AGO = date(2015, 1, 1)

IN_DATE = ComplianceStatus.IN_DATE
DUE_SOON = ComplianceStatus.DUE_SOON
OVERDUE = ComplianceStatus.OVERDUE
MISSING = ComplianceStatus.MISSING
NEW_STARTER = ComplianceStatus.NEW_STARTER


def row_for(
    membership: Membership, requirement: Requirement, day: ComplianceDay = DAY
) -> dict[str, Any] | None:
    """The membership's row for the requirement on the day, with its dates (None: no row)."""
    return (
        with_dates(requirement_rows(day), day)
        .filter(membership=membership, requirement=requirement)
        .values("status", "effective_on", "expires_on", "grace_ends_on", "status_changes_on")
        .first()
    )


def status_of(
    membership: Membership, requirement: Requirement, day: ComplianceDay = DAY
) -> str | None:
    row = row_for(membership, requirement, day)
    return None if row is None else row["status"]


def staff(start: date = LONG_AGO, **kwargs: Any) -> Membership:
    return MembershipFactory(start_date=start, **kwargs)


def require(standard: TrainingStandard, **kwargs: Any) -> Requirement:
    kwargs.setdefault("applies_from", LONG_AGO)
    return RequirementFactory(standard=standard, **kwargs)


def record(
    membership: Membership, completed_on: date, *standards: TrainingStandard, hours: str = "6"
) -> None:
    TrainingRecordFactory(
        user=membership.user,
        membership=membership,
        completed_on=completed_on,
        cpd_hours=Decimal(hours),
        standards=list(standards),
    )


@pytest.fixture
def yearly() -> TrainingStandard:
    """A standard valid for 12 months."""
    return TrainingStandardFactory(slug="yearly", validity_months=12)


# Dates and statuses from one record -----------------------------------------------------------


@pytest.mark.parametrize(
    ("completed_on", "status", "expires_on", "changes_on"),
    [
        # Expires 1 June 2025; due soon from 60 days before, 2 April.
        (date(2024, 6, 1), IN_DATE, date(2025, 6, 1), date(2025, 4, 2)),
        # Expires 15 May 2025: due soon from 16 March, tomorrow.
        (date(2024, 5, 15), IN_DATE, date(2025, 5, 15), date(2025, 3, 16)),
        # Expires 14 May 2025: exactly 60 days away, so due soon today.
        (date(2024, 5, 14), DUE_SOON, date(2025, 5, 14), date(2025, 5, 14)),
        (date(2024, 4, 15), DUE_SOON, date(2025, 4, 15), date(2025, 4, 15)),
        # Expires tomorrow: still due soon today.
        (date(2024, 3, 16), DUE_SOON, date(2025, 3, 16), date(2025, 3, 16)),
        # Expires today: on the expiry day it no longer counts.
        (date(2024, 3, 15), OVERDUE, date(2025, 3, 15), None),
        (date(2020, 1, 1), OVERDUE, date(2021, 1, 1), None),
        # Completed today: counts from today.
        (date(2025, 3, 15), IN_DATE, date(2026, 3, 15), date(2026, 1, 14)),
    ],
)
def test_status_and_dates_from_one_record(
    yearly: TrainingStandard,
    completed_on: date,
    status: str,
    expires_on: date,
    changes_on: date | None,
) -> None:
    """Expiry is the completion date plus the validity; due soon inside the window; overdue
    from the expiry day itself."""
    membership, requirement = staff(), require(yearly)
    record(membership, completed_on, yearly)
    assert row_for(membership, requirement) == {
        "status": status,
        "effective_on": completed_on,
        "expires_on": expires_on,
        "grace_ends_on": date(2015, 4, 1),
        "status_changes_on": changes_on,
    }


def test_without_a_due_soon_window_in_date_until_expiry(yearly: TrainingStandard) -> None:
    """With a window of 0 days, training expiring tomorrow is still simply in date."""
    membership, requirement = staff(), require(yearly)
    record(membership, date(2024, 3, 16), yearly)
    row = row_for(membership, requirement, ComplianceDay(on=ON, due_soon_days=0))
    assert row is not None
    assert (row["status"], row["status_changes_on"]) == (IN_DATE, date(2025, 3, 16))


def test_never_held_is_missing(yearly: TrainingStandard) -> None:
    membership, requirement = staff(), require(yearly)
    assert row_for(membership, requirement) == {
        "status": MISSING,
        "effective_on": None,
        "expires_on": None,
        "grace_ends_on": date(2015, 4, 1),
        "status_changes_on": None,
    }


def test_the_latest_record_counts(yearly: TrainingStandard) -> None:
    membership, requirement = staff(), require(yearly)
    record(membership, date(2024, 6, 1), yearly)
    record(membership, date(2023, 1, 1), yearly)
    row = row_for(membership, requirement)
    assert row is not None
    assert (row["status"], row["effective_on"]) == (IN_DATE, date(2024, 6, 1))


def test_records_after_the_day_are_ignored(yearly: TrainingStandard) -> None:
    """Asked about a past day, training done since does not count."""
    membership, requirement = staff(), require(yearly)
    record(membership, date(2022, 1, 1), yearly)
    record(membership, date(2025, 3, 16), yearly)
    row = row_for(membership, requirement)
    assert row is not None
    assert (row["status"], row["effective_on"]) == (OVERDUE, date(2022, 1, 1))


def test_only_the_persons_own_records_count_from_any_of_their_memberships(
    yearly: TrainingStandard,
) -> None:
    """Training belongs to the person: done through another membership it counts; someone
    else's never does."""
    membership, other_person = staff(), staff()
    requirement = require(yearly)
    record(staff(user=membership.user, kind=MembershipKind.VOLUNTEER), date(2024, 6, 1), yearly)
    record(other_person, date(2024, 6, 1), yearly)
    record(other_person, date(2024, 6, 1), yearly)
    assert status_of(membership, requirement) == IN_DATE
    TrainingRecordFactory(user=UserFactory(), completed_on=date(2024, 6, 1), standards=[yearly])
    assert status_of(staff(), requirement) == MISSING


def test_a_record_without_the_standard_does_not_count(yearly: TrainingStandard) -> None:
    membership, requirement = staff(), require(yearly)
    record(membership, date(2024, 6, 1))
    record(membership, date(2024, 6, 1), TrainingStandardFactory(slug="other"))
    assert status_of(membership, requirement) == MISSING


# Renewal --------------------------------------------------------------------------------------


def test_the_requirements_renewal_overrides_the_standards_validity() -> None:
    standard = TrainingStandardFactory(slug="three-yearly", validity_months=36)
    membership = staff()
    yearly_renewal, standard_validity = require(standard, renewal_months=12), require(standard)
    record(membership, date(2023, 6, 1), standard)
    assert row_for(membership, yearly_renewal)["expires_on"] == date(2024, 6, 1)  # type: ignore[index]
    assert status_of(membership, yearly_renewal) == OVERDUE
    assert row_for(membership, standard_validity)["expires_on"] == date(2026, 6, 1)  # type: ignore[index]
    assert status_of(membership, standard_validity) == IN_DATE


def test_never_expires_without_validity_or_renewal() -> None:
    """Needed once: in date for ever, and the status never changes."""
    once = TrainingStandardFactory(slug="once", validity_months=None)
    membership, requirement = staff(), require(once)
    record(membership, date(2001, 1, 1), once)
    assert row_for(membership, requirement) == {
        "status": IN_DATE,
        "effective_on": date(2001, 1, 1),
        "expires_on": None,
        "grace_ends_on": date(2015, 4, 1),
        "status_changes_on": None,
    }
    renewed = require(once, renewal_months=24)
    assert status_of(membership, renewed) == OVERDUE


@pytest.mark.parametrize(
    ("completed_on", "months", "on", "status", "expires_on"),
    [
        # 31 January + 1 month = 29 February (2024 is a leap year).
        (date(2024, 1, 31), 1, date(2024, 2, 28), DUE_SOON, date(2024, 2, 29)),
        (date(2024, 1, 31), 1, date(2024, 2, 29), OVERDUE, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28), OVERDUE, date(2023, 2, 28)),
        # 29 February + 12 months = 28 February.
        (date(2024, 2, 29), 12, date(2025, 2, 27), DUE_SOON, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28), OVERDUE, date(2025, 2, 28)),
        # 31 August + 6 months = 28 February.
        (date(2024, 8, 31), 6, date(2025, 2, 28), OVERDUE, date(2025, 2, 28)),
    ],
)
def test_month_ends(
    completed_on: date, months: int, on: date, status: str, expires_on: date
) -> None:
    """A month later is the same day, or the month's last day when it has no such day."""
    standard = TrainingStandardFactory(slug="monthly", validity_months=months)
    membership, requirement = staff(), require(standard)
    record(membership, completed_on, standard)
    row = row_for(membership, requirement, ComplianceDay(on=on, due_soon_days=7))
    assert row is not None
    assert (row["status"], row["expires_on"]) == (status, expires_on)


# New starters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "applies_from", "grace_months", "status", "grace_ends_on"),
    [
        (date(2025, 1, 1), LONG_AGO, 3, NEW_STARTER, date(2025, 4, 1)),
        # Grace ends tomorrow: still a new starter.
        (date(2024, 12, 16), LONG_AGO, 3, NEW_STARTER, date(2025, 3, 16)),
        # Grace ends today: missing.
        (date(2024, 12, 15), LONG_AGO, 3, MISSING, date(2025, 3, 15)),
        # From the requirement's start when that is later than the person's.
        (LONG_AGO, date(2025, 1, 1), 3, NEW_STARTER, date(2025, 4, 1)),
        (date(2025, 2, 1), date(2025, 1, 1), 3, NEW_STARTER, date(2025, 5, 1)),
        # 30 November + 3 months = 28 February.
        (date(2024, 11, 30), LONG_AGO, 3, MISSING, date(2025, 2, 28)),
        # No grace at all.
        (ON, LONG_AGO, 0, MISSING, ON),
    ],
)
def test_grace_for_new_starters(
    yearly: TrainingStandard,
    start: date,
    applies_from: date,
    grace_months: int,
    status: str,
    grace_ends_on: date,
) -> None:
    """Grace runs from the later of the person's start and the requirement's."""
    membership = staff(start=start)
    requirement = require(yearly, applies_from=applies_from, grace_months=grace_months)
    row = row_for(membership, requirement)
    assert row is not None
    assert (row["status"], row["grace_ends_on"]) == (status, grace_ends_on)
    expected_change = grace_ends_on if status == NEW_STARTER else None
    assert row["status_changes_on"] == expected_change


def test_expired_training_inside_grace_is_new_starter_then_overdue(
    yearly: TrainingStandard,
) -> None:
    """Someone joining with old training has the grace period to renew it."""
    membership, requirement = staff(start=date(2025, 1, 1)), require(yearly)
    record(membership, date(2023, 1, 1), yearly)
    assert status_of(membership, requirement) == NEW_STARTER
    later = ComplianceDay(on=date(2025, 4, 1), due_soon_days=60)
    assert status_of(membership, requirement, later) == OVERDUE


def test_a_new_starter_who_holds_it_is_in_date(yearly: TrainingStandard) -> None:
    membership, requirement = staff(start=date(2025, 3, 1)), require(yearly)
    record(membership, date(2025, 3, 10), yearly)
    assert status_of(membership, requirement) == IN_DATE


# Higher standards meet lower ones -------------------------------------------------------------


@pytest.fixture
def levels() -> tuple[TrainingStandard, TrainingStandard, TrainingStandard]:
    """Levels 1, 2 and 3, valid 3 years: 3 satisfies 2, 2 satisfies 1."""
    level_1 = TrainingStandardFactory(slug="level-1", validity_months=36)
    level_2 = TrainingStandardFactory(slug="level-2", validity_months=36)
    level_3 = TrainingStandardFactory(slug="level-3", validity_months=36)
    level_2.satisfies.add(level_1)
    level_3.satisfies.add(level_2)
    return level_1, level_2, level_3


def test_a_higher_level_meets_a_lower_one(levels: tuple[TrainingStandard, ...]) -> None:
    level_1, level_2, _ = levels
    membership, requirement = staff(), require(level_1)
    record(membership, date(2024, 1, 1), level_2)
    assert status_of(membership, requirement) == IN_DATE


def test_a_chain_3_to_2_to_1(levels: tuple[TrainingStandard, ...]) -> None:
    level_1, _, level_3 = levels
    membership, requirement = staff(), require(level_1)
    record(membership, date(2024, 1, 1), level_3)
    assert status_of(membership, requirement) == IN_DATE


def test_a_lower_level_does_not_meet_a_higher_one(levels: tuple[TrainingStandard, ...]) -> None:
    level_1, level_2, level_3 = levels
    membership = staff()
    record(membership, date(2024, 1, 1), level_1)
    record(membership, date(2024, 1, 1), level_2)
    assert status_of(membership, require(level_3)) == MISSING


def test_expiry_follows_the_required_standard(levels: tuple[TrainingStandard, ...]) -> None:
    """Level 3 done 2 years ago meets a level 1 that lasts one year only until then."""
    level_1, _, level_3 = levels
    TrainingStandard.objects.filter(pk=level_1.pk).update(validity_months=12)
    membership, requirement = staff(), require(level_1)
    record(membership, date(2023, 6, 1), level_3)
    row = row_for(membership, requirement)
    assert row is not None
    assert (row["status"], row["expires_on"]) == (OVERDUE, date(2024, 6, 1))


# Hours rules ----------------------------------------------------------------------------------


@pytest.fixture
def hours_rule() -> TrainingStandard:
    """3 CPD hours within 36 months."""
    return TrainingStandardFactory(slug="cpd", validity_months=36, cpd_hours_required=Decimal("3"))


@pytest.mark.parametrize(
    ("records", "status", "effective_on"),
    [
        # Exactly met by two records: met from the earlier.
        ([(date(2023, 1, 1), "1.5"), (date(2024, 1, 1), "1.5")], IN_DATE, date(2023, 1, 1)),
        # Met by two records on the same day.
        ([(date(2024, 1, 1), "1.5"), (date(2024, 1, 1), "1.5")], IN_DATE, date(2024, 1, 1)),
        # One record with enough hours.
        ([(date(2024, 1, 1), "3")], IN_DATE, date(2024, 1, 1)),
        # The latest day from which the hours add up: 2 + 1 from 1 June 2023.
        (
            [(date(2022, 1, 1), "3"), (date(2023, 6, 1), "1"), (date(2024, 6, 1), "2")],
            IN_DATE,
            date(2023, 6, 1),
        ),
        # A hundredth short: never met.
        ([(date(2023, 1, 1), "1.5"), (date(2024, 1, 1), "1.49")], MISSING, None),
        # Records of no hours add nothing.
        ([(date(2024, 1, 1), "0"), (date(2024, 2, 1), "0")], MISSING, None),
        # 3 hours, but never within 36 months of each other: never met.
        ([(date(2020, 1, 1), "2"), (date(2024, 1, 1), "1")], MISSING, None),
        # Met in 2020, expired in 2023: overdue, whatever was done since.
        ([(date(2020, 1, 1), "3"), (date(2024, 1, 1), "1")], OVERDUE, date(2020, 1, 1)),
        # Met from June 2015 (expired June 2018); the hours since never added up in 36 months.
        (
            [(date(2015, 6, 1), "3"), (date(2019, 1, 1), "2"), (date(2023, 1, 1), "2")],
            OVERDUE,
            date(2015, 6, 1),
        ),
        # The period from 16 March 2022 ends on 16 March 2025: today is its last day, so
        # today's 2 hours add to that day's 1 (and it expires tomorrow).
        ([(date(2022, 3, 16), "1"), (ON, "2")], DUE_SOON, date(2022, 3, 16)),
        # The period from 15 March 2022 ended yesterday: today's hours are a day too late.
        ([(date(2022, 3, 15), "1"), (ON, "2")], MISSING, None),
        # Expires today, 36 months after.
        ([(date(2022, 3, 15), "3")], OVERDUE, date(2022, 3, 15)),
        # Hours done after the day do not count.
        ([(date(2024, 1, 1), "2"), (date(2025, 3, 16), "1")], MISSING, None),
    ],
)
def test_hours_rule(
    hours_rule: TrainingStandard,
    records: list[tuple[date, str]],
    status: str,
    effective_on: date | None,
) -> None:
    """Met from the latest day from which the records add up to the hours required."""
    membership, requirement = staff(), require(hours_rule)
    for completed_on, hours in records:
        record(membership, completed_on, hours_rule, hours=hours)
    row = row_for(membership, requirement)
    assert row is not None
    assert (row["status"], row["effective_on"]) == (status, effective_on)


def test_hours_that_floating_point_would_get_wrong() -> None:
    """0.7 + 0.1 hours meet a rule of 0.8 (in binary floating point they fall short)."""
    standard = TrainingStandardFactory(
        slug="short", validity_months=36, cpd_hours_required=Decimal("0.8")
    )
    membership, requirement = staff(), require(standard)
    record(membership, date(2024, 1, 1), standard, hours="0.7")
    record(membership, date(2024, 2, 1), standard, hours="0.1")
    assert status_of(membership, requirement) == IN_DATE


def test_a_record_counts_its_hours_once(hours_rule: TrainingStandard) -> None:
    """A record of two standards that both meet the rule's standard adds its hours once."""
    higher = TrainingStandardFactory(slug="higher", validity_months=36)
    higher.satisfies.add(hours_rule)
    membership, requirement = staff(), require(hours_rule)
    record(membership, date(2024, 1, 1), hours_rule, higher, hours="2")
    assert status_of(membership, requirement) == MISSING
    record(membership, date(2024, 2, 1), higher, hours="1")
    assert status_of(membership, requirement) == IN_DATE


def test_hours_through_a_higher_standard_count_towards_the_rule(
    hours_rule: TrainingStandard,
) -> None:
    higher = TrainingStandardFactory(slug="higher", validity_months=12)
    higher.satisfies.add(hours_rule)
    membership, requirement = staff(), require(hours_rule)
    record(membership, date(2023, 1, 1), higher, hours="1.5")
    record(membership, date(2024, 1, 1), hours_rule, hours="1.5")
    row = row_for(membership, requirement)
    assert row is not None
    assert (row["status"], row["effective_on"], row["expires_on"]) == (
        IN_DATE,
        date(2023, 1, 1),
        date(2026, 1, 1),
    )


def test_a_higher_standard_without_hours_does_not_meet_an_hours_rule_alone(
    hours_rule: TrainingStandard,
) -> None:
    """The required standard's rule decides: one record of a higher level meets the rule only
    if its hours are enough."""
    higher = TrainingStandardFactory(slug="higher", validity_months=36)
    higher.satisfies.add(hours_rule)
    membership, requirement = staff(), require(hours_rule)
    record(membership, date(2024, 1, 1), higher, hours="1")
    assert status_of(membership, requirement) == MISSING


# Who a requirement applies to (the AppliedRequirement view) -----------------------------------


def applies(membership: Membership, requirement: Requirement, on: date = ON) -> bool:
    day = ComplianceDay(on=on, due_soon_days=60)
    return requirement_rows(day).filter(membership=membership, requirement=requirement).exists()


def test_a_requirement_with_no_conditions_applies_to_everyone(yearly: TrainingStandard) -> None:
    requirement = require(yearly)
    everyone = [
        staff(),
        staff(kind=MembershipKind.VOLUNTEER),
        staff(governor=True, governor_role=GovernorRole.CHAIR, organisation__school=True),
        staff(job_role=JobRoleFactory()),
    ]
    assert all(applies(membership, requirement) for membership in everyone)


def test_an_inactive_requirement_applies_to_nobody(yearly: TrainingStandard) -> None:
    assert not applies(staff(), require(yearly, is_active=False))


def test_sector(yearly: TrainingStandard) -> None:
    requirement = require(yearly, sector=Sector.SCHOOL)
    assert applies(staff(organisation=OrganisationFactory(school=True)), requirement)
    assert not applies(staff(organisation=OrganisationFactory(sector=Sector.POLICE)), requirement)


def test_kind_of_membership(yearly: TrainingStandard) -> None:
    requirement = require(yearly, membership_kind=MembershipKind.VOLUNTEER)
    assert applies(staff(kind=MembershipKind.VOLUNTEER), requirement)
    assert not applies(staff(), requirement)


def test_governor_role(yearly: TrainingStandard) -> None:
    """The chair's extra requirement: the chair only, not other governors."""
    requirement = require(
        yearly, membership_kind=MembershipKind.GOVERNOR, governor_role=GovernorRole.CHAIR
    )
    school = OrganisationFactory(school=True)
    assert applies(
        staff(governor=True, governor_role=GovernorRole.CHAIR, organisation=school), requirement
    )
    assert not applies(
        staff(governor=True, governor_role=GovernorRole.VICE_CHAIR, organisation=school),
        requirement,
    )
    assert not applies(staff(governor=True, organisation=school), requirement)


def test_job_roles(yearly: TrainingStandard) -> None:
    """Any one of the requirement's job roles; someone with no job role is not in any."""
    nurse, doctor, porter = (JobRoleFactory(name=name) for name in ("Nurse", "Doctor", "Porter"))
    requirement = require(yearly, job_roles=[nurse, doctor])
    assert applies(staff(job_role=nurse), requirement)
    assert applies(staff(job_role=doctor), requirement)
    assert not applies(staff(job_role=porter), requirement)
    assert not applies(staff(job_role=None), requirement)


def test_every_condition_must_hold(yearly: TrainingStandard) -> None:
    nurse = JobRoleFactory(name="Nurse")
    health = OrganisationFactory(sector=Sector.HEALTH_TRUST)
    requirement = require(yearly, sector=Sector.HEALTH_TRUST, job_roles=[nurse])
    assert applies(staff(organisation=health, job_role=nurse), requirement)
    assert not applies(staff(organisation=OrganisationFactory(), job_role=nurse), requirement)
    assert not applies(staff(organisation=health, job_role=JobRoleFactory()), requirement)


@pytest.mark.parametrize(
    ("start", "end", "counted"),
    [
        (LONG_AGO, None, True),
        (ON, None, True),  # starts today
        (date(2025, 3, 16), None, False),  # starts tomorrow
        (LONG_AGO, ON, True),  # ends today
        (LONG_AGO, date(2025, 3, 14), False),  # ended yesterday
    ],
)
def test_only_memberships_current_on_the_day(
    yearly: TrainingStandard, start: date, end: date | None, counted: bool
) -> None:
    assert applies(staff(start=start, end_date=end), require(yearly)) is counted


def test_not_for_deactivated_accounts(yearly: TrainingStandard) -> None:
    requirement = require(yearly)
    assert not applies(staff(user=UserFactory(is_active=False)), requirement)


@pytest.mark.parametrize(("applies_from", "counted"), [(ON, True), (date(2025, 3, 16), False)])
def test_only_requirements_in_force_on_the_day(
    yearly: TrainingStandard, applies_from: date, counted: bool
) -> None:
    assert applies(staff(), require(yearly, applies_from=applies_from)) is counted


def test_each_membership_of_a_person_has_its_own_row(yearly: TrainingStandard) -> None:
    membership = staff()
    volunteering = staff(user=membership.user, kind=MembershipKind.VOLUNTEER)
    requirement = require(yearly)
    assert applies(membership, requirement)
    assert applies(volunteering, requirement)


# Counting -------------------------------------------------------------------------------------


@pytest.fixture
def two_organisations(yearly: TrainingStandard) -> tuple[Any, Any]:
    """Agency A: in date, due soon, overdue, new starter. Agency B (a school): missing."""
    agency_a = OrganisationFactory(name="Agency A")
    agency_b = OrganisationFactory(name="Agency B", school=True)
    require(yearly)
    record(staff(organisation=agency_a), date(2024, 6, 1), yearly)
    record(staff(organisation=agency_a), date(2024, 4, 1), yearly)
    record(staff(organisation=agency_a), date(2023, 1, 1), yearly)
    staff(organisation=agency_a, start=date(2025, 3, 1))
    staff(organisation=agency_b)
    return agency_a, agency_b


def test_counts_by_organisation(
    two_organisations: tuple[Any, Any], django_assert_num_queries: Any
) -> None:
    """One query; the rate leaves out new starters."""
    agency_a, agency_b = two_organisations
    with django_assert_num_queries(1):
        counts = status_counts(requirement_rows(DAY), "membership__organisation")
    by_organisation = {line.group["membership__organisation"]: line for line in counts}
    a, b = by_organisation[agency_a.pk], by_organisation[agency_b.pk]
    assert (a.in_date, a.due_soon, a.overdue, a.missing, a.new_starter) == (1, 1, 1, 0, 1)
    assert (a.total, a.met, a.counted, a.rate) == (4, 2, 3, Decimal("66.7"))
    assert (b.missing, b.total, b.rate) == (1, 1, Decimal("0.0"))


def test_counts_by_sector_and_overall(two_organisations: tuple[Any, Any]) -> None:
    by_sector = {
        line.group["membership__organisation__sector"]: line.total
        for line in status_counts(requirement_rows(DAY), "membership__organisation__sector")
    }
    assert by_sector == {Sector.CHILDRENS_SOCIAL_CARE: 4, Sector.SCHOOL: 1}
    [overall] = status_counts(requirement_rows(DAY))
    assert (overall.group, overall.total, overall.met, overall.rate) == ({}, 5, 2, Decimal("50.0"))


def test_nobody_counted_gives_no_rate() -> None:
    """Only new starters, or nobody at all: no rate rather than 0 %."""
    [nobody] = status_counts(requirement_rows(DAY))
    assert (nobody.total, nobody.rate) == (0, None)
    assert status_counts(requirement_rows(DAY), "standard") == []
    require(TrainingStandardFactory(slug="new"))
    staff(start=date(2025, 3, 1))
    [only_new] = status_counts(requirement_rows(DAY))
    assert (only_new.new_starter, only_new.counted, only_new.rate) == (1, 0, None)


def test_a_page_of_rows_with_dates_is_one_query(
    yearly: TrainingStandard, django_assert_num_queries: Any
) -> None:
    require(yearly)
    for month in range(1, 7):
        record(staff(), date(2024, month, 1), yearly)
    with django_assert_num_queries(1):
        rows = list(with_dates(requirement_rows(DAY), DAY).values("status", "expires_on"))
    assert len(rows) == 6


def test_rows_visible_to_a_coordinator_are_their_organisations(yearly: TrainingStandard) -> None:
    coordinator = staff(coordinator=True)
    colleague = staff(organisation=coordinator.organisation)
    staff()  # another organisation's
    require(yearly)
    seen = set(
        requirement_rows_visible_to(coordinator.user, DAY).values_list("membership", flat=True)
    )
    assert seen == {coordinator.pk, colleague.pk}
