"""Saving answers (evaluations/services/answers.py): every answer in one transaction with the
invitation marked complete and `step_completed` sent inside it; a second submission changes
nothing; a waiting certificate is issued once the "straight after" step is answered; the line
manager's comment is saved once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from certificates.models import Certificate
from certificates.services.issuing import certificate_issue_for_record
from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, CourseQuestion, Invitation
from evaluations.services.answers import (
    AnswerValue,
    invitation_complete,
    invitation_manager_comment,
)
from evaluations.signals import step_completed
from tests.accounts.factories import UserFactory
from tests.certificates.factories import attended_booking
from tests.evaluations.factories import QuestionFactory, invitation_to_answer

pytestmark = pytest.mark.django_db


def _valid_answers(invitation: Invitation) -> dict[int, AnswerValue]:
    by_kind: dict[str, AnswerValue] = {
        QuestionKind.RATING: 3,
        QuestionKind.YES_NO: False,
        QuestionKind.FREE_TEXT: "  More confident to challenge a decision.  ",
    }
    return {
        cq.question_id: by_kind[cq.question.kind]
        for cq in CourseQuestion.objects.filter(
            evaluation__course=invitation.booking.session.course_id, step=invitation.step
        ).select_related("question")
    }


@pytest.fixture
def signals_sent() -> Iterator[list[dict[str, Any]]]:
    """What `step_completed` carried, and whether it was sent inside a transaction."""
    sent: list[dict[str, Any]] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        sent.append({"sender": sender, "in_transaction": connection.in_atomic_block, **kwargs})

    step_completed.connect(receiver, dispatch_uid="answering-test")
    yield sent
    step_completed.disconnect(dispatch_uid="answering-test")


def test_completing_saves_each_answer_and_says_so_inside_the_transaction(
    signals_sent: list[dict[str, Any]],
) -> None:
    invitation = invitation_to_answer()

    assert invitation_complete(
        invitation=invitation, answers=_valid_answers(invitation), by=invitation.booking.user
    )

    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    saved = {a.question.kind: a for a in Answer.objects.select_related("question")}
    assert saved[QuestionKind.RATING].rating == 3
    assert saved[QuestionKind.YES_NO].yes_no is False
    assert saved[QuestionKind.FREE_TEXT].text == "More confident to challenge a decision."
    assert len(signals_sent) == 1
    assert signals_sent[0]["sender"] is Invitation
    assert signals_sent[0]["booking_id"] == invitation.booking_id
    assert signals_sent[0]["step"] == Step.AFTER
    assert signals_sent[0]["in_transaction"] is True


def test_completing_twice_changes_nothing(signals_sent: list[dict[str, Any]]) -> None:
    invitation = invitation_to_answer()
    learner = invitation.booking.user
    invitation_complete(invitation=invitation, answers=_valid_answers(invitation), by=learner)
    first = Invitation.objects.get(pk=invitation.pk).completed_at
    other_answers = {
        qid: 1 if isinstance(v, int) and not isinstance(v, bool) else v
        for qid, v in _valid_answers(invitation).items()
    }

    stale = Invitation.objects.get(pk=invitation.pk)
    stale.completed_at = None  # as a second tab, loaded before the first was sent, sees it
    again = invitation_complete(invitation=stale, answers=other_answers, by=learner)

    assert again is False
    assert Invitation.objects.get(pk=invitation.pk).completed_at == first
    assert stale.completed_at == first
    assert Answer.objects.count() == 3
    assert Answer.objects.get(question__kind=QuestionKind.RATING).rating == 3
    assert len(signals_sent) == 1


def test_only_the_learner_may_complete_it() -> None:
    invitation = invitation_to_answer()

    with pytest.raises(ValidationError, match="Only the person who attended"):
        invitation_complete(
            invitation=invitation, answers=_valid_answers(invitation), by=UserFactory.create()
        )

    assert Invitation.objects.get(pk=invitation.pk).completed_at is None


def test_a_closed_invitation_takes_no_answers(signals_sent: list[dict[str, Any]]) -> None:
    invitation = invitation_to_answer(closed=True)

    with pytest.raises(ValidationError, match="This evaluation closed on"):
        invitation_complete(
            invitation=invitation, answers=_valid_answers(invitation), by=invitation.booking.user
        )

    assert Invitation.objects.get(pk=invitation.pk).completed_at is None
    assert not Answer.objects.exists()
    assert signals_sent == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing", "Answer “"),
        ("out of scale", "Choose a number from 1 to 5."),
        ("not a rating", "Choose a number for"),
        ("unknown question", "does not ask"),
    ],
)
def test_wrong_answers_save_nothing(
    change: str, message: str, signals_sent: list[dict[str, Any]]
) -> None:
    """Checked after the invitation's row is claimed: the claim is rolled back with them."""
    invitation = invitation_to_answer()
    answers = _valid_answers(invitation)
    rating_id = next(
        qid for qid, v in answers.items() if isinstance(v, int) and not isinstance(v, bool)
    )
    if change == "missing":
        answers[rating_id] = None
    elif change == "out of scale":
        answers[rating_id] = 6
    elif change == "not a rating":
        answers[rating_id] = True
    else:
        answers[QuestionFactory.create().pk] = 2  # in the bank, not asked here

    with pytest.raises(ValidationError, match=message):
        invitation_complete(invitation=invitation, answers=answers, by=invitation.booking.user)

    assert Invitation.objects.get(pk=invitation.pk).completed_at is None
    assert not Answer.objects.exists()
    assert signals_sent == []


