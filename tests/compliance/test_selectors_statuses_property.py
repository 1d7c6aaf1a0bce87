"""The database's compliance figures agree with a plain reference on random partnerships.

Hypothesis draws small partnerships (standards satisfying lower ones, with and without hours
rules; requirements narrowed by sector, kind, governor role and job roles; organisations;
memberships starting and ending; people, some deactivated; records of any hours on any
standards) and a day to ask about. Each is written to the database with a handful of bulk
inserts inside a transaction that is rolled back afterwards. The fast selectors
(`compliance.selectors.statuses`) and the reference (`compliance_reference.py`) must then agree
on every row's status and dates and on the counts grouped every way the pages group them.

Dates are drawn close to the boundaries the rules care about (expiry today or tomorrow, exactly
the due-soon window before it, grace ending today, month ends, 29 February), and the boundaries
are also given as explicit examples, so they are checked on every run. Run with
`--hypothesis-show-statistics` to see how many examples reached each status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st

from accounts.models import User
from compliance.models import Requirement as RequirementModel
from compliance.selectors.statuses import (
    ComplianceDay,
    requirement_rows,
    status_counts,
    with_dates,
)
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind, Sector
from organisations.models import JobRole, Organisation
from organisations.models import Membership as MembershipModel
from tests.compliance import compliance_reference as ref
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard
from training.services.standards import standard_covers_rebuild

SECTORS = (Sector.SCHOOL, Sector.HEALTH_TRUST, Sector.POLICE)
KINDS = tuple(MembershipKind.values)
GOVERNOR_ROLES = tuple(GovernorRole.values)
# Month counts that give every kind of month-end clash: 1 and 13 from 31 January, 12 and 48
# from 29 February, 3 from 31 May to 31 August...
MONTHS = (1, 3, 6, 12, 13, 24, 36, 48)
# Hours that add up exactly (1.5 + 1.5 = 3), that do not in binary floating point
# (0.7 + 0.1 < 0.8 in a float), and nothing at all.
HOURS = tuple(Decimal(h) for h in ("0", "0.1", "0.33", "0.5", "0.7", "1", "1.5", "2", "3", "6"))
HOURS_REQUIRED = tuple(Decimal(h) for h in ("0.8", "0.99", "1", "1.5", "3", "4", "12"))
# Most people and requirements are active; some are not.
MOSTLY_TRUE = st.sampled_from((True, True, True, True, True, False))
MONTH_ENDS = tuple(
    date(year, month, day)
    for year, month, day in (
        (2024, 1, 31),
        (2024, 2, 29),
        (2023, 2, 28),
        (2024, 4, 30),
        (2024, 5, 31),
        (2023, 12, 31),
        (2024, 8, 31),
    )
)


@dataclass(frozen=True)
class Case:
    """A partnership and the day (and due-soon window) its compliance is asked about."""

    partnership: ref.Partnership
    on: date
    due_soon_days: int


# Strategies -----------------------------------------------------------------------------------


def near_boundaries(
    on: date, due_soon_days: int, months: tuple[int, ...]
) -> st.SearchStrategy[date]:
    """A day whose date `months` later lands on or next to a boundary (the day asked about,
    or the start of the due-soon window) or inside the window; a month end; or any day in
    the last six years."""
    before = st.builds(
        lambda base, months, nudge: base - relativedelta(months=months) + timedelta(days=nudge),
        st.one_of(
            st.sampled_from((on, on + timedelta(days=due_soon_days))),
            st.integers(0, due_soon_days).map(lambda days: on + timedelta(days=days)),
        ),
        st.sampled_from(months),
        st.integers(-1, 1),
    )
    return st.one_of(
        before,
        before,
        before,  # more likely than the others: boundaries are where bugs live
        st.sampled_from(MONTH_ENDS),
        st.dates(on - timedelta(days=6 * 366), on + timedelta(days=40)),
    )


def blank_or(values: tuple[str, ...], likely: set[str]) -> st.SearchStrategy[str]:
    """A condition: blank (matching everyone) more often than not, else usually one that some
    of the partnership's memberships have, sometimes any."""
    blank = st.just("")
    return st.one_of(blank, blank, blank, st.sampled_from(sorted(likely)), st.sampled_from(values))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    on = draw(
        st.one_of(st.sampled_from(MONTH_ENDS), st.dates(date(2022, 1, 1), date(2026, 12, 31)))
    )
    due_soon_days = draw(st.sampled_from((60, 30, 1, 0, 7, 90, 120)))

    # One or two month counts for this partnership's validities and renewals: few enough that
    # records aimed at one requirement's boundaries often land on another's too.
    palette = draw(st.lists(st.sampled_from(MONTHS), min_size=1, max_size=2, unique=True))

    standards = []
    for key in range(draw(st.integers(1, 4))):
        validity = draw(st.one_of(st.sampled_from(palette), st.sampled_from(palette), st.none()))
        hours = draw(st.one_of(st.none(), st.sampled_from(HOURS_REQUIRED))) if validity else None
        # Only lower keys: "satisfies" is a DAG here (cycles have their own test).
        satisfies = draw(st.frozensets(st.integers(0, key - 1), max_size=2)) if key else frozenset()
        standards.append(ref.Standard(key, validity, hours, satisfies))
    standard_keys = [s.key for s in standards]

    organisations = tuple(
        ref.Organisation(key, draw(st.sampled_from(SECTORS)))
        for key in range(draw(st.integers(1, 3)))
    )
    job_roles = tuple(range(draw(st.integers(0, 2))))
    people = tuple(ref.Person(key, draw(MOSTLY_TRUE)) for key in range(draw(st.integers(1, 3))))

    # The months first, so the dates can be drawn near the boundaries they make.
    requirement_months = [
        (
            draw(st.one_of(st.none(), st.sampled_from(palette))),
            draw(st.sampled_from((0, 1, 3, 12))),
        )
        for _ in range(draw(st.integers(1, 4)))
    ]
    expiry_months = (
        tuple(
            {s.validity_months for s in standards if s.validity_months}
            | {renewal for renewal, _ in requirement_months if renewal}
        )
        or MONTHS
    )
    grace_months = tuple({grace for _, grace in requirement_months})
    long_ago = st.dates(on - timedelta(days=20 * 366), on - timedelta(days=6 * 366))
    started = st.one_of(long_ago, near_boundaries(on, 0, grace_months))

    memberships = []
    for key in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(KINDS))
        start = draw(started)
        end = draw(
            st.one_of(
                st.none(),
                st.none(),
                st.none(),
                st.sampled_from((on - timedelta(days=1), on, on + timedelta(days=1))),
                st.integers(0, 400).map(lambda n, start=start: start + timedelta(days=n)),
            )
        )
        end = None if end is None else max(end, start)  # a membership ends after it starts
        memberships.append(
            ref.Membership(
                key=key,
                person=draw(st.sampled_from(people)).key,
                organisation=draw(st.sampled_from(organisations)).key,
                kind=kind,
                governor_role=draw(st.sampled_from(("", *GOVERNOR_ROLES)))
                if kind == MembershipKind.GOVERNOR
                else "",
                job_role=draw(st.one_of(st.none(), st.sampled_from(job_roles)))
                if job_roles
                else None,
                start_date=start,
                end_date=end,
            )
        )

    requirements = []
    for key, (renewal, grace) in enumerate(requirement_months):
        kind = draw(blank_or(KINDS, {m.kind for m in memberships}))
        requirements.append(
            ref.Requirement(
                key=key,
                standard=draw(st.sampled_from(standard_keys)),
                sector=draw(blank_or(SECTORS, {o.sector for o in organisations})),
                membership_kind=kind,
                governor_role=draw(
                    blank_or(GOVERNOR_ROLES, {m.governor_role for m in memberships} - {""})
                    if any(m.governor_role for m in memberships)
                    else st.sampled_from(("", *GOVERNOR_ROLES))
                )
                if kind == MembershipKind.GOVERNOR
                else "",
                job_roles=draw(st.frozensets(st.sampled_from(job_roles), max_size=2))
                if job_roles and draw(st.integers(0, 2)) == 0
                else frozenset(),
                renewal_months=renewal,
                grace_months=grace,
                applies_from=draw(started),
                is_active=draw(MOSTLY_TRUE),
            )
        )
    # Usually one requirement for everyone, so that most examples have rows to compare.
    if draw(st.sampled_from((True, True, False))):
        requirements[0] = replace(
            requirements[0],
            sector="",
            membership_kind="",
            governor_role="",
            job_roles=frozenset(),
            is_active=True,
        )

    def renewal_of(requirement: ref.Requirement) -> int | None:
        if requirement.renewal_months is not None:
            return requirement.renewal_months
        return standards[requirement.standard].validity_months

    any_standards = st.frozensets(st.sampled_from(standard_keys), min_size=1, max_size=2)
    records: list[ref.Record] = []
    for person in people:  # each person's history
        for _ in range(draw(st.integers(0, 5))):
            # Most records aim at a requirement: its standard (or any), completed so that it
            # expires on or next to a boundary.
            aim = draw(st.sampled_from(requirements))
            months = renewal_of(aim)
            completed = near_boundaries(on, due_soon_days, (months,) if months else expiry_months)
            records.append(
                ref.Record(
                    key=len(records),
                    person=person.key,
                    completed_on=draw(
                        st.one_of(
                            *[completed] * 4,
                            st.sampled_from((on, on + timedelta(days=1))),
                        )
                    ),
                    cpd_hours=draw(st.sampled_from(HOURS)),
                    standards=draw(
                        st.one_of(
                            st.just(frozenset({aim.standard})),
                            any_standards,
                            any_standards.map(lambda met, aim=aim: met | {aim.standard}),
                            st.just(frozenset()),
                        )
                    ),
                    # Mostly the partnership's own training; some imported or verified by an
                    # organisation, which counts there only.
                    attributed_to=draw(
                        st.one_of(
                            *[st.none()] * 2,
                            st.sampled_from([o.key for o in organisations]),
                        )
                    ),
                )
            )

    partnership = ref.Partnership(
        standards=tuple(standards),
        organisations=organisations,
        job_roles=job_roles,
        people=people,
        memberships=_one_open_membership_per_kind(memberships),
        requirements=tuple(requirements),
        records=tuple(records),
    )
    return Case(partnership, on, due_soon_days)


