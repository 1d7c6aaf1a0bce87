"""The demo's evaluations: the question bank, each course's evaluation, and the invitations
and answers of past sessions (`demo.evaluations`).

They are written with bulk inserts rather than through the answering services, so these tests
hold them to the rules the services keep (when each step is asked, reminded and closes, who is
asked, answers only to the step's questions), then to the stories: confidence that rises and
differs by course, fewer answers at follow-up, the practitioner's evaluation to complete, the
trainer's results either side of the threshold, and certificates only for those who answered.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import time, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, Q
from django.utils import timezone

from certificates.models import Certificate
from certificates.services.issuing import certificate_issue_for_booking
from demo.evaluations.bank import course_outcomes, outcome_phrase
from demo.evaluations.responses import ASKED_AFTER, CONFIRMED_STATUSES, TRAINED_STATUSES
from demo.training.dates import at
from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, CourseEvaluation, CourseQuestion, Invitation, Question
from evaluations.selectors.invitations import invitations_due, invitations_due_reminder
from training.enums import BookingStatus
from training.models import Booking, Course, Session, TrainingRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_evaluations")]

PRACTITIONER = "practitioner@demo.example"
TRAINER = "trainer@demo.example"
THRESHOLD = 5


@pytest.fixture(scope="module")
def demo_evaluations(demo_seeded: None) -> None:
    """The whole demo, seeded once for every module in tests/demo (tests/demo/conftest.py)."""


@pytest.fixture(autouse=True)
def _private_media_where_seeded(settings: pytest.FixtureRequest, demo_private_media: Path) -> None:
    settings.PRIVATE_MEDIA_ROOT = demo_private_media


def _completed(step: str) -> Q:
    return Q(evaluation_invitations__step=step, evaluation_invitations__completed_at__isnull=False)


# The bank and the evaluations ------------------------------------------------------------------


def test_every_course_rates_confidence_on_each_of_its_outcomes_at_each_step() -> None:
    courses = Course.objects.all()
    assert courses.count() == CourseEvaluation.objects.count() == 12
    for course in courses:
        evaluation = CourseEvaluation.objects.get(course=course)
        assert evaluation.uses_after
        outcomes = {outcome_phrase(o) for o in course_outcomes(course)}
        for step in Step:
            rated = set(
                CourseQuestion.objects.filter(
                    evaluation=evaluation, step=step, question__kind=QuestionKind.RATING
                )
                .exclude(question__learning_outcome="")
                .values_list("question__learning_outcome", flat=True)
            )
            assert rated == (outcomes if evaluation.uses(step) else set()), (course, step)
        if evaluation.uses_follow_up:
            assert evaluation.follow_up_weeks in {6, 8}
            assert evaluation.asks_manager_at_follow_up


def test_some_certificates_wait_for_the_straight_after_step_and_some_do_not() -> None:
    waits = Counter(CourseEvaluation.objects.values_list("certificate_waits_for_after", flat=True))
    assert waits[True] >= 4
    assert waits[False] >= 2
    steps = Counter(
        (e.uses_before, e.uses_after, e.uses_follow_up) for e in CourseEvaluation.objects.all()
    )
    assert steps[(True, True, True)] >= 8
    assert len(steps) >= 2


def test_the_bank_has_ratings_yes_no_and_free_text_with_the_warning() -> None:
    kinds = Counter(Question.objects.values_list("kind", flat=True))
    assert kinds[QuestionKind.RATING] >= 40
    assert kinds[QuestionKind.YES_NO] >= 3
    assert kinds[QuestionKind.FREE_TEXT] >= 3
    for question in Question.objects.filter(kind=QuestionKind.RATING):
        question.full_clean()
        assert question.scale_max == 5
    practice = Question.objects.get(text__startswith="What will you do differently")
    assert "child or family" in practice.hint
    assert (
        not CourseQuestion.objects.values("evaluation", "step", "question")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


# The rules the sweeps keep ---------------------------------------------------------------------


def test_each_step_is_asked_when_the_rules_ask_it() -> None:
    """Before: once the place is confirmed, closing by the start. After: once the register
    says attended (or partly). Follow-up: the course's weeks after it ended, with the manager;
    the one reminder while someone is still to answer."""
    now = timezone.now()
    weeks = dict(CourseEvaluation.objects.values_list("course_id", "follow_up_weeks"))
    invitations = Invitation.objects.select_related(
        "booking__session", "booking__attendee__line_manager"
    )
    assert invitations.count() > 1000
    for invitation in invitations:
        booking, session = invitation.booking, invitation.booking.session
        assert session.starts_at is not None
        assert session.ends_at is not None
        assert booking.created_at < invitation.asked_at <= now
        assert invitation.asked_at < invitation.closes_at
        if invitation.step == Step.BEFORE:
            assert booking.status in CONFIRMED_STATUSES
            assert invitation.closes_at <= session.starts_at
        else:
            assert booking.status in TRAINED_STATUSES
            assert booking.attendance_marked_at is not None
            assert invitation.asked_at > booking.attendance_marked_at > session.ends_at
        if invitation.step == Step.FOLLOW_UP:
            due = session.ends_at + timedelta(weeks=weeks[session.course_id])
            assert invitation.asked_at == due + ASKED_AFTER
            line_manager = booking.attendee.line_manager
            assert invitation.manager_id == (line_manager.user_id if line_manager else None)
        else:
            assert invitation.manager_id is None
            assert not invitation.manager_comment
        if invitation.completed_at is not None:
            assert invitation.asked_at < invitation.completed_at < invitation.closes_at
            assert invitation.completed_at < now
        if invitation.reminded_at is not None:
            assert invitation.asked_at < invitation.reminded_at < invitation.closes_at
            assert invitation.reminded_at <= now
            reminded = invitation.reminded_at
            learner_waited = invitation.completed_at is None or invitation.completed_at > reminded
            manager_waited = invitation.manager_id is not None and (
                invitation.manager_completed_at is None
                or invitation.manager_completed_at > reminded
            )
            assert learner_waited or manager_waited
        if invitation.manager_completed_at is not None:
            assert invitation.completed_at is not None
            assert invitation.completed_at < invitation.manager_completed_at
            assert invitation.manager_completed_at < min(invitation.closes_at, now)
            assert invitation.manager_comment


def test_every_step_due_has_been_asked_so_the_sweeps_send_nothing_twice() -> None:
    """At the start of the seeding day the sweeps find nothing to ask and no reminder to
    send: the seed recorded them. Everyone trained on a past session was asked straight
    after; no booking that could not be asked was."""
    start_of_day = at(timezone.localdate(), time(0, 0))
    assert invitations_due(now=start_of_day) == []
    assert invitations_due_reminder(now=start_of_day) == []
    after_courses = CourseEvaluation.objects.filter(uses_after=True).values("course")
    trained = Booking.objects.filter(status__in=TRAINED_STATUSES, session__course__in=after_courses)
    assert trained.filter(status=BookingStatus.PARTIALLY_ATTENDED).exists()
    assert not trained.exclude(evaluation_invitations__step=Step.AFTER).exists()
    assert not Invitation.objects.exclude(booking__status__in=CONFIRMED_STATUSES).exists()


def test_answers_only_to_the_steps_questions_of_answered_invitations() -> None:
    asked = set(CourseQuestion.objects.values_list("evaluation__course_id", "step", "question_id"))
    answers = Answer.objects.values_list(
        "invitation__booking__session__course_id",
        "invitation__step",
        "question_id",
        "invitation__completed_at",
        "question__kind",
        "rating",
        "yes_no",
        "text",
    )
    assert len(answers) > 3000
    for course_id, step, question_id, completed_at, kind, rating, yes_no, text in answers:
        assert (course_id, step, question_id) in asked
        assert completed_at is not None
        if kind == QuestionKind.RATING:
            assert rating is not None
            assert 1 <= rating <= 5
        elif kind == QuestionKind.YES_NO:
            assert yes_no is not None
        else:
            assert text.strip()
    required = CourseQuestion.objects.filter(is_required=True)
    answered = Invitation.objects.filter(completed_at__isnull=False).annotate(
        n=Count("answers", filter=Q(answers__question__kind__in=["rating", "yes_no"]))
    )
    for invitation in answered.select_related("booking__session")[:200]:
        wanted = required.filter(
            evaluation__course_id=invitation.booking.session.course_id, step=invitation.step
        ).count()
        assert invitation.n == wanted, invitation


# The results they make ------------------------------------------------------------------------


def _confidence() -> dict[str, dict[str, float]]:
    rows = (
        Answer.objects.exclude(question__learning_outcome="")
        .values("invitation__booking__session__course__slug", "invitation__step")
        .annotate(mean=Avg("rating"))
    )
    means: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        means[row["invitation__booking__session__course__slug"]][row["invitation__step"]] = row[
            "mean"
        ]
    return means


def test_confidence_rises_after_every_course_by_different_amounts() -> None:
    means = _confidence()
    assert len(means) >= 10
    gains = {}
    for slug, by_step in means.items():
        assert by_step[Step.AFTER] > by_step[Step.BEFORE] + 0.3, slug
        gains[slug] = by_step[Step.AFTER] - by_step[Step.BEFORE]
        if Step.FOLLOW_UP in by_step:
            assert by_step[Step.FOLLOW_UP] > by_step[Step.BEFORE], slug
    # One course gains a lot, another a little.
    assert max(gains.values()) > 1.5
    assert min(gains.values()) < 0.8


def test_confidence_at_follow_up_is_a_little_below_straight_after() -> None:
    outcome = Answer.objects.exclude(question__learning_outcome="")
    after = outcome.filter(invitation__step=Step.AFTER).aggregate(m=Avg("rating"))["m"]
    follow_up = outcome.filter(invitation__step=Step.FOLLOW_UP).aggregate(m=Avg("rating"))["m"]
    assert after - 0.6 < follow_up < after


def test_fewer_answer_the_follow_up_and_some_are_never_answered() -> None:
    now = timezone.now()
    rows = Invitation.objects.values("booking__session__course__slug", "step").annotate(
        asked=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False))
    )
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        rates[row["booking__session__course__slug"]][row["step"]] = row["done"] / row["asked"]
    followed_up = [slug for slug, by_step in rates.items() if Step.FOLLOW_UP in by_step]
    assert len(followed_up) >= 8
    for slug in followed_up:
        assert rates[slug][Step.FOLLOW_UP] < rates[slug][Step.AFTER], slug
    closed_unanswered = Invitation.objects.filter(completed_at__isnull=True, closes_at__lte=now)
    for step in Step:
        assert closed_unanswered.filter(step=step).exists(), step
    assert Invitation.objects.filter(
        step=Step.FOLLOW_UP, completed_at__isnull=True, closes_at__gt=now
    ).exists()
    assert Invitation.objects.exclude(manager_comment="").count() >= 20


def test_free_text_is_never_repeated_within_a_session() -> None:
    """Results show a session's free text together: the same words twice would look copied."""
    texts = Answer.objects.exclude(text="").values_list(
        "invitation__booking__session_id", "question_id", "text"
    )
    assert len(texts) > 300
    assert max(Counter(texts).values()) == 1
    comments = Invitation.objects.exclude(manager_comment="").values_list(
        "booking__session_id", "manager_comment"
    )
    assert max(Counter(comments).values()) == 1


