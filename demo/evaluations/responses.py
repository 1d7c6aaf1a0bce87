"""The invitations the evaluation steps would have asked by now, and the answers to them.

Asked as the sweeps ask them (`evaluations.selectors.invitations`): "before" when a place is
confirmed, closing after the course's open days or when the session starts; "straight after"
when the register marks someone as attended (or partially attended: their view counts, though
they get no certificate); the follow-up the course's number of weeks after the session ended,
with the learner's line manager asked to add to it. Each is reminded once, after the reminder
days, if the learner (or the manager) has not answered by then. Everything that would have been
asked by the seeding day is recorded with its reminder, so the sweeps send nothing twice; what
is still open stays open.

Answers follow each course's profile (`content.toml`): a person's confidence on an outcome
starts near the course's mean, rises straight after by the course's gain (more on some
outcomes than others) and has faded a little by the follow-up. Fewer answer the follow-up.
Free-text answers in one session are never the same twice.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from demo.evaluations.bank import AskedQuestion
from demo.evaluations.content import CONTENT, Content, CourseAnswers
from demo.organisations.accounts import DEMO_EMAIL_DOMAIN
from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, CourseEvaluation, Invitation
from training.enums import BookingStatus
from training.models import Booking

BATCH_SIZE = 1000
# The sweep that asks runs every few minutes.
ASKED_AFTER = timedelta(minutes=4)
# Places confirmed (or once confirmed and then marked) are asked the "before" step.
CONFIRMED_STATUSES = frozenset(
    {
        BookingStatus.CONFIRMED,
        BookingStatus.ATTENDED,
        BookingStatus.PARTIALLY_ATTENDED,
        BookingStatus.NO_SHOW,
    }
)
# Those the register says were trained are asked straight after and at follow-up.
TRAINED_STATUSES = frozenset({BookingStatus.ATTENDED, BookingStatus.PARTIALLY_ATTENDED})
# How many of those who answer write something in each free-text question.
WRITES = {"hopes": 0.35, "differently": 0.55, "improve": 0.25, "changed": 0.6}
# Of those who write what they will do differently, some add what comes next.
ADDS_NEXT_STEP = 0.3
# Of line managers asked at follow-up, how many add a comment once their report has answered.
MANAGER_ANSWERS = 0.5
USED_AT_WORK, SHARED_WITH_COLLEAGUES = 0.8, 0.6
# Compared with the course's follow-up rate, how likely someone who did not answer straight
# after is to answer the follow-up.
FOLLOW_UP_WITHOUT_AFTER = 0.15
# The demo trainer's smallest past session with follow-ups asked has at most this many back,
# so the results say there are too few to show.
FEW_RESPONSES = 3


@dataclass(frozen=True)
class BookingFacts:
    pk: int
    status: str
    email: str
    manager_id: int | None
    session_id: int
    course_id: int
    starts_at: datetime
    ends_at: datetime
    confirmed_at: datetime
    marked_at: datetime | None


@dataclass
class Counts:
    asked: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    answers: int = 0
    manager_comments: int = 0


class _History:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: datetime,
        content: Content,
        evaluations: dict[int, CourseEvaluation],
        profiles: dict[int, CourseAnswers],
        asked: dict[tuple[int, str], list[AskedQuestion]],
        still_open: set[int],
        few_session_id: int | None,
    ) -> None:
        self.rng, self.now, self.content = rng, now, content
        self.evaluations, self.profiles, self.asked = evaluations, profiles, asked
        self.still_open = still_open
        self.few_session_id = few_session_id
        self.invitations: list[Invitation] = []
        self.facts: list[BookingFacts] = []
        self._offsets: dict[int, float] = {}
        self._noise: dict[tuple[int, str], float] = {}
        self._lift: dict[tuple[int, str], float] = {}
        self._written: set[tuple[int, str, str]] = set()
        self._answered_after: set[int] = set()

    # Asking -----------------------------------------------------------------------------

    def ask(self, booking: BookingFacts) -> None:
        evaluation = self.evaluations[booking.course_id]
        open_for = timedelta(days=evaluation.open_days)
        if evaluation.uses_before and booking.status in CONFIRMED_STATUSES:
            asked = booking.confirmed_at + ASKED_AFTER
            closes = min(asked + open_for, booking.starts_at)
            if asked < closes and asked <= self.now:
                self._invite(booking, Step.BEFORE, asked, closes)
        if booking.status not in TRAINED_STATUSES or booking.marked_at is None:
            return
        if evaluation.uses_after:
            asked = booking.marked_at + ASKED_AFTER
            if asked <= self.now:
                self._invite(booking, Step.AFTER, asked, asked + open_for)
        if evaluation.uses_follow_up:
            asked = (
                follow_up_due_at(ends_at=booking.ends_at, weeks=evaluation.follow_up_weeks)
                + ASKED_AFTER
            )
            if asked <= self.now:
                self._invite(booking, Step.FOLLOW_UP, asked, asked + open_for)

    def _invite(self, booking: BookingFacts, step: Step, asked: datetime, closes: datetime) -> None:
        evaluation = self.evaluations[booking.course_id]
        is_demo_account = _is_demo_account(booking)
        left_open = step == Step.AFTER and booking.pk in self.still_open
        done = None
        if not left_open:
            done = self._answered_at(
                asked=asked,
                closes=closes,
                rate=self._rate(booking, step),
                always=is_demo_account,
                open_days=evaluation.open_days,
            )
        if step == Step.AFTER and done is not None:
            self._answered_after.add(booking.pk)
        invitation = Invitation(
            booking_id=booking.pk,
            step=step,
            asked_at=asked,
            closes_at=closes,
            completed_at=done,
        )
        if step == Step.FOLLOW_UP and evaluation.asks_manager_at_follow_up:
            invitation.manager_id = booking.manager_id
        self.invitations.append(invitation)
        self.facts.append(booking)

    def _rate(self, booking: BookingFacts, step: Step) -> float:
        """How likely they are to answer. Those who answered straight after are the ones who
        answer the follow-up; few of the others do."""
        rates = self.profiles[booking.course_id].rates
        if step != Step.FOLLOW_UP or not rates[Step.AFTER]:
            return rates[step]
        if booking.pk in self._answered_after:
            return min(0.95, rates[Step.FOLLOW_UP] / rates[Step.AFTER])
        return rates[Step.FOLLOW_UP] * FOLLOW_UP_WITHOUT_AFTER

    def _answered_at(
        self, *, asked: datetime, closes: datetime, rate: float, always: bool, open_days: int
    ) -> datetime | None:
        """When they answered: most the same day, some within the week, a few after the
        reminder; None if they did not, or not yet."""
        if not always and self.rng.random() >= rate:
            return None
        roll = self.rng.random()
        if always or roll < 0.55:
            delay = timedelta(hours=self.rng.uniform(0.3, 20))
        elif roll < 0.85:
            delay = timedelta(days=self.rng.uniform(1, 7))
        else:
            delay = timedelta(days=self.rng.uniform(7, open_days))
        done = asked + delay
        if done >= closes or done >= self.now:
            return None
        return done

    def few_responses(self) -> None:
        """The trainer's small session: only the first few follow-ups came back."""
        follow_ups = [
            (invitation, booking)
            for invitation, booking in zip(self.invitations, self.facts, strict=True)
            if booking.session_id == self.few_session_id
            and invitation.step == Step.FOLLOW_UP
            and invitation.completed_at is not None
        ]
        for invitation, booking in follow_ups[FEW_RESPONSES:]:
            if not _is_demo_account(booking):
                invitation.completed_at = None

    def reminders(self) -> None:
        """The one reminder, where the week passed with the learner, or the manager asked,
        still to answer and the step still open."""
        for invitation, booking in zip(self.invitations, self.facts, strict=True):
            reminder = invitation.asked_at + timedelta(
                days=self.evaluations[booking.course_id].reminder_days
            )
            if reminder >= invitation.closes_at or reminder > self.now:
                continue
            learner_waited = invitation.completed_at is None or invitation.completed_at > reminder
            manager_waited = invitation.manager_id is not None and (
                invitation.manager_completed_at is None
                or invitation.manager_completed_at > reminder
            )
            if learner_waited or manager_waited:
                invitation.reminded_at = reminder

    def managers(self) -> None:
        """Some line managers add what has changed, after their report has answered."""
        for invitation, booking in zip(self.invitations, self.facts, strict=True):
            if invitation.manager_id is None or invitation.completed_at is None:
                continue
            # The demo accounts' managers always do, so their stories show it.
            if self.rng.random() >= MANAGER_ANSWERS and not _is_demo_account(booking):
                continue
            done = invitation.completed_at + timedelta(days=self.rng.uniform(0.5, 6))
            if done >= invitation.closes_at or done >= self.now:
                continue
            comment = self._unused(booking.session_id, "manager", self.content.manager)
            if comment:
                invitation.manager_completed_at = done
                invitation.manager_comment = comment

    # Answering --------------------------------------------------------------------------

    def answers(self) -> list[Answer]:
        answers: list[Answer] = []
        for invitation, booking in zip(self.invitations, self.facts, strict=True):
            if invitation.completed_at is None:
                continue
            profile = self.profiles[booking.course_id]
            for question in self.asked.get((booking.course_id, invitation.step), []):
                answer = self._answer(invitation, booking, profile, question)
                if answer is not None:
                    answers.append(answer)
        return answers

    def _answer(
        self,
        invitation: Invitation,
        booking: BookingFacts,
        profile: CourseAnswers,
        question: AskedQuestion,
    ) -> Answer | None:
        answer = Answer(invitation=invitation, question_id=question.question_id)
        if question.kind == QuestionKind.RATING and question.outcome:
            answer.rating = self._confidence(booking, profile, question.outcome, invitation.step)
        elif question.kind == QuestionKind.RATING:
            value = profile.overall + 0.3 * self._offset(booking.pk) + self.rng.gauss(0, 0.6)
            answer.rating = max(1, min(5, round(value)))
        elif question.kind == QuestionKind.YES_NO:
            answer.yes_no = self.rng.random() < self._yes(question.key, profile)
        else:
            text = self._free_text(booking, profile, question.key)
            if not text:
                return None
            answer.text = text
        return answer

    def _yes(self, key: str, profile: CourseAnswers) -> float:
        if key == "used":
            return USED_AT_WORK
        if key == "shared":
            return SHARED_WITH_COLLEAGUES
        return min(0.97, profile.overall / 5 + 0.05)

    def _free_text(self, booking: BookingFacts, profile: CourseAnswers, key: str) -> str:
        if self.rng.random() >= WRITES.get(key, 0.3):
            return ""
        pool = {
            "hopes": self.content.hopes,
            "differently": profile.differently,
            "improve": self.content.improve,
            "changed": profile.changed,
        }.get(key, ())
        text = self._unused(booking.session_id, key, pool)
        if text and key == "differently" and self.rng.random() < ADDS_NEXT_STEP:
            text = f"{text} {self.rng.choice(self.content.next_steps)}"
        return text

    def _unused(self, session_id: int, key: str, pool: tuple[str, ...]) -> str:
        left = [text for text in pool if (session_id, key, text) not in self._written]
        if not left:
            return ""
        text = self.rng.choice(left)
        self._written.add((session_id, key, text))
        return text

    def _offset(self, booking_id: int) -> float:
        """How confident this person is, compared with others on the course."""
        if booking_id not in self._offsets:
            self._offsets[booking_id] = self.rng.gauss(0, 0.4)
        return self._offsets[booking_id]

    def _confidence(
        self, booking: BookingFacts, profile: CourseAnswers, outcome: str, step: str
    ) -> int:
        confidence = profile.confidence
        key = (booking.course_id, outcome)
        if key not in self._lift:
            # Some outcomes move more than others.
            self._lift[key] = self.rng.uniform(0.75, 1.25)
        own = (booking.pk, outcome)
        if own not in self._noise:
            self._noise[own] = self.rng.gauss(0, 0.4)
        lift = {
            Step.BEFORE: 0.0,
            Step.AFTER: confidence.gain,
            Step.FOLLOW_UP: confidence.gain - confidence.fade,
        }[Step(step)] * self._lift[key]
        value = (
            confidence.before
            + self._offset(booking.pk)
            + self._noise[own]
            + lift
            + self.rng.gauss(0, 0.25)
        )
        return max(1, min(5, round(value)))