def _one_open_membership_per_kind(memberships: list[ref.Membership]) -> tuple[ref.Membership, ...]:
    """The database allows one open membership per person, organisation and kind: end the
    others on the day they start."""
    open_ones: set[tuple[int, int, str]] = set()
    kept = []
    for membership in memberships:
        identity = (membership.person, membership.organisation, membership.kind)
        if membership.end_date is None and identity in open_ones:
            membership = replace(membership, end_date=membership.start_date)
        elif membership.end_date is None:
            open_ones.add(identity)
        kept.append(membership)
    return tuple(kept)


# Boundary examples, checked on every run -------------------------------------------------------

ON = date(2025, 3, 15)
LONG_AGO = date(2015, 1, 1)


def simple_case(
    *records: tuple[date, str, tuple[int, ...]],
    on: date = ON,
    due_soon_days: int = 60,
    standards: tuple[ref.Standard, ...] = (ref.Standard(0, validity_months=12),),
    required: int = 0,
    start: date = LONG_AGO,
    applies_from: date = LONG_AGO,
    grace_months: int = 3,
    renewal_months: int | None = None,
) -> Case:
    """One person with one staff membership, one requirement and the records given as
    (completed on, hours, standards)."""
    return Case(
        ref.Partnership(
            standards=standards,
            organisations=(ref.Organisation(0, Sector.HEALTH_TRUST),),
            people=(ref.Person(0),),
            memberships=(ref.Membership(0, person=0, organisation=0, start_date=start),),
            requirements=(
                ref.Requirement(
                    0,
                    standard=required,
                    applies_from=applies_from,
                    grace_months=grace_months,
                    renewal_months=renewal_months,
                ),
            ),
            records=tuple(
                ref.Record(
                    key,
                    person=0,
                    completed_on=done,
                    cpd_hours=Decimal(hours),
                    standards=frozenset(met),
                )
                for key, (done, hours, met) in enumerate(records)
            ),
        ),
        on=on,
        due_soon_days=due_soon_days,
    )


