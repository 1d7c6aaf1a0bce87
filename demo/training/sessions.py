"""How each course runs: its times, venues or online meeting, capacity, trainers and agency
mix, and the sessions built from that on a given day.

Classroom courses run in the council's buildings in Catford and Deptford; online sessions
have a joining link on a reserved `.example` domain. The level 3 multi-agency courses share
their places out: no organisation may hold more than 30% of them until two weeks before,
so a joint course is really joint (DOMAIN.md: "the point of joint training is a real mix of
agencies in the room").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from accounts.models import User
from demo.training import courses as c
from demo.training import trainers as t
from demo.training.dates import at
from training.models import Course, Session, SessionPart

# Booking opens about four months ahead, when the next term's programme is published.
BOOKING_OPENS_DAYS_BEFORE = 120
# Until this long before a session, the agency-mix rule holds places for other agencies.
MIX_RELEASE_BEFORE = timedelta(days=14)
MIX_MAX_PERCENT = 30


@dataclass(frozen=True)
class Venue:
    address: str
    directions: str

    @property
    def text(self) -> str:
        return f"{self.address}\n{self.directions}"


LAURENCE_HOUSE = Venue(
    "Laurence House, 1 Catford Road, London SE6 4RU",
    "Training Room 2, ground floor. Step-free entrance on Catford Road; Catford and Catford "
    "Bridge stations are a few minutes' walk away. Please sign in at reception.",
)
CIVIC_SUITE = Venue(
    "Civic Suite, Catford Road, London SE6 4RU",
    "Committee Rooms 1 and 2, next to Lewisham Town Hall. Step-free access by the main "
    "entrance; there is no parking on site.",
)
DEPTFORD_LOUNGE = Venue(
    "Deptford Lounge, 9 Giffin Street, London SE8 4RJ",
    "Meeting Room 3, first floor (lift available). Deptford station is a five-minute walk.",
)
JOINING_LINK = "https://meet.lewisham-scp.example/j/{meeting}"
JOINING_DETAILS = (
    "Meeting ID {meeting_id}, passcode {passcode}. Join from somewhere private, with your "
    "camera on: we discuss case material."
)


@dataclass(frozen=True)
class CourseRuns:
    """How a course's sessions run. No venues means online; `days` parts run a week apart."""

    starts: time
    ends: time
    capacity: int
    minimum_numbers: int
    trainers: tuple[str, ...]
    venues: tuple[Venue, ...] = ()
    days: int = 1
    mix_max_percent: int | None = None

    @property
    def is_online(self) -> bool:
        return not self.venues


FULL_DAY = (time(9, 30), time(16, 0))
MORNING = (time(9, 30), time(12, 30))
AFTERNOON = (time(13, 30), time(16, 30))
EVENING = (time(18, 0), time(20, 30))