def test_the_trainer_has_results_to_see_and_a_session_with_too_few() -> None:
    sessions = Session.objects.filter(trainers__email=TRAINER, ends_at__lt=timezone.now())
    counts = sessions.annotate(
        before=Count("bookings", filter=_bookings_completed(Step.BEFORE), distinct=True),
        after=Count("bookings", filter=_bookings_completed(Step.AFTER), distinct=True),
        follow_up=Count("bookings", filter=_bookings_completed(Step.FOLLOW_UP), distinct=True),
    )
    enough = counts.filter(before__gte=THRESHOLD, after__gte=THRESHOLD, follow_up__gte=THRESHOLD)
    assert enough.exists()
    too_few = counts.filter(follow_up__gt=0, follow_up__lt=THRESHOLD)
    assert too_few.exists()
    assert counts.filter(after__gte=THRESHOLD).count() >= 5


def _bookings_completed(step: str) -> Q:
    return Q(
        bookings__evaluation_invitations__step=step,
        bookings__evaluation_invitations__completed_at__isnull=False,
    )


# The practitioner and her certificates --------------------------------------------------------


def test_the_practitioner_has_an_evaluation_to_complete_and_a_certificate_to_download() -> None:
    now = timezone.now()
    waiting = Invitation.objects.select_related("booking__session__course__evaluation").get(
        booking__user__email=PRACTITIONER,
        step=Step.AFTER,
        completed_at__isnull=True,
        closes_at__gt=now,
    )
    booking = waiting.booking
    assert booking.status == BookingStatus.ATTENDED
    assert booking.session.course.evaluation.certificate_waits_for_after
    assert now - waiting.asked_at < timedelta(days=7)
    record = TrainingRecord.objects.get(booking=booking)
    assert not record.standards.exists()  # her compliance is as the training steps left it
    current = Certificate.objects.filter(
        holder__email=PRACTITIONER, revoked_at__isnull=True, superseded_at__isnull=True
    )
    assert not current.filter(training_record=record).exists()
    assert current.exclude(training_record=record).exists()