LEVELS = (
    ref.Standard(0, validity_months=36),
    ref.Standard(1, validity_months=36, satisfies=frozenset({0})),
    ref.Standard(2, validity_months=36, satisfies=frozenset({1})),
)
HOURS_RULE = (ref.Standard(0, validity_months=36, cpd_hours_required=Decimal(3)),)

BOUNDARIES = {
    "expiry today": simple_case((date(2024, 3, 15), "1", (0,))),
    "expiry tomorrow": simple_case((date(2024, 3, 16), "1", (0,))),
    "exactly the due-soon window before expiry": simple_case((date(2024, 5, 14), "1", (0,))),
    "a day more than the due-soon window before expiry": simple_case(
        (date(2024, 5, 15), "1", (0,))
    ),
    "no due-soon window": simple_case((date(2024, 3, 16), "1", (0,)), due_soon_days=0),
    "grace ending today": simple_case(start=date(2024, 12, 15)),
    "grace ending tomorrow": simple_case(start=date(2024, 12, 16)),
    "grace from the requirement's start": simple_case(applies_from=date(2024, 12, 16)),
    "expired inside grace": simple_case((date(2023, 1, 1), "1", (0,)), start=date(2025, 1, 1)),
    "through a higher level": simple_case(
        (date(2024, 1, 1), "1", (1,)), standards=LEVELS, required=0
    ),
    "through a chain 3 to 2 to 1": simple_case(
        (date(2024, 1, 1), "1", (2,)), standards=LEVELS, required=0
    ),
    "a lower level does not meet a higher one": simple_case(
        (date(2024, 1, 1), "1", (0,)), standards=LEVELS, required=2
    ),
    "hours rule exactly met": simple_case(
        (date(2023, 1, 1), "1.5", (0,)), (date(2024, 1, 1), "1.5", (0,)), standards=HOURS_RULE
    ),
    "hours rule met by records on the same day": simple_case(
        (date(2024, 1, 1), "1.5", (0,)), (date(2024, 1, 1), "1.5", (0,)), standards=HOURS_RULE
    ),
    "hours spread over longer than the period": simple_case(
        (date(2020, 1, 1), "2", (0,)), (date(2024, 1, 1), "1", (0,)), standards=HOURS_RULE
    ),
    "hours met long ago, not since": simple_case(
        (date(2015, 6, 1), "3", (0,)),
        (date(2019, 1, 1), "2", (0,)),
        (date(2023, 1, 1), "2", (0,)),
        standards=HOURS_RULE,
    ),
    "hours rule short by a fraction": simple_case(
        (date(2023, 1, 1), "1.5", (0,)), (date(2024, 1, 1), "1.49", (0,)), standards=HOURS_RULE
    ),
    "hours that do not add up exactly in floating point": simple_case(
        (date(2024, 1, 1), "0.7", (0,)),
        (date(2024, 2, 1), "0.1", (0,)),
        standards=(ref.Standard(0, validity_months=36, cpd_hours_required=Decimal("0.8")),),
    ),
    "hours rule met through a higher level": simple_case(
        (date(2024, 1, 1), "2", (1,)),
        (date(2024, 6, 1), "2", (0, 1)),
        standards=(
            ref.Standard(0, validity_months=36, cpd_hours_required=Decimal(4)),
            ref.Standard(1, validity_months=36, satisfies=frozenset({0})),
        ),
    ),
    "records after the day are ignored": simple_case(
        (date(2022, 1, 1), "1", (0,)), (date(2025, 3, 16), "1", (0,))
    ),
    "a record on the day counts": simple_case((ON, "1", (0,))),
    "31 January plus a month is the end of February": simple_case(
        (date(2024, 1, 31), "1", (0,)),
        on=date(2024, 2, 29),
        standards=(ref.Standard(0, validity_months=1),),
    ),
    "the day before the end of February": simple_case(
        (date(2024, 1, 31), "1", (0,)),
        on=date(2024, 2, 28),
        standards=(ref.Standard(0, validity_months=1),),
    ),
    "29 February plus 12 months": simple_case(
        (date(2024, 2, 29), "1", (0,)), on=date(2025, 2, 28), renewal_months=12
    ),
    "29 February plus 12 months, the day before": simple_case(
        (date(2024, 2, 29), "1", (0,)), on=date(2025, 2, 27), renewal_months=12
    ),
    "never expires": simple_case(
        (date(2001, 1, 1), "0", (0,)), standards=(ref.Standard(0, validity_months=None),)
    ),
}


