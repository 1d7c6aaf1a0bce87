"""Two submissions of one evaluation at the same moment (a double click, two tabs): one saves
the answers, the other changes nothing. Real threads on PostgreSQL, each with its own
connection, released together so they contend for the invitation's row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from evaluations.enums import QuestionKind
from evaluations.models import Answer, Invitation
from evaluations.services.answers import invitation_complete
from evaluations.signals import step_completed
from tests.evaluations.factories import invitation_to_answer
from tests.threads import all_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Enough submissions at once that a missing guard would let two through, few enough for the
# server's connection limit.
SUBMISSIONS = 8
# A race that loses only once in a while must not pass by luck.
ROUNDS = 3


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_submissions_at_once_save_one_set_of_answers(round_: int) -> None:
    invitation = invitation_to_answer([QuestionKind.RATING, QuestionKind.FREE_TEXT])
    questions = list(
        invitation.booking.session.course.evaluation.course_questions.select_related("question")
    )
    signals: list[int] = []
    lock = threading.Lock()

    def receiver(sender: type, booking_id: int, **kwargs: Any) -> None:
        with lock:
            signals.append(booking_id)

    def submission(n: int) -> Callable[[], bool]:
        answers = {
            cq.question_id: (n % 5 + 1 if cq.question.kind == QuestionKind.RATING else f"Tab {n}")
            for cq in questions
        }
        # Each tab loaded the page before any was sent: its invitation is not yet complete.
        tab = Invitation.objects.select_related("booking__session").get(pk=invitation.pk)
        return lambda: invitation_complete(
            invitation=tab, answers=answers, by=invitation.booking.user
        )

    calls = [submission(n) for n in range(SUBMISSIONS)]
    step_completed.connect(receiver, dispatch_uid="answering-concurrency")
    try:
        outcomes = all_at_once(calls)
    finally:
        step_completed.disconnect(dispatch_uid="answering-concurrency")

    saved = [o for o in outcomes if not isinstance(o, BaseException)]
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert sorted(saved) == [False] * (SUBMISSIONS - 1) + [True]
    assert Answer.objects.filter(invitation=invitation).count() == 2
    texts = set(Answer.objects.exclude(text="").values_list("text", flat=True))
    assert len(texts) == 1
    assert signals == [invitation.booking_id]