def follow_up_due_at(*, ends_at: datetime, weeks: int) -> datetime:
    """When the follow-up is due, as the sweep works it out."""
    return ends_at + timedelta(weeks=weeks)


def _is_demo_account(booking: BookingFacts) -> bool:
    return booking.email.endswith(f"@{DEMO_EMAIL_DOMAIN}")


def bookings_load(course_ids: list[int]) -> list[BookingFacts]:
    """The demo courses' bookings that any step could ask, in the order they happened."""
    rows = (
        Booking.objects.filter(session__course_id__in=course_ids, status__in=CONFIRMED_STATUSES)
        .order_by("session__starts_at", "pk")
        .values_list(
            "pk",
            "status",
            "user__email",
            "attendee__line_manager__user_id",
            "session_id",
            "session__course_id",
            "session__starts_at",
            "session__ends_at",
            "created_at",
            "decided_at",
            "attendance_marked_at",
        )
    )
    return [
        BookingFacts(
            pk=pk,
            status=status,
            email=email,
            manager_id=manager_id,
            session_id=session_id,
            course_id=course_id,
            starts_at=starts_at,
            ends_at=ends_at,
            # A place that needed approval was confirmed when the manager approved it.
            confirmed_at=max(created_at, decided_at) if decided_at else created_at,
            marked_at=marked_at,
        )
        for (
            pk,
            status,
            email,
            manager_id,
            session_id,
            course_id,
            starts_at,
            ends_at,
            created_at,
            decided_at,
            marked_at,
        ) in rows
        # Sessions always have their times once their parts are saved.
        if starts_at is not None and ends_at is not None
    ]


