"""The demo programme: six months of past sessions and six months ahead, with their bookings.

Each course runs on the days in `PLANS` (counted from the demo's day, moved to the nearest
Tuesday to Thursday that is a working day). Places are filled from the partnership's people
who the course is meant for, keeping a real mix of agencies in the room. Past sessions have
their registers marked: most people attended, a few left early, a few did not come and were
charged. Sessions more than four months ahead have not opened for booking yet.

Around that, the demo accounts each have a story to show (see docs/demo-data.md):

- practitioner@demo.example attended Working Together four months ago (so may go on to the
  conferences course), has two places booked, a request waiting for the manager, and a place
  on the waiting list of a full course;
- manager@demo.example has requests from the Child Protection team to approve, one declined
  and one approved;
- trainer@demo.example runs most courses and has yesterday's register to mark;
- governor@demo.example is booked (by the clerk) on the governors' evening session;
- a full Working Together session has a waiting list and an open offer of a freed place;
- a staff nurse who did not come twice is on a booking hold; one charge was waived;
  two people cancelled too late and were charged; one session was cancelled; one person
  passed their place to a colleague.

The programme is made in one piece, the first time: its parts depend on one another (a
waiting list needs a full session, a hold two non-attendances), so a second run that finds
sessions of the demo courses adds nothing, and the dates stay where the first run put them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from demo.training import courses as c
from demo.training import sessions as s
from demo.training.bookings import Entry, Ledger, PlannedSession, organisation_share
from demo.training.dates import (
    at,
    is_training_day,
    training_day_from,
    training_day_until,
)
from demo.training.learners import Learner, is_intended_for, learners_load
from demo.training.trainers import trainers_find
from organisations.enums import MembershipKind
from training.enums import BookingStatus
from training.models import BookingRules, Course, Session, SessionPart, TrainingRecord

DEMO_DOMAIN = "@demo.example"
PRACTITIONER = "practitioner@demo.example"
MANAGER = "manager@demo.example"
COORDINATOR = "coordinator@demo.example"
HEALTH_VISITOR = "health.visitor@demo.example"
POLICE = "police@demo.example"
GOVERNOR = "governor@demo.example"
CLERK = "clerk@demo.example"
PARTNERSHIP_TEAM = "partnership@demo.example"

# The sessions the stories happen on.
HOLD_FIRST_NO_SHOW = "hold-first-no-show"
HOLD_SECOND_NO_SHOW = "hold-second-no-show"
LATE_CANCELLED_BY_GP = "late-cancelled-by-gp"
LATE_CANCELLED_BY_TEACHER = "late-cancelled-by-teacher"
PRACTITIONER_ATTENDED = "practitioner-attended"
POLICE_ATTENDED = "police-attended"
MANAGER_ATTENDED = "manager-attended"
COORDINATOR_ATTENDED = "coordinator-attended"
CHARGE_WAIVED = "charge-waived"
REGISTER_TO_MARK = "register-to-mark"
GOVERNOR_BOOKED = "governor-booked"
FULL_WITH_OFFER = "full-with-offer"
PRACTITIONER_BOOKED = "practitioner-booked"
TEAM_REQUESTS = "team-requests"
FULL_WITH_WAITING_LIST = "full-with-waiting-list"
BOOKED_BY_COORDINATOR = "booked-by-coordinator"
PRACTITIONER_REQUEST = "practitioner-request"
SESSION_CANCELLED = "session-cancelled"
MANAGER_BOOKED = "manager-booked"
SUBSTITUTED = "substituted"


@dataclass(frozen=True)
class Run:
    """A session `days` from the demo's day (negative: in the past)."""

    days: int
    key: str = ""


