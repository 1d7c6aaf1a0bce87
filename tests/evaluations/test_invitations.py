"""The sweeps that ask each step of a course's evaluation, remind once and let it close
(`evaluations.services.invitations`, `evaluations.selectors.invitations` and
`evaluations.tasks.invitations`): who is asked when, each step and each email once, the line
manager at follow-up, and nothing for sessions long past."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from post_office.models import Email

from evaluations.enums import Step
from evaluations.models import CourseEvaluation, Invitation
from evaluations.services.invitations import (
    SweepResult,
    invitation_ask,
    invitations_ask_for_booking,
    invitations_sweep,
)
from evaluations.tasks.invitations import (
    invitations_ask_for_booking_task,
    invitations_sweep_task,
)
from organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.celery_workers import tasks_a_new_worker_registers
from tests.evaluations.factories import CourseEvaluationFactory, CourseQuestionFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training.enums import BookingStatus
from training.models import Booking, Session
from training.services.attendance import attendance_mark

pytestmark = pytest.mark.django_db

SITE = "https://hub.partnership.example"


def sweep() -> SweepResult:
    return invitations_sweep(now=timezone.now())


def evaluation_with_questions(**fields: Any) -> CourseEvaluation:
    """An evaluation with a question at each step it uses (every step unless told)."""
    evaluation = CourseEvaluationFactory.create(**fields)
    for step in Step:
        if evaluation.uses(step):
            CourseQuestionFactory.create(evaluation=evaluation, step=step)
    return evaluation


def session_ended(*, days_ago: float, evaluation: CourseEvaluation | None = None) -> Session:
    """A one-day session that ended `days_ago` days ago (9:30 to 16:30)."""
    end = timezone.now() - timedelta(days=days_ago)
    course = evaluation.course if evaluation else CourseFactory.create()
    return SessionFactory.create(course=course, parts=[(end - timedelta(hours=7), end)])


def attendee_with_manager() -> Membership:
    """Priya Shah, whose line manager is Mo Khan, at the same organisation."""
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    manager = MembershipFactory.create(
        organisation=organisation,
        user=UserFactory.create(first_name="Mo", last_name="Khan", email="mo.khan@lbl.example"),
    )
    return MembershipFactory.create(
        organisation=organisation,
        line_manager=manager,
        user=UserFactory.create(
            first_name="Priya", last_name="Shah", email="priya.shah@lbl.example"
        ),
    )


def attended(session: Session, *, marked_days_ago: float | None = None, **fields: Any) -> Booking:
    """An attended booking, its register marked `marked_days_ago` days ago (default: when the
    session ended)."""
    marked_at = (
        timezone.now() - timedelta(days=marked_days_ago)
        if marked_days_ago is not None
        else session.ends_at
    )
    fields.setdefault("status", BookingStatus.ATTENDED)
    return BookingFactory.create(session=session, attendance_marked_at=marked_at, **fields)


def to(address: str) -> list[Any]:
    return [message for message in mail.outbox if message.to == [address]]


# Before: asked for confirmed places on sessions yet to start ---------------------------------


def test_a_confirmed_place_is_asked_for_a_baseline_once() -> None:
    """Run twice, the sweep makes one invitation and sends one email, linking to the form."""
    evaluation = evaluation_with_questions()
    booking = BookingFactory.create(session__course=evaluation.course)

    assert sweep() == SweepResult(asked=1, reminded=0)
    assert sweep() == SweepResult(asked=0, reminded=0)

    invitation = Invitation.objects.get()
    assert (invitation.booking, invitation.step) == (booking, Step.BEFORE)
    assert [message.to for message in mail.outbox] == [[booking.user.email]]
    message = mail.outbox[0]
    assert message.subject == f"Tell us how confident you feel before {evaluation.course.title}"
    answer_url = SITE + reverse("evaluations_answering:answer", args=[invitation.pk])
    assert answer_url in message.body
    assert "could identify a child or family" in message.body


def test_a_baseline_closes_when_the_session_starts() -> None:
    """Open for `open_days`, but never past the start: answers after it are no baseline."""
    evaluation = evaluation_with_questions(open_days=14)
    soon = BookingFactory.create(
        session=SessionFactory.create(course=evaluation.course, parts__days_ahead=3)
    )
    later = BookingFactory.create(
        session=SessionFactory.create(course=evaluation.course, parts__days_ahead=30)
    )
    now = timezone.now()

    invitations_sweep(now=now)

    assert Invitation.objects.get(booking=soon).closes_at == soon.session.starts_at
    assert Invitation.objects.get(booking=later).closes_at == now + timedelta(days=14)


@pytest.mark.parametrize(
    "case",
    [
        "waitlisted",
        "cancelled",
        "awaiting-approval",
        "session-started",
        "no-evaluation",
        "step-unused",
        "no-questions-at-step",
        "inactive-person",
    ],
)
def test_who_is_not_asked_before(case: str) -> None:
    """Only a confirmed place, on a session yet to start, of a course asking before with
    questions at that step, held by someone who can still sign in."""
    evaluation = evaluation_with_questions()
    course = evaluation.course
    fields: dict[str, Any] = {"session__course": course}
    if case == "waitlisted":
        fields["waitlisted"] = True
    elif case == "cancelled":
        fields["cancelled"] = True
    elif case == "awaiting-approval":
        fields["status"] = BookingStatus.AWAITING_APPROVAL
    elif case == "session-started":
        start = timezone.now() - timedelta(hours=1)
        fields = {
            "session": SessionFactory.create(
                course=course, parts=[(start, start + timedelta(hours=6))]
            )
        }
    elif case == "no-evaluation":
        fields = {}
    elif case == "step-unused":
        # Its questions stay, as they would after the step was unticked.
        CourseEvaluation.objects.filter(pk=evaluation.pk).update(uses_before=False)
    elif case == "no-questions-at-step":
        evaluation.course_questions.filter(step=Step.BEFORE).delete()
    elif case == "inactive-person":
        fields["attendee__user__is_active"] = False
    BookingFactory.create(**fields)

    assert sweep().asked == 0
    assert not Invitation.objects.exists()
    assert mail.outbox == []


# Straight after: asked once the register is marked --------------------------------------------


@pytest.mark.parametrize(
    ("status", "asked"),
    [
        (BookingStatus.ATTENDED, True),
        (BookingStatus.PARTIALLY_ATTENDED, True),
        (BookingStatus.NO_SHOW, False),
        (BookingStatus.CONFIRMED, False),
    ],
)
def test_after_is_asked_of_everyone_marked_as_trained(status: str, asked: bool) -> None:
    """Attended and partially attended people are asked straight after; nobody else."""
    evaluation = evaluation_with_questions(uses_before=False)
    booking = attended(session_ended(days_ago=0.1, evaluation=evaluation), status=status)

    sweep()

    assert Invitation.objects.filter(booking=booking, step=Step.AFTER).exists() is asked
    assert len(mail.outbox) == (1 if asked else 0)


def test_only_full_attendance_hears_the_certificate_waits() -> None:
    """The email says the certificate follows the answers only to someone who will get one."""
    evaluation = evaluation_with_questions(uses_before=False, certificate_waits_for_after=True)
    session = session_ended(days_ago=0.1, evaluation=evaluation)
    whole = attended(session)
    part = attended(session, status=BookingStatus.PARTIALLY_ATTENDED)

    sweep()

    assert "certificate" in to(whole.user.email)[0].body
    assert "certificate" not in to(part.user.email)[0].body


def test_marking_the_register_asks_without_waiting_for_the_sweep(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Saving the register queues the task that asks "straight after" for that booking, once
    the marking has committed; the sweep and the task run again ask nothing more."""
    evaluation = evaluation_with_questions(uses_before=False)
    session = session_ended(days_ago=0.1, evaluation=evaluation)
    trainer = UserFactory.create(trainer=True)
    session.trainers.add(trainer)
    booking = BookingFactory.create(session=session)
    not_marked = BookingFactory.create(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_mark(booking=booking, status=BookingStatus.ATTENDED, marked_by=trainer)

    assert list(Invitation.objects.values_list("booking", "step")) == [(booking.pk, Step.AFTER)]
    assert len(to(booking.user.email)) == 1
    assert invitations_ask_for_booking_task.delay(booking.pk).get() == 0
    assert invitations_ask_for_booking(booking_id=not_marked.pk, now=timezone.now()) == 0
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(("marked_days_ago", "asked"), [(13.9, True), (14.1, False)])
def test_after_is_not_asked_once_it_would_have_closed(marked_days_ago: float, asked: bool) -> None:
    """A course given its evaluation later asks only about registers marked within the days
    the step stays open, not about sessions long past."""
    evaluation = evaluation_with_questions(uses_before=False, uses_follow_up=False, open_days=14)
    booking = attended(
        session_ended(days_ago=20, evaluation=evaluation), marked_days_ago=marked_days_ago
    )

    sweep()

    assert Invitation.objects.filter(booking=booking).exists() is asked


def test_asking_again_directly_sends_nothing() -> None:
    """The invitation row is the sent-log: asking a step already asked makes nothing."""
    evaluation = evaluation_with_questions(uses_before=False)
    booking = attended(session_ended(days_ago=0.1, evaluation=evaluation))
    now = timezone.now()

    assert invitation_ask(booking_id=booking.pk, step=Step.AFTER, now=now) is not None
    assert invitation_ask(booking_id=booking.pk, step=Step.AFTER, now=now) is None
    assert invitation_ask(booking_id=booking.pk, step=Step.BEFORE, now=now) is None

    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_email_that_cannot_be_stored_leaves_no_invitation(settings: Any) -> None:
    """The invitation and its email are one transaction: when the email fails, the booking is
    still to be asked, and the next sweep asks it."""
    evaluation = evaluation_with_questions(uses_before=False)
    booking = attended(session_ended(days_ago=0.1, evaluation=evaluation))
    settings.EMAIL_BACKEND = "tests.training.test_notifications.FailingEmailBackend"

    with pytest.raises(OSError, match="Connection unexpectedly closed"):
        sweep()
    assert not Invitation.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sweep().asked == 1
    assert Invitation.objects.get().booking == booking
    assert len(mail.outbox) == 1


def test_the_email_is_stored_in_the_outbox_with_the_invitation(settings: Any) -> None:
    """Through the site's own backend, the sweep's email is an outbox row beside the
    invitation."""
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
    evaluation = evaluation_with_questions(uses_before=False)
    booking = attended(session_ended(days_ago=0.1, evaluation=evaluation))

    sweep()
    sweep()

    assert Invitation.objects.count() == 1
    assert list(Email.objects.values_list("to", flat=True)) == [[booking.user.email]]


# Follow-up: weeks later, with the line manager ------------------------------------------------


def test_follow_up_is_asked_after_the_weeks_set_with_the_line_manager(time_machine: Any) -> None:
    """Nothing until `follow_up_weeks` after the session ended; then the learner is asked,
    and their line manager gets an email of their own asking what has changed."""
    evaluation = evaluation_with_questions(
        uses_before=False, uses_after=False, certificate_waits_for_after=False, follow_up_weeks=8
    )
    session = session_ended(days_ago=0, evaluation=evaluation)
    booking = attended(session, attendee=attendee_with_manager())
    due_at = session.ends_at + timedelta(weeks=8)

    time_machine.move_to(due_at - timedelta(minutes=5), tick=False)
    assert sweep().asked == 0

    time_machine.move_to(due_at + timedelta(minutes=5), tick=False)
    assert sweep().asked == 1
    assert sweep().asked == 0

    invitation = Invitation.objects.get()
    assert invitation.step == Step.FOLLOW_UP
    assert invitation.manager is not None
    assert invitation.manager.email == "mo.khan@lbl.example"
    assert invitation.closes_at == timezone.now() + timedelta(days=evaluation.open_days)
    learner, manager = to("priya.shah@lbl.example"), to("mo.khan@lbl.example")
    assert len(learner) == len(manager) == 1
    assert "Mo Khan" in learner[0].body
    assert SITE + reverse("evaluations_answering:answer", args=[invitation.pk]) in learner[0].body
    assert manager[0].subject == (
        f"What has changed in Priya Shah's practice since {evaluation.course.title}?"
    )
    manager_url = SITE + reverse("evaluations_answering:manager", args=[invitation.pk])
    assert manager_url in manager[0].body
    assert "could identify a child or family" in manager[0].body
    assert booking.user.email not in manager[0].to


@pytest.mark.parametrize(
    "case", ["course-does-not-ask", "no-manager", "manager-left", "manager-cannot-sign-in"]
)
def test_follow_up_without_a_manager_to_ask(case: str) -> None:
    """The learner is still asked; no manager is named or emailed."""
    evaluation = evaluation_with_questions(
        uses_before=False, asks_manager_at_follow_up=case != "course-does-not-ask"
    )
    attendee = attendee_with_manager()
    manager = attendee.line_manager
    assert manager is not None
    if case == "no-manager":
        attendee.line_manager = None
        attendee.save()
    elif case == "manager-left":
        manager.start_date = timezone.localdate() - timedelta(days=400)
        manager.end_date = timezone.localdate() - timedelta(days=1)
        manager.save()
    elif case == "manager-cannot-sign-in":
        manager.user.is_active = False
        manager.user.save()
    attended(session_ended(days_ago=6 * 7 + 1, evaluation=evaluation), attendee=attendee)

    sweep()

    invitation = Invitation.objects.get(step=Step.FOLLOW_UP)
    assert invitation.manager is None
    assert [message.to for message in mail.outbox] == [["priya.shah@lbl.example"]]


@pytest.mark.parametrize(("days_late", "asked"), [(13.9, True), (14.1, False)])
def test_follow_up_is_not_asked_once_it_would_have_closed(days_late: float, asked: bool) -> None:
    """A follow-up due more than `open_days` ago is not asked now: it would already be shut."""
    evaluation = evaluation_with_questions(uses_before=False, open_days=14)
    booking = attended(session_ended(days_ago=6 * 7 + days_late, evaluation=evaluation))

    sweep()

    assert Invitation.objects.filter(booking=booking, step=Step.FOLLOW_UP).exists() is asked


# Reminders: once, and never after answering or closing ----------------------------------------


def test_one_reminder_after_the_days_set(time_machine: Any) -> None:
    """Not before `reminder_days`; then one reminder however often the sweep runs."""
    evaluation = evaluation_with_questions(uses_before=False, reminder_days=5)
    booking = attended(session_ended(days_ago=0.1, evaluation=evaluation))
    time_machine.move_to(timezone.now(), tick=False)
    sweep()
    invitation = Invitation.objects.get()
    mail.outbox.clear()

    time_machine.shift(timedelta(days=5) - timedelta(minutes=1))
    assert sweep().reminded == 0

    time_machine.shift(timedelta(minutes=2))
    assert sweep() == SweepResult(asked=0, reminded=1)
    assert sweep().reminded == 0
    time_machine.shift(timedelta(days=3))
    assert sweep().reminded == 0

    assert [message.to for message in mail.outbox] == [[booking.user.email]]
    assert mail.outbox[0].subject == (
        f"Reminder: tell us what you thought of {evaluation.course.title}"
    )
    assert SITE + reverse("evaluations_answering:answer", args=[invitation.pk]) in (
        mail.outbox[0].body
    )
    invitation.refresh_from_db()
    assert invitation.reminded_at == timezone.now() - timedelta(days=3)


def test_no_reminder_once_answered(time_machine: Any) -> None:
    time_machine.move_to(timezone.now(), tick=False)
    evaluation = evaluation_with_questions(uses_before=False, reminder_days=5)
    attended(session_ended(days_ago=0.1, evaluation=evaluation))
    sweep()
    Invitation.objects.update(completed_at=timezone.now())
    mail.outbox.clear()

    time_machine.shift(timedelta(days=6))
    assert sweep().reminded == 0
    assert mail.outbox == []


def test_no_reminder_once_closed(time_machine: Any) -> None:
    """A step that closed before the sweep got to its reminder (beat down for days) closes
    without one, and nothing else is sent when it closes."""
    time_machine.move_to(timezone.now(), tick=False)
    evaluation = evaluation_with_questions(uses_before=False, open_days=14, reminder_days=7)
    attended(session_ended(days_ago=0.1, evaluation=evaluation))
    sweep()
    mail.outbox.clear()

    time_machine.shift(timedelta(days=14, minutes=1))
    assert sweep() == SweepResult(asked=0, reminded=0)
    assert mail.outbox == []
    assert Invitation.objects.get().reminded_at is None


def test_no_baseline_reminder_after_cancelling(time_machine: Any) -> None:
    """Someone who cancelled their place is not reminded about the course."""
    time_machine.move_to(timezone.now(), tick=False)
    evaluation = evaluation_with_questions(reminder_days=3)
    booking = BookingFactory.create(
        session=SessionFactory.create(course=evaluation.course, parts__days_ahead=30)
    )
    sweep()
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    mail.outbox.clear()

    time_machine.shift(timedelta(days=4))
    assert sweep().reminded == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("learner_done", "manager_done", "reminded"),
    [
        (False, False, ["priya.shah@lbl.example", "mo.khan@lbl.example"]),
        (True, False, ["mo.khan@lbl.example"]),
        (False, True, ["priya.shah@lbl.example"]),
        (True, True, []),
    ],
)
def test_follow_up_reminds_whoever_has_not_answered(
    time_machine: Any, learner_done: bool, manager_done: bool, reminded: list[str]
) -> None:
    """The learner and the line manager are each reminded once, only if they have not
    answered; the manager's reminder links to the manager's form."""
    time_machine.move_to(timezone.now(), tick=False)
    evaluation = evaluation_with_questions(uses_before=False, reminder_days=7)
    attended(
        session_ended(days_ago=6 * 7 + 0.5, evaluation=evaluation), attendee=attendee_with_manager()
    )
    sweep()
    invitation = Invitation.objects.get(step=Step.FOLLOW_UP)
    done = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        completed_at=done if learner_done else None,
        manager_completed_at=done if manager_done else None,
    )
    mail.outbox.clear()

    time_machine.shift(timedelta(days=7, minutes=1))
    sweep()
    sweep()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(reminded)
    for message in to("mo.khan@lbl.example"):
        assert message.subject.startswith("Reminder: what has changed in Priya Shah's practice")
        assert SITE + reverse("evaluations_answering:manager", args=[invitation.pk]) in (
            message.body
        )