def evaluation_responses_seed(
    *,
    rng: random.Random,
    now: datetime,
    still_open: set[int],
    few_session_id: int | None,
    content: Content = CONTENT,
    asked: dict[tuple[int, str], list[AskedQuestion]],
) -> Counts:
    """Ask and answer every step due by `now` for the demo courses' bookings; `still_open`
    are bookings whose "straight after" step is left to answer."""
    evaluations = {
        evaluation.course_id: evaluation
        for evaluation in CourseEvaluation.objects.filter(
            course__slug__in=[c.slug for c in content.courses]
        ).select_related("course")
    }
    profiles = {
        course_id: content.course(evaluation.course.slug)
        for course_id, evaluation in evaluations.items()
    }
    history = _History(
        rng=rng,
        now=now,
        content=content,
        evaluations=evaluations,
        profiles=profiles,
        asked=asked,
        still_open=still_open,
        few_session_id=few_session_id,
    )
    for booking in bookings_load(list(evaluations)):
        history.ask(booking)
    history.few_responses()
    history.managers()
    history.reminders()
    Invitation.objects.bulk_create(history.invitations, batch_size=BATCH_SIZE)
    answers = history.answers()
    Answer.objects.bulk_create(answers, batch_size=BATCH_SIZE)
    counts = Counts(answers=len(answers))
    for invitation in history.invitations:
        counts.asked[invitation.step] += 1
        if invitation.completed_at is not None:
            counts.answered[invitation.step] += 1
        if invitation.manager_completed_at is not None:
            counts.manager_comments += 1
    return counts