# Writing a partnership to the database -------------------------------------------------------


@dataclass
class Ids:
    """Database ids of each key, both ways."""

    standard: dict[int, int]
    organisation: dict[int, int]
    membership: dict[int, int]
    requirement: dict[int, int]

    def keys(self, kind: str) -> dict[int, int]:
        return {db_id: key for key, db_id in getattr(self, kind).items()}


def build(partnership: ref.Partnership) -> Ids:
    """Write the partnership with one bulk insert a table."""
    standards = TrainingStandard.objects.bulk_create(
        TrainingStandard(
            name=f"Standard {s.key}",
            slug=f"standard-{s.key}",
            validity_months=s.validity_months,
            cpd_hours_required=s.cpd_hours_required,
        )
        for s in partnership.standards
    )
    standard_id = {s.key: row.pk for s, row in zip(partnership.standards, standards, strict=True)}
    TrainingStandard.satisfies.through.objects.bulk_create(
        TrainingStandard.satisfies.through(
            from_trainingstandard_id=standard_id[s.key], to_trainingstandard_id=standard_id[lower]
        )
        for s in partnership.standards
        for lower in s.satisfies
    )
    standard_covers_rebuild()  # bulk inserts send no signals

    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {o.key}", slug=f"organisation-{o.key}", sector=o.sector)
        for o in partnership.organisations
    )
    organisation_id = {
        o.key: row.pk for o, row in zip(partnership.organisations, organisations, strict=True)
    }
    roles = JobRole.objects.bulk_create(
        JobRole(name=f"Job role {key}") for key in partnership.job_roles
    )
    job_role_id = {key: row.pk for key, row in zip(partnership.job_roles, roles, strict=True)}
    users = User.objects.bulk_create(
        User(email=f"person{p.key}@agency.example", is_active=p.is_active)
        for p in partnership.people
    )
    user_id = {p.key: row.pk for p, row in zip(partnership.people, users, strict=True)}

    memberships = MembershipModel.objects.bulk_create(
        MembershipModel(
            user_id=user_id[m.person],
            organisation_id=organisation_id[m.organisation],
            kind=m.kind,
            governor_category=GovernorCategory.PARENT if m.kind == MembershipKind.GOVERNOR else "",
            governor_role=m.governor_role,
            job_role_id=None if m.job_role is None else job_role_id[m.job_role],
            start_date=m.start_date,
            end_date=m.end_date,
        )
        for m in partnership.memberships
    )
    membership_id = {
        m.key: row.pk for m, row in zip(partnership.memberships, memberships, strict=True)
    }

    requirements = RequirementModel.objects.bulk_create(
        RequirementModel(
            name=f"Requirement {r.key}",
            standard_id=standard_id[r.standard],
            sector=r.sector,
            membership_kind=r.membership_kind,
            governor_role=r.governor_role,
            renewal_months=r.renewal_months,
            grace_months=r.grace_months,
            applies_from=r.applies_from,
            is_active=r.is_active,
        )
        for r in partnership.requirements
    )
    requirement_id = {
        r.key: row.pk for r, row in zip(partnership.requirements, requirements, strict=True)
    }
    RequirementModel.job_roles.through.objects.bulk_create(
        RequirementModel.job_roles.through(
            requirement_id=requirement_id[r.key], jobrole_id=job_role_id[role]
        )
        for r in partnership.requirements
        for role in r.job_roles
    )

    records = TrainingRecord.objects.bulk_create(
        TrainingRecord(
            user_id=user_id[r.person],
            title=f"Training {r.key}",
            cpd_hours=r.cpd_hours,
            completed_on=r.completed_on,
            source=RecordSource.ATTENDANCE if r.attributed_to is None else RecordSource.IMPORT,
            attributed_to_id=(
                None if r.attributed_to is None else organisation_id[r.attributed_to]
            ),
        )
        for r in partnership.records
    )
    TrainingRecord.standards.through.objects.bulk_create(
        TrainingRecord.standards.through(
            trainingrecord_id=row.pk, trainingstandard_id=standard_id[s]
        )
        for r, row in zip(partnership.records, records, strict=True)
        for s in r.standards
    )
    return Ids(standard_id, organisation_id, membership_id, requirement_id)


