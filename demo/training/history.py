"""Five years of training history, so that compliance in the demo is partial and believable.

Everyone gets the records their requirements (`demo.training.requirements`) call for, dated so
that their statuses come out as drawn for their organisation (`demo.training.history_plans`):
most in date, a few due soon, some overdue (trained once, lapsed), some missing (never trained),
and new starters inside their grace period mostly untrained. Earlier cycles go back five years.
Level 3 is met by 12 CPD hours in three years, so its history mixes multi-agency days,
single-agency updates and e-learning modules that add up (or, for some, not quite). School staff
have their update on the September training day. Governors declare each year that they have
read the current guidance (`demo.training.declarations`); some have not yet.

Organisations differ on purpose: the integrated care board and the Child Abuse Investigation
Team are near the top, the police's response teams and children's social care lower, schools
and GP practices spread between. A few staff have just joined, inside their grace period.

The demo accounts each have a story (docs/demo-data.md, "Compliance"), told with fixed records
rather than drawn, and the demo school's chair is overdue. The history is made once, the first
time, like the earlier records; people added by `seed_demo --people N` get theirs as they are
added (`large_history_seed`), in bulk.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Count, Max

from accounts.models import User
from compliance.models import ComplianceRules
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from demo.training import courses as c
from demo.training import standards as std
from demo.training.activities import (
    CHAIRS_AND_LINK_GOVERNORS,
    GOVERNORS_ELEARNING,
    LEVEL_2_ELEARNING,
    MODULE,
    SCHOOL_UPDATE,
    UPDATE,
    activities_load,
)
from demo.training.declarations import declarations_write
from demo.training.history_plans import HISTORY_YEARS, HistoryPlan, When
from demo.training.records import records_write
from demo.training.statuses import (
    Member,
    Past,
    members_load,
    pasts_load,
    rules_load,
    standards_load,
)
from organisations.enums import GovernorRole, MembershipKind
from organisations.models import Membership
from training.models import TrainingRecord

# The partnership moved its records to the hub this long before the demo's day (as the earlier
# training step says); imported records were entered then.
IMPORTED_DAYS_AGO = 200
PARTNERSHIP_TEAM = "partnership@demo.example"
DEMO_DOMAIN = "@demo.example"
# Staff who joined in the last weeks, inside their grace period (the people step has everyone
# in post for at least two months), and how many days ago they started.
NEW_STARTERS, NEW_STARTER_DAYS = 10, (7, 80)

# The demo accounts' own records, on top of those the earlier steps made for them (level 1
# e-learning, Working Together and the programme's sessions, governor training).
DEMO_HISTORY: dict[str, tuple[tuple[str, When], ...]] = {
    # Level 3 due soon: the neglect day stops counting towards the 12 hours in 40 days.
    "practitioner@demo.example": (
        (c.NEGLECT, When(36, 40)),
        (c.CONTEXTUAL_SAFEGUARDING, When(20)),
    ),
    # With the neglect day three months ago, 12 hours since two and a half years ago.
    "manager@demo.example": ((c.DOMESTIC_ABUSE, When(30)),),
    # 14 hours from four pieces of training: level 3 in date by the hours rule.
    "health.visitor@demo.example": ((UPDATE, When(32)), (MODULE, When(26)), (UPDATE, When(14))),
    # Level 3 lapsed two months ago: the day four months ago gave 6 of the 12 hours.
    "police@demo.example": ((c.CHILD_SEXUAL_ABUSE, When(38)),),
    "partnership@demo.example": ((c.LEVEL_1_ELEARNING, When(7)), (c.WORKING_TOGETHER, When(16))),
    "trainer@demo.example": ((c.LEVEL_1_ELEARNING, When(5)), (c.WORKING_TOGETHER, When(10))),
    # Level 2 lapsed four months ago.
    "editor@demo.example": ((c.LEVEL_1_ELEARNING, When(9)), (LEVEL_2_ELEARNING, When(40))),
    # This September's update and last September's.
    "clerk@demo.example": ((SCHOOL_UPDATE, When(0, -1)), (SCHOOL_UPDATE, When(12, -1))),
    # Governor safeguarding due soon (the earlier step's record); the link governors' course
    # lapsed four months ago.
    "governor@demo.example": ((CHAIRS_AND_LINK_GOVERNORS, When(28)),),
}
# The demo school's chair: the chairs' course lapsed, and this year's guidance not declared.
CHAIR_HISTORY = ((GOVERNORS_ELEARNING, When(31)), (CHAIRS_AND_LINK_GOVERNORS, When(33)))


def _people(members: list[Member]) -> Iterator[list[Member]]:
    """Memberships grouped by person, in the order read (by email address)."""
    by_user: dict[int, list[Member]] = {}
    for member in members:
        by_user.setdefault(member.user_id, []).append(member)
    yield from by_user.values()


def _plan(seed: DemoSeed, step: str, *, pasts: dict[int, list[Past]] | None) -> HistoryPlan:
    return HistoryPlan(
        rng=seed.rng(step),
        today=seed.today,
        due_soon=ComplianceRules.load().due_soon_days,
        activities=activities_load(),
        standards=standards_load(),
        rules=rules_load(seed.today),
        pasts=pasts,
    )


def _write(seed: DemoSeed, plan: HistoryPlan, *, with_history: bool) -> None:
    """The planned records, imported by the partnership team when it moved to the hub."""
    records_write(
        plan.planned,
        imported_by_id=User.objects.get(email=PARTNERSHIP_TEAM).pk,
        imported_on=seed.today - timedelta(days=IMPORTED_DAYS_AGO),
        with_history=with_history,
    )


def new_starters_make(rng: random.Random, *, today: date) -> int:
    """Move a few people's start to the last weeks: staff with one membership and no bookings,
    records, reports or other part in the demo, so nothing else depends on the date."""
    candidates = list(
        Membership.objects.current(today)
        .filter(
            kind=MembershipKind.STAFF,
            is_coordinator=False,
            is_clerk=False,
            is_web_editor=False,
            user__is_trainer=False,
            user__training_records__isnull=True,
            reports__isnull=True,
        )
        .exclude(user__email__endswith=DEMO_DOMAIN)
        .exclude(user__bookings__isnull=False)
        .annotate(memberships=Count("user__memberships"))
        .filter(memberships=1)
        .order_by("user__email")
    )
    chosen = rng.sample(candidates, k=min(NEW_STARTERS, len(candidates)))
    for membership in chosen:
        membership.start_date = today - timedelta(days=rng.randint(*NEW_STARTER_DAYS))
    Membership.objects.bulk_update(chosen, ["start_date"])
    return len(chosen)


def compliance_history_seed(seed: DemoSeed) -> None:
    """Records and declarations for everyone, made once: a run that finds records of the
    standards only this step gives (the school update, the chairs' course) adds none."""
    marker = [std.SCHOOL_UPDATE, std.GOVERNOR_LEADERSHIP]
    if TrainingRecord.objects.filter(standards__slug__in=marker).exists():
        seed.log("Training history: already there")
        return
    new_starters = new_starters_make(seed.rng("new starters"), today=seed.today)
    plan = _plan(seed, "training history", pasts=pasts_load())
    members = members_load(on=seed.today)
    chair = next(
        (
            m
            for m in members
            if m.organisation_slug == orgs.DEMO_SCHOOL and m.governor_role == GovernorRole.CHAIR
        ),
        None,
    )
    for memberships in _people(members):
        email = memberships[0].email
        if email in DEMO_HISTORY:
            plan.story(memberships, DEMO_HISTORY[email])
        elif chair is not None and memberships[0].user_id == chair.user_id:
            plan.story(memberships, CHAIR_HISTORY)
        elif not email.endswith(DEMO_DOMAIN):
            plan.person(memberships)
    _write(seed, plan, with_history=True)
    not_declared = {m.membership_id for m in members if m.email.endswith(DEMO_DOMAIN)}
    if chair is not None:
        not_declared.add(chair.membership_id)
    declarations = declarations_write(
        seed.rng("declarations"), members, today=seed.today, not_declared=not_declared
    )
    seed.log(
        f"Training history: {len(plan.planned)} records over {HISTORY_YEARS} years, "
        f"{declarations} governors' declarations, {new_starters} new starters"
    )


def first_new_user_id() -> int:
    """The id the next person added will have (`seed_demo --people` adds them after it)."""
    return (User.objects.aggregate(Max("id"))["id__max"] or 0) + 1


def large_history_seed(seed: DemoSeed, *, first_user_id: int) -> None:
    """History for the people `seed_demo --people N` has just added (ids from
    `first_user_id`), in bulk. Every run adds people, so every run adds their history."""
    started = time.perf_counter()
    plan = _plan(seed, f"training history-{first_user_id}", pasts=None)
    members = members_load(on=seed.today, first_user_id=first_user_id)
    for memberships in _people(members):
        plan.person(memberships)
    # No history rows: for tens of thousands of records they would double the step's time,
    # and nothing measured reads them.
    _write(seed, plan, with_history=False)
    declarations = declarations_write(
        seed.rng(f"declarations-{first_user_id}"), members, today=seed.today, not_declared=set()
    )
    seed.log(
        f"Training history for them: {len(plan.planned)} records, {declarations} "
        f"declarations, in {time.perf_counter() - started:.1f} s"
    )