RUNS = {
    c.WORKING_TOGETHER: CourseRuns(
        *FULL_DAY,
        capacity=24,
        minimum_numbers=10,
        trainers=(t.PARTNERSHIP_TRAINER, t.CONFERENCE_CHAIR),
        venues=(LAURENCE_HOUSE, CIVIC_SUITE),
    ),
    c.NEGLECT: CourseRuns(
        *FULL_DAY,
        capacity=24,
        minimum_numbers=10,
        trainers=(t.PARTNERSHIP_TRAINER, t.NAMED_NURSE),
        venues=(LAURENCE_HOUSE,),
        mix_max_percent=MIX_MAX_PERCENT,
    ),
    c.DOMESTIC_ABUSE: CourseRuns(
        *FULL_DAY,
        capacity=30,
        minimum_numbers=12,
        trainers=(t.NAMED_MIDWIFE, t.DETECTIVE_SERGEANT),
        venues=(CIVIC_SUITE,),
        mix_max_percent=MIX_MAX_PERCENT,
    ),
    c.CP_CONFERENCES: CourseRuns(
        *FULL_DAY,
        capacity=20,
        minimum_numbers=8,
        trainers=(t.CONFERENCE_CHAIR,),
        venues=(LAURENCE_HOUSE,),
    ),
    c.INFORMATION_SHARING: CourseRuns(
        *MORNING,
        capacity=40,
        minimum_numbers=10,
        trainers=(t.PARTNERSHIP_TRAINER, t.HEALTH_ADVISER),
    ),
    c.DSL_NEW_TO_ROLE: CourseRuns(
        *FULL_DAY,
        capacity=16,
        minimum_numbers=6,
        trainers=(t.SCHOOL_DSL, t.PARTNERSHIP_TRAINER),
        venues=(DEPTFORD_LOUNGE,),
        days=2,
    ),
    c.GOVERNORS: CourseRuns(
        *EVENING,
        capacity=30,
        minimum_numbers=8,
        trainers=(t.PARTNERSHIP_TRAINER,),
    ),
    c.SAFER_RECRUITMENT: CourseRuns(
        *FULL_DAY,
        capacity=20,
        minimum_numbers=8,
        trainers=(t.HEADTEACHER,),
        venues=(DEPTFORD_LOUNGE,),
    ),
    c.CONTEXTUAL_SAFEGUARDING: CourseRuns(
        *FULL_DAY,
        capacity=30,
        minimum_numbers=12,
        trainers=(t.DETECTIVE_SERGEANT, t.PARTNERSHIP_TRAINER),
        venues=(CIVIC_SUITE,),
        mix_max_percent=MIX_MAX_PERCENT,
    ),
    c.CHILD_SEXUAL_ABUSE: CourseRuns(
        *FULL_DAY,
        capacity=24,
        minimum_numbers=10,
        trainers=(t.NAMED_NURSE, t.DETECTIVE_SERGEANT),
        venues=(LAURENCE_HOUSE, DEPTFORD_LOUNGE),
    ),
    c.PRACTICE_REVIEWS: CourseRuns(
        *AFTERNOON,
        capacity=40,
        minimum_numbers=10,
        trainers=(t.PARTNERSHIP_TRAINER, t.HEALTH_ADVISER),
    ),
}


def session_build(
    *,
    course: Course,
    day: date,
    rng: random.Random,
    opens_booking: bool = True,
    venue_index: int = 0,
) -> tuple[Session, list[SessionPart]]:
    """An unsaved session of the course on `day` (and a week later for each further day),
    with its parts. The caller saves both and adds the trainers."""
    runs = RUNS[course.slug]
    parts = [
        SessionPart(
            starts_at=at(day + timedelta(weeks=n), runs.starts),
            ends_at=at(day + timedelta(weeks=n), runs.ends),
        )
        for n in range(runs.days)
    ]
    session = Session(
        course=course,
        starts_at=parts[0].starts_at,
        ends_at=parts[-1].ends_at,
        capacity=runs.capacity,
        minimum_numbers=runs.minimum_numbers,
        booking_opens_at=(
            at(day - timedelta(days=BOOKING_OPENS_DAYS_BEFORE), time(9, 0))
            if opens_booking
            else None
        ),
    )
    if runs.is_online:
        meeting = rng.randint(100_000_000, 999_999_999)
        meeting_id = f"{meeting // 1_000_000} {meeting // 1000 % 1000:03d} {meeting % 1000:03d}"
        session.joining_link = JOINING_LINK.format(meeting=meeting)
        session.joining_details = JOINING_DETAILS.format(
            meeting_id=meeting_id, passcode=rng.randint(100_000, 999_999)
        )
    else:
        session.venue = runs.venues[venue_index % len(runs.venues)].text
    if runs.mix_max_percent is not None:
        session.mix_max_percent = runs.mix_max_percent
        session.mix_release_at = parts[0].starts_at - MIX_RELEASE_BEFORE
    return session, parts


def session_trainers(course: Course, trainers: dict[str, User]) -> list[User]:
    """Who runs the course's sessions, lead trainer first."""
    return [trainers[key] for key in RUNS[course.slug].trainers]