def test_answering_releases_the_certificate_that_waited_for_it(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Attended in full, but the course's certificate waits for "straight after": none until
    the answers are sent, then one, issued through certificates' receiver."""
    booking = attended_booking()
    invitation = invitation_to_answer(booking=booking, certificate_waits=True)
    assert certificate_issue_for_record(record_id=booking.record.pk) is None

    with django_capture_on_commit_callbacks(execute=True):
        invitation_complete(
            invitation=invitation, answers=_valid_answers(invitation), by=booking.user
        )

    assert Certificate.objects.get().training_record == booking.record


def test_answering_the_baseline_releases_no_certificate(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    booking = attended_booking()
    invitation = invitation_to_answer(booking=booking, step=Step.BEFORE, certificate_waits=True)

    with django_capture_on_commit_callbacks(execute=True):
        invitation_complete(
            invitation=invitation, answers=_valid_answers(invitation), by=booking.user
        )

    assert not Certificate.objects.exists()


# The line manager's comment ------------------------------------------------------------------


def _follow_up() -> tuple[Invitation, Any]:
    manager = UserFactory.create()
    invitation = invitation_to_answer(
        [QuestionKind.FREE_TEXT], step=Step.FOLLOW_UP, manager=manager
    )
    return invitation, manager


def test_the_manager_comment_is_saved_once() -> None:
    invitation, manager = _follow_up()

    assert invitation_manager_comment(invitation=invitation, comment=" Shares it ", by=manager)
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.manager_completed_at = None
    assert not invitation_manager_comment(invitation=stale, comment="Something else", by=manager)

    invitation.refresh_from_db()
    assert invitation.manager_comment == "Shares it"
    assert invitation.manager_completed_at is not None
    # The learner's own step is untouched.
    assert invitation.completed_at is None


@pytest.mark.parametrize("who", ["learner", "someone else"])
def test_only_the_manager_asked_may_comment(who: str) -> None:
    invitation, _manager = _follow_up()
    person = invitation.booking.user if who == "learner" else UserFactory.create()

    with pytest.raises(ValidationError, match="Only the line manager asked"):
        invitation_manager_comment(invitation=invitation, comment="Better", by=person)

    assert Invitation.objects.get(pk=invitation.pk).manager_completed_at is None


def test_a_manager_is_asked_only_at_follow_up() -> None:
    manager = UserFactory.create()
    invitation = invitation_to_answer(step=Step.AFTER, manager=manager)

    with pytest.raises(ValidationError, match="only at the follow-up"):
        invitation_manager_comment(invitation=invitation, comment="Better", by=manager)


def test_an_empty_manager_comment_is_refused() -> None:
    invitation, manager = _follow_up()

    with pytest.raises(ValidationError, match="Enter what has changed"):
        invitation_manager_comment(invitation=invitation, comment="   ", by=manager)