# The comparison ------------------------------------------------------------------------------

# How the pages group counts, and the same grouping of the reference's rows.
GROUPINGS: dict[tuple[str, ...], Callable[[ref.Row], tuple[object, ...]]] = {
    (): lambda row: (),
    ("membership__organisation",): lambda row: (row.organisation,),
    ("standard",): lambda row: (row.standard,),
    ("membership__organisation__sector",): lambda row: (row.sector,),
    ("requirement",): lambda row: (row.requirement,),
    ("membership__organisation", "standard"): lambda row: (row.organisation, row.standard),
}
# How to turn a group's database value back into the reference's key.
GROUP_KEY = {
    "membership__organisation": "organisation",
    "standard": "standard",
    "requirement": "requirement",
}


def assert_fast_matches_reference(case: Case) -> None:
    """Build the case, compute it both ways, and compare everything."""
    partnership = case.partnership
    ids = build(partnership)
    day = ComplianceDay(on=case.on, due_soon_days=case.due_soon_days)
    expected = ref.rows_on(partnership, case.on, case.due_soon_days)

    membership_key, requirement_key = ids.keys("membership"), ids.keys("requirement")
    actual = {
        (membership_key[row["membership_id"]], requirement_key[row["requirement_id"]]): row
        for row in with_dates(requirement_rows(day), day).values(
            "membership_id",
            "requirement_id",
            "status",
            "effective_on",
            "expires_on",
            "grace_ends_on",
            "status_changes_on",
        )
    }
    assert set(actual) == set(expected), "different (membership, requirement) rows"
    for key, want in expected.items():
        got = actual[key]
        assert (
            got["status"],
            got["effective_on"],
            got["expires_on"],
            got["grace_ends_on"],
            got["status_changes_on"],
        ) == (
            want.status,
            want.effective_on,
            want.expires_on,
            want.grace_ends_on,
            want.status_changes_on,
        ), f"membership {key[0]}, requirement {key[1]}: {want}"

    for group_by, group_of in GROUPINGS.items():
        want_counts = ref.counts_by(expected.values(), group_of)
        got_counts = {}
        for counts in status_counts(requirement_rows(day), *group_by):
            group = tuple(
                ids.keys(GROUP_KEY[name])[value] if name in GROUP_KEY else value
                for name, value in counts.group.items()
            )
            got_counts[group] = (
                (
                    counts.in_date,
                    counts.due_soon,
                    counts.overdue,
                    counts.missing,
                    counts.new_starter,
                ),
                counts.rate,
            )
        if not group_by and not want_counts:
            want_counts = {(): ref.Counts()}  # no rows: one line of zeros
        assert got_counts == {
            group: (counts.as_tuple(), counts.rate) for group, counts in want_counts.items()
        }, f"counts by {group_by}"


def _run(case: Case) -> None:
    note(f"on={case.on} due_soon_days={case.due_soon_days}")
    for row in ref.rows_on(case.partnership, case.on, case.due_soon_days).values():
        # Tallied by --hypothesis-show-statistics, to see the examples reach every status.
        event(f"status {row.status}")
        if row.effective_on is not None:
            event("met on some day")
        if case.partnership.standard(row.standard).cpd_hours_required is not None:
            event("hours rule")
    with transaction.atomic():
        assert_fast_matches_reference(case)
        transaction.set_rollback(True)


def _with_boundaries(test: Callable[..., Any]) -> Callable[..., Any]:
    for boundary in BOUNDARIES.values():
        test = example(case=boundary)(test)
    return test


PROPERTY = settings(
    max_examples=100,
    deadline=None,
    database=None,  # failures are not stored between runs; they print their reproduction
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@_with_boundaries
@given(case=cases())
def test_fast_computation_matches_reference(db: None, case: Case) -> None:
    """On random partnerships and days, the database and the reference agree on every
    status, date and count, on the database the suite runs on: CI runs it on SQLite and on
    PostgreSQL, whose date and decimal arithmetic is its own."""
    _run(case)