PLANS: dict[str, tuple[Run, ...]] = {
    c.WORKING_TOGETHER: (
        Run(-155, HOLD_FIRST_NO_SHOW),
        Run(-118, PRACTITIONER_ATTENDED),
        Run(-62, LATE_CANCELLED_BY_TEACHER),
        Run(-24),
        Run(19, FULL_WITH_OFFER),
        Run(54, SUBSTITUTED),
        Run(96),
        Run(138),
    ),
    c.NEGLECT: (
        Run(-90, MANAGER_ATTENDED),
        Run(-35, CHARGE_WAIVED),
        Run(26, TEAM_REQUESTS),
        Run(75),
        Run(130),
    ),
    c.DOMESTIC_ABUSE: (
        Run(-140, LATE_CANCELLED_BY_GP),
        Run(-21, HOLD_SECOND_NO_SHOW),
        Run(33, BOOKED_BY_COORDINATOR),
        Run(88, MANAGER_BOOKED),
        Run(152),
    ),
    c.CP_CONFERENCES: (Run(-75), Run(47, PRACTITIONER_REQUEST), Run(120)),
    c.INFORMATION_SHARING: (
        Run(-130),
        Run(-45, COORDINATOR_ATTENDED),
        Run(0, REGISTER_TO_MARK),
        Run(12),
        Run(23, PRACTITIONER_BOOKED),
        Run(65),
        Run(110),
    ),
    c.DSL_NEW_TO_ROLE: (Run(-100), Run(40), Run(125)),
    c.GOVERNORS: (Run(-50), Run(16, GOVERNOR_BOOKED), Run(80), Run(145)),
    c.SAFER_RECRUITMENT: (Run(-80), Run(37), Run(115)),
    c.CONTEXTUAL_SAFEGUARDING: (
        Run(-120, POLICE_ATTENDED),
        Run(-28),
        Run(29, FULL_WITH_WAITING_LIST),
        Run(100),
        Run(160),
    ),
    c.CHILD_SEXUAL_ABUSE: (Run(-65), Run(58, SESSION_CANCELLED), Run(140)),
    c.PRACTICE_REVIEWS: (Run(-40), Run(44), Run(105)),
}

# People in the stories have been in post since before the programme's first session.
IN_POST_FOR_STORIES = timedelta(days=200)
# The partnership's trainers and rooms run at most this many sessions a day.
MOST_SESSIONS_A_DAY = 2
# Nobody is booked on more than this many sessions by chance, so places go round.
MOST_SESSIONS_A_PERSON = 4
# Without an agency-mix rule, still no organisation takes more than this share of a session.
ORGANISATION_SHARE = 0.4
# Of the people booked on a past session: some do not come, some leave early.
NO_SHOW_RATE, PARTIAL_RATE = 0.05, 0.04
# Of those who do not come to a classroom session, some arrived after the cut-off.
ARRIVED_LATE_RATE = 0.3
# Of requests for a course needing approval made in the last fortnight, how many still wait.
STILL_WAITING_RATE = 0.5
# Coordinators book some of their organisation's places; clerks some of their governors'.
BOOKED_BY_COORDINATOR_RATE = 0.2
# A few people cancel in good time; the session's place goes back on sale.
FREE_CANCELLATION_RATE = 0.3

CANCELLATION_REASONS = [
    "Annual leave was approved for that week.",
    "A court hearing was listed for the same day.",
    "Covering for a colleague who is off sick.",
    "Booked a later date that suits the team better.",
    "An inspection was announced for that week.",
]
SESSION_CANCELLED_REASON = (
    "The trainer is unwell and we could not find a replacement in time. Everyone booked has "
    "been told; please book another date."
)
DECLINED_REASON = (
    "Not this date, sorry: three of the team are on leave that week and we need cover for "
    "duty. Please ask again for the next date."
)
WAIVED_REASON = (
    "Called to an emergency strategy meeting on the morning of the course; his sergeant told "
    "the trainer before it started."
)
LATE_REASON_TEACHER = "A parents' meeting was moved to that morning and could not be changed."
LATE_REASON_GP = "Locum cover for the surgery fell through at short notice."


def _when(day: date, rng: random.Random, *, earliest: int = 8, latest: int = 18) -> datetime:
    """Some time in the working day."""
    return at(day, time(rng.randint(earliest, latest - 1), rng.choice((0, 10, 20, 35, 45, 50))))


