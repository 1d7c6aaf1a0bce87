"""Training people did before the demo's programme: level 1 e-learning, and records the
partnership imported from its previous system (Working Together days, governor training).

Dates spread over the last three and a half years, so some records have expired and some
expire soon, as in any real partnership. A record done before the person joined their current
organisation is kept without a membership (it was done elsewhere).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from accounts.models import User
from demo.organisations.context import DemoSeed
from demo.training import courses as c
from demo.training.bookings import Dated, dated_write
from demo.training.dates import at, months_after
from demo.training.learners import Learner, is_intended_for, learners_load
from organisations.enums import MembershipKind
from training.enums import RecordSource
from training.models import Course, TrainingRecord

DEMO_DOMAIN = "@demo.example"
PARTNERSHIP_TEAM = "partnership@demo.example"
# The partnership moved its records to the hub this long before the demo's day.
IMPORTED_DAYS_AGO = 200
# Share of people with each kind of earlier record, and how many days ago it was completed.
ELEARNING_SHARE, ELEARNING_DAYS_AGO = 0.65, (14, 1250)
WORKING_TOGETHER_SHARE, WORKING_TOGETHER_DAYS_AGO = 0.35, (IMPORTED_DAYS_AGO, 1000)
GOVERNORS_SHARE, GOVERNORS_DAYS_AGO = 0.45, (IMPORTED_DAYS_AGO, 760)

# The demo accounts' own history, so their pages tell a story: (email, course, months ago).
DEMO_ACCOUNT_RECORDS = [
    ("practitioner@demo.example", c.LEVEL_1_ELEARNING, 29),
    ("manager@demo.example", c.LEVEL_1_ELEARNING, 14),
    ("manager@demo.example", c.WORKING_TOGETHER, 26),
    ("health.visitor@demo.example", c.LEVEL_1_ELEARNING, 8),
    ("police@demo.example", c.LEVEL_1_ELEARNING, 20),
    ("coordinator@demo.example", c.LEVEL_1_ELEARNING, 11),
    ("governor@demo.example", c.GOVERNORS, 23),
]


def _record(
    learner: Learner, course: Course, *, completed_on: date, imported_by: User, today: date
) -> Dated:
    standards = list(course.standards.all())
    months = [s.validity_months for s in standards if s.validity_months]
    elearning = course.slug == c.LEVEL_1_ELEARNING
    record = TrainingRecord(
        user_id=learner.user_id,
        membership_id=learner.membership_id if learner.start_date <= completed_on else None,
        course=course,
        title=course.title,
        cpd_hours=course.cpd_hours,
        completed_on=completed_on,
        expires_on=months_after(completed_on, min(months)) if months else None,
        source=RecordSource.ELEARNING if elearning else RecordSource.IMPORT,
        created_by=None if elearning else imported_by,
    )
    created_at = (
        at(completed_on, time(14, 0))
        if elearning
        else at(today - timedelta(days=IMPORTED_DAYS_AGO), time(10, 0))
    )
    return Dated(
        record,
        created_at=created_at,
        changed_by_id=None if elearning else imported_by.pk,
        standards=standards,
    )


def earlier_training_seed(seed: DemoSeed) -> None:
    """Records from before the programme, made once: a second run finds them and adds none."""
    if TrainingRecord.objects.exclude(source=RecordSource.ATTENDANCE).exists():
        seed.log("Earlier training records: already there")
        return
    rng = seed.rng("earlier training")
    today = seed.today
    courses = {
        course.slug: course
        for course in Course.objects.prefetch_related("standards").filter(
            slug__in=[c.LEVEL_1_ELEARNING, c.WORKING_TOGETHER, c.GOVERNORS]
        )
    }
    imported_by = User.objects.get(email=PARTNERSHIP_TEAM)
    learners = learners_load(on=today)
    records: list[Dated] = []
    done: set[tuple[int, str]] = set()

    def add(learner: Learner, slug: str, days_ago: int) -> None:
        if (learner.user_id, slug) in done:
            return
        done.add((learner.user_id, slug))
        completed_on = today - timedelta(days=days_ago)
        records.append(
            _record(
                learner,
                courses[slug],
                completed_on=completed_on,
                imported_by=imported_by,
                today=today,
            )
        )

    by_email = {(learner.email, learner.kind): learner for learner in learners}
    for email, slug, months in DEMO_ACCOUNT_RECORDS:
        kind = MembershipKind.GOVERNOR if slug == c.GOVERNORS else MembershipKind.STAFF
        learner = by_email[(email, kind)]
        add(learner, slug, (today - months_after(today, -months)).days)

    for learner in learners:
        if learner.email.endswith(DEMO_DOMAIN):
            continue
        for slug, share, days_ago in (
            (c.LEVEL_1_ELEARNING, ELEARNING_SHARE, ELEARNING_DAYS_AGO),
            (c.WORKING_TOGETHER, WORKING_TOGETHER_SHARE, WORKING_TOGETHER_DAYS_AGO),
            (c.GOVERNORS, GOVERNORS_SHARE, GOVERNORS_DAYS_AGO),
        ):
            if is_intended_for(learner, c.COURSES_BY_SLUG[slug]) and rng.random() < share:
                add(learner, slug, rng.randint(*days_ago))
    dated_write(records)
    seed.log(f"Earlier training records: {len(records)}")
