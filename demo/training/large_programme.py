"""`seed_demo --sessions N`: N more upcoming sessions with their bookings, for benchmarks.

The sessions are shared round the demo courses that run sessions and spread over the next six
months, each run as the course runs (`demo.training.sessions`). Each is filled from the people
the course is meant for — with `--people`, the whole large partnership — keeping the rules the
programme keeps: capacity, the agency-mix share, one active booking per person per session,
the course's audience and prerequisites, a line manager for courses needing approval, nobody
on a booking hold. About a third are full, with a waiting list.

Speed comes from reading everything in a handful of queries and writing each table with
`bulk_create`. Every run adds N more; the random generator is seeded from the next session id,
so runs differ from each other but each is the same on every database.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from django.db.models import F, Max
from django.utils import timezone

from demo.organisations.context import RANDOM_SEED, DemoSeed
from demo.training import courses as c
from demo.training import sessions as s
from demo.training.bookings import BATCH_SIZE, history_add, organisation_share
from demo.training.dates import is_training_day, training_day_from
from demo.training.learners import Learner, is_intended_for, learners_load
from demo.training.trainers import trainers_find
from training.enums import BookingStatus
from training.models import (
    Booking,
    BookingHold,
    BookingRules,
    Course,
    Session,
    SessionPart,
    TrainingRecord,
)

# Sessions start between a week and six months ahead.
DAYS_AHEAD = (7, 182)
FULL_SHARE = 1 / 3
WAITING_LIST = (1, 8)
FILLED = (0.2, 0.95)
ORGANISATION_SHARE = 0.4
# Places were booked this long before the run; waiting lists filled up since.
BOOKED_BEFORE = timedelta(days=1)
# Of the places on a course needing approval, this share still waits for the manager.
AWAITING_SHARE = 0.25


def _session_day(rng: random.Random, today: date, parts: int) -> date:
    day = training_day_from(today + timedelta(days=rng.randint(*DAYS_AHEAD)))
    while not all(is_training_day(day + timedelta(weeks=n)) for n in range(parts)):
        day = training_day_from(day + timedelta(days=1))
    return day


def large_programme_seed(seed: DemoSeed, *, sessions: int) -> None:
    """Add `sessions` upcoming sessions, with bookings, in bulk."""
    started = time.perf_counter()
    first_id = (Session.objects.aggregate(Max("id"))["id__max"] or 0) + 1
    rng = random.Random(f"{RANDOM_SEED}-sessions-{first_id}")
    now = timezone.now()
    today = seed.today
    courses = list(
        Course.objects.filter(slug__in=list(s.RUNS))
        .prefetch_related("prerequisites")
        .order_by("pk")
    )
    trainers = trainers_find()
    learners = learners_load(on=today)
    on_hold = set(
        BookingHold.objects.filter(
            starts_at__lte=now, ends_at__gt=now, lifted_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    completed = set(TrainingRecord.objects.values_list("user_id", "course_id"))
    pools: dict[int, list[Learner]] = {
        course.pk: [
            learner
            for learner in learners
            if is_intended_for(learner, c.COURSES_BY_SLUG[course.slug])
            and learner.user_id not in on_hold
            and all((learner.user_id, p.pk) in completed for p in course.prerequisites.all())
            and (learner.line_manager_user_id or not course.requires_manager_approval)
        ]
        for course in courses
    }
    rules = BookingRules.load()

    built: list[tuple[Session, list[SessionPart]]] = []
    for n in range(sessions):
        course = courses[n % len(courses)]
        day = _session_day(rng, today, s.RUNS[course.slug].days)
        built.append(
            s.session_build(course=course, day=day, rng=rng, opens_booking=False, venue_index=n)
        )
    Session.objects.bulk_create([session for session, _ in built], batch_size=BATCH_SIZE)
    for session, parts in built:
        for part in parts:
            part.session = session
    SessionPart.objects.bulk_create(
        [part for _, parts in built for part in parts], batch_size=BATCH_SIZE
    )
    through = Session.trainers.through
    through.objects.bulk_create(
        [
            through(session=session, user=trainer)
            for session, _ in built
            for trainer in s.session_trainers(session.course, trainers)
        ],
        batch_size=BATCH_SIZE,
    )

    bookings: list[Booking] = []
    for session, _ in built:
        bookings += _bookings(session, pools[session.course.pk], rng=rng, rules=rules, now=now)
    Booking.objects.bulk_create(bookings, batch_size=BATCH_SIZE)
    # Places were taken yesterday, and the waiting lists began once they had gone.
    added = Booking.objects.filter(session__in=[session for session, _ in built])
    added.filter(status=BookingStatus.WAITLISTED).update(created_at=F("waitlisted_at"))
    added.exclude(status=BookingStatus.WAITLISTED).update(created_at=now - BOOKED_BEFORE)
    history_add(Booking, [(booking, now, booking.booked_by_id) for booking in bookings])
    seconds = time.perf_counter() - started
    seed.log(f"Added {len(built)} sessions with {len(bookings)} bookings in {seconds:.1f} s")


def _bookings(
    session: Session,
    pool: list[Learner],
    *,
    rng: random.Random,
    rules: BookingRules,
    now: datetime,
) -> list[Booking]:
    """One session's bookings: places taken up to a share of capacity (all of it for a full
    session, then a waiting list), never more for one organisation than its share."""
    course = session.course
    assert session.starts_at is not None
    full = rng.random() < FULL_SHARE
    places = session.capacity if full else round(session.capacity * rng.uniform(*FILLED))
    waiting = rng.randint(*WAITING_LIST) if full else 0
    share = organisation_share(session.capacity, ORGANISATION_SHARE)
    if session.mix_max_percent:
        share = min(share, session.capacity * session.mix_max_percent // 100)
    by_organisation: Counter[int] = Counter()
    people: set[int] = set()
    bookings: list[Booking] = []
    # Drawing a few times as many as needed finds enough from different organisations.
    for learner in rng.sample(pool, k=min(len(pool), 4 * (places + waiting))):
        if len(bookings) == places + waiting:
            break
        holding = len(bookings) < places
        # Someone with two memberships is in the pool twice, but books once.
        if learner.user_id in people:
            continue
        if holding and by_organisation[learner.organisation_id] >= share:
            continue
        people.add(learner.user_id)
        booking = Booking(
            session=session,
            attendee_id=learner.membership_id,
            user_id=learner.user_id,
            booked_by_id=learner.user_id,
            status=BookingStatus.CONFIRMED,
        )
        if not holding:
            booking.status = BookingStatus.WAITLISTED
            booking.waitlisted_at = now - timedelta(minutes=places + waiting - len(bookings))
        elif course.requires_manager_approval and rng.random() < AWAITING_SHARE:
            booking.status = BookingStatus.AWAITING_APPROVAL
            # In UTC, as the booking service works it out from the stored start.
            booking.approval_expires_at = session.starts_at.astimezone(UTC) - timedelta(
                hours=rules.approval_expires_hours_before
            )
        elif course.requires_manager_approval:
            booking.decided_by_id = learner.line_manager_user_id
            booking.decided_at = now - BOOKED_BEFORE + timedelta(hours=2)
        if holding:
            by_organisation[learner.organisation_id] += 1
        bookings.append(booking)
    return bookings