class _Programme:
    """Builds the programme; see the module's docstring."""

    def __init__(self, seed: DemoSeed, rng: random.Random) -> None:
        self.today = seed.today
        self.yesterday = self.today - timedelta(days=1)
        self.rng = rng
        self.log = seed.log
        self.courses = {
            course.slug: course
            for course in Course.objects.filter(slug__in=list(PLANS)).prefetch_related(
                "standards", Prefetch("prerequisites", queryset=Course.objects.order_by("pk"))
            )
        }
        self.trainers = trainers_find()
        self.learners = learners_load(on=self.today)
        self.staff = {
            (learner.email, learner.kind): learner
            for learner in self.learners
            if learner.kind in (MembershipKind.STAFF, MembershipKind.GOVERNOR)
        }
        self.coordinators: dict[int, int] = {}
        self.clerks: dict[int, int] = {}
        for learner in self.learners:
            if learner.is_coordinator:
                self.coordinators.setdefault(learner.organisation_id, learner.user_id)
            if learner.is_clerk:
                self.clerks.setdefault(learner.organisation_id, learner.user_id)
        completed = {
            (user_id, course_id): completed_on
            for user_id, course_id, completed_on in TrainingRecord.objects.filter(
                course__isnull=False
            ).values_list("user_id", "course_id", "completed_on")
        }
        self.ledger = Ledger(rules=BookingRules.load(), completed=completed)
        self.partnership_team = User.objects.get(email=PARTNERSHIP_TEAM)
        self.sessions: list[PlannedSession] = []
        self.by_key: dict[str, PlannedSession] = {}
        self.cast: set[int] = set()
        self.sessions_on: Counter[date] = Counter()
        # What a story needs done on a session before its places are filled, by session key.
        self.before_fill: dict[str, Callable[[PlannedSession], None]] = {}

    # People -----------------------------------------------------------------------------

    def demo(self, email: str, kind: MembershipKind = MembershipKind.STAFF) -> Learner:
        learner = self.staff[(email, kind)]
        self.cast.add(learner.user_id)
        return learner

    def first(self, organisation: str, job_role: str) -> Learner:
        """The first person (by email address) in that role there, kept for a story."""
        learner = next(
            x
            for x in self.learners
            if x.organisation_slug == organisation
            and x.job_role == job_role
            and x.kind == MembershipKind.STAFF
            and not x.email.endswith(DEMO_DOMAIN)
            and x.user_id not in self.cast
            and x.start_date <= self.today - IN_POST_FOR_STORIES
        )
        self.cast.add(learner.user_id)
        return learner

    def team_of(self, manager: Learner) -> list[Learner]:
        """The manager's reports who do level 3 work, the practitioner left out."""
        practitioner = self.staff[(PRACTITIONER, MembershipKind.STAFF)]
        team = [
            x
            for x in self.learners
            if x.line_manager_user_id == manager.user_id
            and x.user_id != practitioner.user_id
            and x.start_date <= self.today - IN_POST_FOR_STORIES
            and is_intended_for(x, c.COURSES_BY_SLUG[c.NEGLECT])
        ]
        self.cast.update(x.user_id for x in team)
        return team

    # Sessions ---------------------------------------------------------------------------

    def _day(self, run: Run, *, parts: int) -> date:
        """The first day of the session: a training day, as is each later part's day (a
        week apart), all before today for a past session and after it for one ahead, and
        not a day that already has its share of sessions."""
        if run.key == REGISTER_TO_MARK:
            return training_day_until(self.yesterday)
        if run.days < 0:
            day = self.today + timedelta(days=run.days, weeks=1 - parts)
            step, move = timedelta(days=-1), training_day_until
        else:
            day = self.today + timedelta(days=run.days)
            step, move = timedelta(days=1), training_day_from
        day = move(day)
        while self.sessions_on[day] >= MOST_SESSIONS_A_DAY or not all(
            is_training_day(day + timedelta(weeks=n)) for n in range(parts)
        ):
            day = move(day + step)
        return day

    def sessions_create(self) -> None:
        for spec in c.COURSES:
            plan = PLANS.get(spec.slug, ())
            course = self.courses.get(spec.slug)
            if course is None:
                continue
            runs = s.RUNS[spec.slug]
            trainers = s.session_trainers(course, self.trainers)
            standards = list(course.standards.all())
            for index, run in enumerate(plan):
                day = self._day(run, parts=runs.days)
                self.sessions_on[day] += 1
                session, parts = s.session_build(
                    course=course, day=day, rng=self.rng, venue_index=index
                )
                session.full_clean()
                session.save()
                for part in parts:
                    part.session = session
                SessionPart.objects.bulk_create(parts)
                session.trainers.set(trainers)
                planned = PlannedSession(session, spec, trainers, standards, key=run.key)
                self.sessions.append(planned)
                if run.key:
                    self.by_key[run.key] = planned
        self.sessions.sort(key=lambda planned: planned.starts_at)

    def is_past(self, planned: PlannedSession) -> bool:
        return planned.last_day < self.today

    def is_open(self, planned: PlannedSession) -> bool:
        opens = planned.session.booking_opens_at
        return opens is None or opens.date() < self.today

    # Booking times ----------------------------------------------------------------------

    def booked_at(
        self, planned: PlannedSession, learner: Learner, *, within: int = 75, by: date | None = None
    ) -> datetime:
        """When someone booked: after booking opened and they joined, a few days to a few
        weeks before the session, and by yesterday (or the day given)."""
        opens = planned.session.booking_opens_at
        opened = opens.date() if opens is not None else date.min
        latest = min(planned.first_day - timedelta(days=3), by or self.yesterday)
        earliest = max(planned.first_day - timedelta(days=within), opened)
        if earliest > latest:
            # A session months ahead: booked since it opened, within the last month.
            earliest = max(latest - timedelta(days=30), opened)
        earliest = max(earliest, learner.start_date)
        day = earliest + timedelta(days=self.rng.randint(0, max(0, (latest - earliest).days)))
        moment = _when(day, self.rng)
        if opens is not None and moment < opens:
            moment = opens + timedelta(minutes=self.rng.randint(5, 300))
        return moment

    def booked_by(self, learner: Learner) -> int:
        helpers = self.clerks if learner.kind == MembershipKind.GOVERNOR else self.coordinators
        helper = helpers.get(learner.organisation_id)
        if helper and helper != learner.user_id and self.rng.random() < BOOKED_BY_COORDINATOR_RATE:
            return helper
        return learner.user_id

    # Filling ----------------------------------------------------------------------------

    def may_take(self, planned: PlannedSession, learner: Learner, *, at_: datetime) -> bool:
        course = planned.session.course
        if learner.user_id in self.cast or self.ledger.is_on_hold(learner.user_id):
            return False
        if (learner.user_id, course.pk) in self.ledger.courses_taken:
            return False
        if self.ledger.sessions_booked[learner.user_id] >= MOST_SESSIONS_A_PERSON:
            return False
        if at_ >= planned.starts_at or at_.date() >= self.today:
            return False
        if learner.start_date > at_.date() or self.ledger.has_active(planned, learner.user_id):
            return False
        if course.requires_manager_approval and learner.line_manager_user_id is None:
            return False
        return all(
            self.ledger.completed.get((learner.user_id, p.pk), at_.date()) < at_.date()
            for p in course.prerequisites.all()
        )

    def target(self, planned: PlannedSession) -> int:
        """How many places end up taken, by how far ahead the session is."""
        if planned.key in (FULL_WITH_OFFER, FULL_WITH_WAITING_LIST):
            return planned.session.capacity
        if not self.is_open(planned):
            return 0
        days = (planned.first_day - self.today).days
        low, high = (
            (0.7, 0.95)
            if days < 0
            else (0.55, 0.9)
            if days <= 30
            else (0.3, 0.65)
            if days <= 75
            else (0.1, 0.35)
        )
        return round(planned.session.capacity * self.rng.uniform(low, high))

    def candidates(self, planned: PlannedSession) -> list[Learner]:
        pool = [x for x in self.learners if is_intended_for(x, planned.spec)]
        return self.rng.sample(pool, k=len(pool))

    def fill(self, planned: PlannedSession, target: int, *, by: date | None = None) -> list[Entry]:
        """Book people until `target` places are taken, a mix of agencies, by the day given."""
        entries: list[Entry] = []
        share = organisation_share(planned.session.capacity, ORGANISATION_SHARE)
        limit = min(share, planned.organisation_limit or share)
        for learner in self.candidates(planned):
            if self.ledger.places_held(planned) >= target:
                break
            if self.ledger.organisation_places(planned, learner.organisation_id) >= limit:
                continue
            moment = self.booked_at(planned, learner, by=by)
            if not self.may_take(planned, learner, at_=moment):
                continue
            entries.append(self.book(planned, learner, moment))
        return entries

    def book(self, planned: PlannedSession, learner: Learner, moment: datetime) -> Entry:
        """A confirmed place, or on a course needing approval a request: answered a day or
        two later, or still waiting when it was made in the last fortnight."""
        booked_by = self.booked_by(learner)
        if not planned.session.course.requires_manager_approval:
            return self.ledger.book(
                planned, learner, status=BookingStatus.CONFIRMED, at=moment, booked_by_id=booked_by
            )
        if booked_by != learner.user_id:
            # Booked by their coordinator, who may decide for them: the booking is the approval.
            return self.ledger.book(
                planned,
                learner,
                status=BookingStatus.CONFIRMED,
                at=moment,
                booked_by_id=booked_by,
                decided_by_id=booked_by,
                decided_at=moment,
            )
        recent = (self.today - moment.date()).days <= 14 and not self.is_past(planned)
        if recent and self.rng.random() < STILL_WAITING_RATE:
            return self.ledger.book(
                planned,
                learner,
                status=BookingStatus.AWAITING_APPROVAL,
                at=moment,
                booked_by_id=booked_by,
            )
        decided = min(
            moment + timedelta(days=self.rng.randint(1, 2)), at(self.yesterday, time(17, 0))
        )
        return self.ledger.book(
            planned,
            learner,
            status=BookingStatus.CONFIRMED,
            at=moment,
            booked_by_id=booked_by,
            decided_at=max(decided, moment + timedelta(minutes=30)),
        )

    def waiting_list_add(
        self, planned: PlannedSession, count: int, *, days_ago: int
    ) -> list[Entry]:
        """People joining a full session's waiting list over the last few days."""
        added: list[Entry] = []
        for learner in self.candidates(planned):
            if len(added) == count:
                break
            moment = _when(self.today - timedelta(days=days_ago - len(added)), self.rng)
            if self.may_take(planned, learner, at_=moment):
                added.append(
                    self.ledger.waitlist(
                        planned, learner, at=moment, booked_by_id=self.booked_by(learner)
                    )
                )
        return added

    def free_cancellations(self, planned: PlannedSession) -> None:
        """Someone cancels in good time, more than a fortnight before."""
        if self.rng.random() >= FREE_CANCELLATION_RATE:
            return
        entries = [
            e
            for e in self.ledger.on(planned, BookingStatus.CONFIRMED)
            if e.learner.user_id not in self.cast
        ]
        if not entries:
            return
        entry = self.rng.choice(entries)
        latest = min(planned.first_day - timedelta(days=15), self.yesterday)
        earliest = entry.created_at.date() + timedelta(days=1)
        if latest < earliest:
            return
        day = earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))
        moment = max(_when(day, self.rng), entry.created_at + timedelta(hours=1))
        self.ledger.cancel(
            entry,
            at=moment,
            by_id=entry.booking.booked_by_id,
            reason=self.rng.choice(CANCELLATION_REASONS),
        )

    def register_mark(self, planned: PlannedSession) -> None:
        """The trainer marks everyone still booked: most attended, a few not."""
        trainer = planned.trainers[0].pk
        classroom = not s.RUNS[planned.spec.slug].is_online
        start = planned.starts_at
        cutoff = planned.session.course.late_arrival_cutoff_minutes
        for entry in self.ledger.on(planned, BookingStatus.CONFIRMED):
            roll = self.rng.random()
            user_id = entry.learner.user_id
            if roll < NO_SHOW_RATE and not self.ledger.no_show_near(user_id, planned.first_day):
                arrived = None
                if classroom and self.rng.random() < ARRIVED_LATE_RATE:
                    late = start + timedelta(minutes=cutoff + self.rng.randint(5, 40))
                    arrived = timezone.localtime(late).time()
                self.ledger.mark(
                    entry, status=BookingStatus.NO_SHOW, by_id=trainer, arrived_at=arrived
                )
            elif roll < NO_SHOW_RATE + PARTIAL_RATE:
                self.ledger.mark(entry, status=BookingStatus.PARTIALLY_ATTENDED, by_id=trainer)
            else:
                self.ledger.mark(entry, status=BookingStatus.ATTENDED, by_id=trainer)

    # The stories ------------------------------------------------------------------------

    def stories_before(self) -> dict[str, Callable[[PlannedSession], None]]:
        """Places the stories need, booked before anyone else's, and what happens after the
        session is filled, by session key."""
        ledger, rng = self.ledger, self.rng
        practitioner = self.demo(PRACTITIONER)
        manager = self.demo(MANAGER)
        coordinator = self.demo(COORDINATOR)
        health_visitor = self.demo(HEALTH_VISITOR)
        police = self.demo(POLICE)
        governor = self.demo(GOVERNOR, MembershipKind.GOVERNOR)
        clerk = self.demo(CLERK)
        for email in (PARTNERSHIP_TEAM, "trainer@demo.example", "editor@demo.example"):
            self.demo(email)
        nurse = self.first(orgs.HOSPITAL, "Staff nurse")
        detective = self.first(orgs.MET_POLICE, "Detective constable")
        teacher = self.first("ladywell-fields-primary", "Teacher")
        gp = self.first("catford-broadway-medical", "GP")
        team = self.team_of(manager)
        key = self.by_key
        confirmed = BookingStatus.CONFIRMED

        def booked(
            planned: PlannedSession,
            learner: Learner,
            *,
            before: int = 0,
            ago: int = 0,
            booked_by_id: int | None = None,
            decided_by_id: int | None = None,
        ) -> Entry:
            """A confirmed place, booked `before` days before a past session or `ago` days
            before today for one ahead; approved the next morning when the course needs it."""
            day = (
                planned.first_day - timedelta(days=before)
                if before
                else self.today - timedelta(days=ago)
            )
            moment = _when(day, rng, latest=16)
            opens = planned.session.booking_opens_at
            if opens is not None and moment < opens:
                moment = opens + timedelta(hours=2)
            approval = planned.session.course.requires_manager_approval
            return ledger.book(
                planned,
                learner,
                status=confirmed,
                at=moment,
                booked_by_id=booked_by_id,
                decided_by_id=decided_by_id,
                decided_at=moment + timedelta(hours=18) if approval else None,
            )

        stories_after: dict[str, Callable[[PlannedSession], None]] = {}
        # In the past. Most marks come from the register; these must come out a certain way.
        first = booked(key[HOLD_FIRST_NO_SHOW], nurse, before=30)
        second = booked(key[HOLD_SECOND_NO_SHOW], nurse, before=30)
        gp_entry = booked(
            key[LATE_CANCELLED_BY_GP],
            gp,
            before=40,
            booked_by_id=self.coordinators[gp.organisation_id],
        )
        teacher_entry = booked(key[LATE_CANCELLED_BY_TEACHER], teacher, before=28)
        attended_entries = [
            booked(key[PRACTITIONER_ATTENDED], practitioner, before=35),
            booked(key[POLICE_ATTENDED], police, before=26),
            booked(key[MANAGER_ATTENDED], manager, before=30),
            booked(key[COORDINATOR_ATTENDED], coordinator, before=20),
            booked(key[LATE_CANCELLED_BY_GP], health_visitor, before=33),
        ]
        waived = booked(key[CHARGE_WAIVED], detective, before=24)
        expired = ledger.book(
            key[CHARGE_WAIVED],
            team[4],
            status=BookingStatus.AWAITING_APPROVAL,
            at=_when(key[CHARGE_WAIVED].first_day - timedelta(days=12), rng),
        )
        ledger.expire(expired)

        def marked_specially(planned: PlannedSession) -> None:
            trainer = planned.trainers[0].pk
            for entry in (first, second, waived):
                if entry.planned is planned:
                    ledger.mark(entry, status=BookingStatus.NO_SHOW, by_id=trainer)
            if waived.planned is planned:
                assert waived.booking.attendance_marked_at is not None
                ledger.charge_waive(
                    waived,
                    at=waived.booking.attendance_marked_at + timedelta(days=2, hours=1),
                    by_id=self.partnership_team.pk,
                    reason=WAIVED_REASON,
                )
            for entry in attended_entries:
                if entry.planned is planned:
                    ledger.mark(entry, status=BookingStatus.ATTENDED, by_id=trainer)
            for entry, reason in (
                (gp_entry, LATE_REASON_GP),
                (teacher_entry, LATE_REASON_TEACHER),
            ):
                if entry.planned is planned:
                    day_before = planned.first_day - timedelta(days=1)
                    ledger.cancel(
                        entry,
                        at=_when(day_before, rng, earliest=15),
                        by_id=entry.booking.booked_by_id,
                        reason=reason,
                    )

        for story in (
            HOLD_FIRST_NO_SHOW,
            HOLD_SECOND_NO_SHOW,
            LATE_CANCELLED_BY_GP,
            LATE_CANCELLED_BY_TEACHER,
            PRACTITIONER_ATTENDED,
            POLICE_ATTENDED,
            MANAGER_ATTENDED,
            COORDINATOR_ATTENDED,
            CHARGE_WAIVED,
        ):
            stories_after[story] = marked_specially

        # Ahead: the demo accounts' own bookings, and the manager's team's requests.
        booked(key[GOVERNOR_BOOKED], governor, ago=4, booked_by_id=clerk.user_id)
        booked(key[FULL_WITH_OFFER], health_visitor, ago=11)
        booked(key[PRACTITIONER_BOOKED], practitioner, ago=7)
        booked(key[BOOKED_BY_COORDINATOR], practitioner, ago=5, booked_by_id=coordinator.user_id)
        booked(key[MANAGER_BOOKED], manager, ago=4)
        neglect = key[TEAM_REQUESTS]
        booked(neglect, police, ago=4)
        booked(neglect, team[-1], ago=14, decided_by_id=manager.user_id)
        for n, learner in enumerate(team[:3]):
            ledger.book(
                neglect,
                learner,
                status=BookingStatus.AWAITING_APPROVAL,
                at=_when(self.today - timedelta(days=2 + 2 * n), rng),
            )
        request = ledger.book(
            neglect,
            team[3],
            status=BookingStatus.AWAITING_APPROVAL,
            at=_when(self.today - timedelta(days=15), rng, latest=16),
        )
        ledger.decline(
            request, at=request.created_at + timedelta(days=1, hours=2), reason=DECLINED_REASON
        )

        def practitioner_request(planned: PlannedSession) -> None:
            # Made once Working Together, the course's prerequisite, is on her record.
            ledger.book(
                planned,
                practitioner,
                status=BookingStatus.AWAITING_APPROVAL,
                at=_when(self.today - timedelta(days=3), rng),
            )

        self.before_fill[PRACTITIONER_REQUEST] = practitioner_request

        def offer_after_cancellation(planned: PlannedSession) -> None:
            waiting = self.waiting_list_add(planned, 4, days_ago=6)
            leaving = next(
                e
                for e in reversed(ledger.on(planned, BookingStatus.CONFIRMED))
                if e.learner.user_id not in self.cast
            )
            cancelled_at = at(self.yesterday, time(16, 0))
            ledger.cancel(
                leaving,
                at=cancelled_at,
                by_id=leaving.learner.user_id,
                reason="Annual leave was approved for that week.",
            )
            ledger.offer(waiting[0], at=cancelled_at + timedelta(minutes=2))

        def waiting_list_with_practitioner(planned: PlannedSession) -> None:
            self.waiting_list_add(planned, 2, days_ago=9)
            ledger.waitlist(planned, practitioner, at=_when(self.today - timedelta(days=5), rng))
            self.waiting_list_add(planned, 3, days_ago=4)

        def cancelled(planned: PlannedSession) -> None:
            ledger.session_cancel(
                planned,
                at=at(self.today - timedelta(days=2), time(10, 30)),
                by_id=self.partnership_team.pk,
                reason=SESSION_CANCELLED_REASON,
            )

        def place_passed_on(planned: PlannedSession) -> None:
            # Someone cannot go after all and gives their place to a colleague, free.
            moment = _when(self.today - timedelta(days=3), rng)
            for entry in ledger.on(planned, BookingStatus.CONFIRMED):
                colleague = next(
                    (
                        x
                        for x in self.candidates(planned)
                        if x.organisation_id == entry.learner.organisation_id
                        and x.user_id != entry.learner.user_id
                        and self.may_take(planned, x, at_=moment)
                    ),
                    None,
                )
                if (
                    colleague is not None
                    and entry.learner.user_id not in self.cast
                    and entry.created_at < moment
                ):
                    ledger.substitute(entry, colleague, at=moment, by_id=entry.learner.user_id)
                    return

        stories_after[FULL_WITH_OFFER] = offer_after_cancellation
        stories_after[SUBSTITUTED] = place_passed_on
        stories_after[FULL_WITH_WAITING_LIST] = waiting_list_with_practitioner
        stories_after[SESSION_CANCELLED] = cancelled
        return stories_after

    # All of it --------------------------------------------------------------------------

    def build(self) -> None:
        self.sessions_create()
        stories_after = self.stories_before()
        for planned in self.sessions:
            if planned.key in self.before_fill:
                self.before_fill[planned.key](planned)
            # A full session's places went before its waiting list began; a cancelled
            # session's before it was cancelled.
            by = {
                FULL_WITH_OFFER: self.today - timedelta(days=10),
                FULL_WITH_WAITING_LIST: self.today - timedelta(days=10),
                SESSION_CANCELLED: self.today - timedelta(days=3),
            }.get(planned.key)
            self.fill(planned, self.target(planned), by=by)
            story = stories_after.get(planned.key)
            if planned.key not in (
                FULL_WITH_OFFER,
                FULL_WITH_WAITING_LIST,
                SESSION_CANCELLED,
                SUBSTITUTED,
            ):
                self.free_cancellations(planned)
            if story is not None:
                story(planned)
            if self.is_past(planned) and planned.key != REGISTER_TO_MARK:
                self.register_mark(planned)
        self.ledger.write()
        past = sum(self.is_past(p) for p in self.sessions)
        self.log(
            f"Training programme: {len(self.sessions)} sessions ({past} past), "
            f"{len(self.ledger.entries)} bookings"
        )


def training_programme_seed(seed: DemoSeed) -> None:
    """The programme's sessions and bookings, made once (see the module's docstring)."""
    if Session.objects.filter(course__slug__in=list(PLANS)).exists():
        seed.log("Training programme: already there")
        return
    _Programme(seed, seed.rng("training programme")).build()