def test_answering_it_gives_her_the_certificate() -> None:
    waiting = Invitation.objects.get(
        booking__user__email=PRACTITIONER, step=Step.AFTER, completed_at__isnull=True
    )
    waiting.completed_at = timezone.now()
    waiting.save(update_fields=["completed_at"])
    certificate = certificate_issue_for_booking(booking_id=waiting.booking_id)
    assert certificate is not None
    assert certificate.holder is not None
    assert certificate.holder.email == PRACTITIONER


def test_no_certificate_waits_in_vain_and_none_is_issued_without_the_answer() -> None:
    """Where the course's certificate waits for "straight after", every certificate has its
    answer; some who attended and did not answer have none."""
    waits = CourseEvaluation.objects.filter(certificate_waits_for_after=True).values("course")
    issued = Certificate.objects.filter(training_record__course__in=waits)
    assert issued.count() > 100
    without = issued.exclude(
        training_record__booking__in=Booking.objects.filter(_completed("after"))
    )
    assert not without.exists()
    unanswered = TrainingRecord.objects.filter(course__in=waits, booking__isnull=False).exclude(
        booking__in=Booking.objects.filter(_completed("after"))
    )
    assert unanswered.count() >= 5
    assert not Certificate.objects.filter(training_record__in=unanswered).exists()


def test_demo_accounts_answered_what_they_attended() -> None:
    """Their stories have certificates: each answered straight after what they attended,
    except the practitioner's briefing, left for her to answer."""
    attended = Booking.objects.filter(
        user__email__endswith="@demo.example", status=BookingStatus.ATTENDED
    )
    unanswered = attended.exclude(pk__in=Booking.objects.filter(_completed(Step.AFTER)))
    assert list(unanswered.values_list("user__email", flat=True)) == [PRACTITIONER]


def test_second_run_adds_nothing() -> None:
    def counts() -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (
                Question,
                CourseEvaluation,
                CourseQuestion,
                Invitation,
                Answer,
                Booking,
                TrainingRecord,
            )
        )

    before = counts()
    completed = Invitation.objects.filter(completed_at__isnull=False).count()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts() == before
    assert Invitation.objects.filter(completed_at__isnull=False).count() == completed