# All three steps, and beat ---------------------------------------------------------------------


def test_each_step_in_turn_for_one_booking(time_machine: Any) -> None:
    """Booked: asked before. Marked attended: asked straight after. Six weeks on: follow-up.
    Three invitations, one of each, each with its own email."""
    evaluation = evaluation_with_questions()
    session = SessionFactory.create(course=evaluation.course, parts__days_ahead=2)
    booking = BookingFactory.create(session=session)
    sweep()

    assert session.ends_at is not None
    time_machine.move_to(session.ends_at + timedelta(hours=1), tick=False)
    Booking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.ATTENDED, attendance_marked_at=timezone.now()
    )
    sweep()

    time_machine.move_to(session.ends_at + timedelta(weeks=6, hours=1), tick=False)
    sweep()
    sweep()

    assert sorted(Invitation.objects.values_list("step", flat=True)) == sorted(
        [Step.AFTER, Step.BEFORE, Step.FOLLOW_UP]
    )
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 3
    title = evaluation.course.title
    assert subjects == [
        f"Tell us how confident you feel before {title}",
        f"Tell us what you thought of {title}",
        f"Tell us what has changed in your practice since {title}",
    ]


def test_beat_runs_the_sweep_task() -> None:
    """The beat entry names the sweep, which asks what is due and says how many."""
    entry = django_settings.CELERY_BEAT_SCHEDULE["evaluations-invitations-sweep"]
    assert entry["task"] == invitations_sweep_task.name
    evaluation = evaluation_with_questions()
    BookingFactory.create(session__course=evaluation.course)

    assert invitations_sweep_task.delay().get() == {"asked": 1, "reminded": 0}


def test_a_worker_knows_the_evaluation_tasks() -> None:
    """A worker started with `celery -A config worker` registers the tasks (in a fresh process:
    this one has imported them already), so beat's ticks reach the sweep."""
    assert {
        "evaluations.tasks.invitations.invitations_sweep_task",
        "evaluations.tasks.invitations.invitations_ask_for_booking_task",
    } <= tasks_a_new_worker_registers()
