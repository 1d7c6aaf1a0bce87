"""The answering pages: the learner's form (errors, required questions, closed, answered
twice, other people), the line manager's form as a role by page matrix, the list of a
person's evaluations, and the form page's queries, which do not grow with its questions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from evaluations.enums import QuestionKind, Step
from evaluations.forms.answering import NO_CHILD_OR_FAMILY_INFORMATION
from evaluations.models import Answer, Invitation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.evaluations.factories import (
    TYPED_ANSWERS,
    answers_posted,
    invitation_to_answer,
)
from tests.organisations.factories import MembershipFactory
from tests.training.factories import BookingFactory

pytestmark = pytest.mark.django_db


def _answer_url(invitation: Invitation) -> str:
    return reverse("evaluations_answering:answer", args=[invitation.pk])


def _manager_url(invitation: Invitation) -> str:
    return reverse("evaluations_answering:manager", args=[invitation.pk])


def _learner(invitation: Invitation) -> User:
    return invitation.booking.user


def _signed_in(client: Client, user: User) -> Client:
    enrol_totp(user)
    client.force_login(user)
    return client


def _field(invitation: Invitation, kind: str) -> str:
    cq = next(
        cq
        for cq in invitation.booking.session.course.evaluation.course_questions.select_related(
            "question"
        )
        if cq.question.kind == kind and cq.step == invitation.step
    )
    return f"question_{cq.question_id}"


# The learner's form ---------------------------------------------------------------------------


def test_the_form_asks_each_question_in_its_own_way(client: Client) -> None:
    """A rating from 1 to its top with the end labels as hints, yes or no, and a text box
    carrying the warning about children and families."""
    invitation = invitation_to_answer()
    rating = invitation.booking.session.course.evaluation.course_questions.get(
        question__kind=QuestionKind.RATING
    ).question

    response = _signed_in(client, _learner(invitation)).get(_answer_url(invitation))

    assert response.status_code == 200
    text = response.content.decode()
    rating_name = f"question_{rating.pk}"
    for n in range(1, rating.scale_max + 1):
        assert f'name="{rating_name}" type="radio" value="{n}"' in text
    assert f'value="{rating.scale_max + 1}"' not in text
    assert "Not at all confident" in text
    assert "Very confident" in text
    yes_no = _field(invitation, QuestionKind.YES_NO)
    assert f'name="{yes_no}" type="radio" value="yes"' in text
    assert f'name="{yes_no}" type="radio" value="no"' in text
    free_text = _field(invitation, QuestionKind.FREE_TEXT)
    assert f'<textarea class="govuk-textarea" id="id_{free_text}"' in text
    assert NO_CHILD_OR_FAMILY_INFORMATION in text
    assert f'aria-describedby="id_{free_text}-warning"' in text


def test_answering_saves_every_answer_and_shows_the_confirmation(client: Client) -> None:
    invitation = invitation_to_answer()
    signed_in = _signed_in(client, _learner(invitation))

    response = signed_in.post(_answer_url(invitation), answers_posted(invitation), follow=True)

    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    answers = {a.question.kind: a for a in Answer.objects.select_related("question")}
    assert answers[QuestionKind.RATING].rating == 4
    assert answers[QuestionKind.YES_NO].yes_no is True
    assert answers[QuestionKind.FREE_TEXT].text == TYPED_ANSWERS[QuestionKind.FREE_TEXT]
    text = response.content.decode()
    assert "Evaluation sent" in text
    assert "<form" not in text.split('id="main-content"')[1]


def test_missing_answers_are_listed_and_nothing_typed_is_lost(client: Client) -> None:
    invitation = invitation_to_answer()
    free_text = _field(invitation, QuestionKind.FREE_TEXT)
    rating = _field(invitation, QuestionKind.RATING)
    yes_no = _field(invitation, QuestionKind.YES_NO)
    typed = "I'll ask the social worker & the school first."
    signed_in = _signed_in(client, _learner(invitation))

    response = signed_in.post(_answer_url(invitation), {free_text: typed, yes_no: "no"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error: " in text
    assert "There is a problem" in text
    # The summary links to the first choice of the rating question.
    assert f'<a href="#id_{rating}_0">Choose a number from 1 to 5 to answer question 1.</a>' in text
    assert escape(typed) in text
    assert f'name="{yes_no}" type="radio" value="no" checked' in text
    invitation.refresh_from_db()
    assert invitation.completed_at is None
    assert not Answer.objects.exists()


def test_every_required_question_has_a_plain_error(client: Client) -> None:
    invitation = invitation_to_answer()
    signed_in = _signed_in(client, _learner(invitation))

    text = signed_in.post(_answer_url(invitation), {}).content.decode()

    assert "Choose a number from 1 to 5 to answer question 1." in text
    assert "Choose yes or no to answer question 2." in text
    assert "Enter your answer to question 3." in text


def test_a_rating_outside_the_scale_is_refused(client: Client) -> None:
    invitation = invitation_to_answer([QuestionKind.RATING])
    rating = _field(invitation, QuestionKind.RATING)
    signed_in = _signed_in(client, _learner(invitation))

    text = signed_in.post(_answer_url(invitation), {rating: "6"}).content.decode()

    assert "Choose a number from 1 to 5 to answer question 1." in text
    assert not Answer.objects.exists()


def test_optional_questions_may_be_left_out(client: Client) -> None:
    invitation = invitation_to_answer()
    invitation.booking.session.course.evaluation.course_questions.exclude(
        question__kind=QuestionKind.RATING
    ).update(is_required=False)
    rating = _field(invitation, QuestionKind.RATING)
    signed_in = _signed_in(client, _learner(invitation))

    page = signed_in.get(_answer_url(invitation)).content.decode()
    signed_in.post(_answer_url(invitation), {rating: "2"})

    assert "(optional)" in page
    invitation.refresh_from_db()
    assert invitation.completed_at is not None
    assert list(Answer.objects.values_list("rating", flat=True)) == [2]


def test_a_second_submission_changes_nothing_and_says_it_was_already_sent(
    client: Client,
) -> None:
    """A double click or a second tab: the first answers stand."""
    invitation = invitation_to_answer()
    rating = _field(invitation, QuestionKind.RATING)
    signed_in = _signed_in(client, _learner(invitation))
    signed_in.post(_answer_url(invitation), answers_posted(invitation))
    invitation.refresh_from_db()
    first_done = invitation.completed_at

    response = signed_in.post(_answer_url(invitation), answers_posted(invitation, **{rating: "1"}))

    assert response.status_code == 200
    assert "You have already sent this evaluation" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.completed_at == first_done
    assert Answer.objects.count() == 3
    assert Answer.objects.get(question__kind=QuestionKind.RATING).rating == 4


def test_an_answered_evaluation_shows_no_form(client: Client) -> None:
    invitation = invitation_to_answer(completed=True)

    text = _signed_in(client, _learner(invitation)).get(_answer_url(invitation)).content.decode()

    assert "Evaluation sent" in text
    assert "Send your answers" not in text


def test_a_closed_evaluation_says_so_and_takes_no_answers(client: Client) -> None:
    invitation = invitation_to_answer(closed=True)
    signed_in = _signed_in(client, _learner(invitation))

    page = signed_in.get(_answer_url(invitation)).content.decode()
    posted = signed_in.post(_answer_url(invitation), answers_posted(invitation)).content.decode()

    assert "This evaluation has closed" in page
    assert "Send your answers" not in page
    assert "This evaluation has closed" in posted
    invitation.refresh_from_db()
    assert invitation.completed_at is None
    assert not Answer.objects.exists()


def test_the_form_closes_at_its_closing_time(client: Client, time_machine: Any) -> None:
    invitation = invitation_to_answer()
    time_machine.move_to(invitation.closes_at + timedelta(seconds=1))
    signed_in = _signed_in(client, _learner(invitation))

    text = signed_in.get(_answer_url(invitation)).content.decode()

    assert "This evaluation has closed" in text


def test_answering_after_attendance_says_the_waiting_certificate_is_on_its_way(
    client: Client,
) -> None:
    invitation = invitation_to_answer(certificate_waits=True)
    signed_in = _signed_in(client, _learner(invitation))

    text = signed_in.post(
        _answer_url(invitation), answers_posted(invitation), follow=True
    ).content.decode()

    assert "Your certificate is on its way" in text
    assert reverse("certificates:mine") in text


@pytest.mark.parametrize(
    ("step", "waits"), [(Step.AFTER, False), (Step.BEFORE, True), (Step.FOLLOW_UP, True)]
)
def test_no_certificate_is_promised_where_none_waits_for_the_step(
    client: Client, step: str, waits: bool
) -> None:
    invitation = invitation_to_answer(step=step, certificate_waits=waits, completed=True)

    text = _signed_in(client, _learner(invitation)).get(_answer_url(invitation)).content.decode()

    assert "Evaluation sent" in text
    assert "Your certificate is on its way" not in text


@pytest.mark.parametrize("who", ["another learner", "coordinator", "team", "manager"])
def test_nobody_but_the_learner_may_open_their_form(client: Client, who: str) -> None:
    invitation = invitation_to_answer(step=Step.FOLLOW_UP)
    organisation = invitation.booking.attendee.organisation
    other = {
        "another learner": lambda: MembershipFactory.create(organisation=organisation).user,
        "coordinator": lambda: (
            MembershipFactory.create(organisation=organisation, coordinator=True).user
        ),
        "team": lambda: UserFactory.create(partnership_team=True),
        "manager": lambda: UserFactory.create(),
    }[who]()
    if who == "manager":
        invitation.manager = other
        invitation.save()
    signed_in = _signed_in(client, other)

    assert signed_in.get(_answer_url(invitation)).status_code == 404
    assert signed_in.post(_answer_url(invitation), answers_posted(invitation)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.completed_at is None


def test_signing_in_is_needed(client: Client) -> None:
    invitation = invitation_to_answer()

    response = client.get(_answer_url(invitation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_form_page_reads_the_same_for_3_or_10_questions(
    client: Client, django_assert_num_queries: Callable[..., Any]
) -> None:
    """The invitation with its course, and every question in one query."""
    three = invitation_to_answer([QuestionKind.RATING, QuestionKind.YES_NO, QuestionKind.FREE_TEXT])
    ten = invitation_to_answer(
        [QuestionKind.RATING] * 4 + [QuestionKind.YES_NO] * 3 + [QuestionKind.FREE_TEXT] * 3
    )
    ten.booking.attendee = MembershipFactory.create(user=_learner(three))
    ten.booking.user = _learner(three)
    ten.booking.save()
    client.force_login(_learner(three))
    client.get(_answer_url(three))  # the session's first read
    with CaptureQueriesContext(connection) as three_questions:
        assert client.get(_answer_url(three)).status_code == 200

    with django_assert_num_queries(len(three_questions)):
        response = client.get(_answer_url(ten))

    assert response.content.decode().count("govuk-form-group") >= 10


# The line manager's form at follow-up ---------------------------------------------------------


def _follow_up_with_manager() -> tuple[Invitation, User]:
    invitation = invitation_to_answer([QuestionKind.FREE_TEXT], step=Step.FOLLOW_UP)
    manager = MembershipFactory.create(organisation=invitation.booking.attendee.organisation).user
    invitation.manager = manager
    invitation.save()
    return invitation, manager


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("learner", 404),
        ("coordinator of their organisation", 404),
        ("coordinator elsewhere", 404),
        ("team", 404),
        ("anonymous", 302),
    ],
)
def test_only_the_manager_asked_may_open_the_manager_form(
    client: Client, who: str, status: int
) -> None:
    invitation, manager = _follow_up_with_manager()
    organisation = invitation.booking.attendee.organisation
    person: User | None = {
        "manager": lambda: manager,
        "learner": lambda: _learner(invitation),
        "coordinator of their organisation": lambda: (
            MembershipFactory.create(organisation=organisation, coordinator=True).user
        ),
        "coordinator elsewhere": lambda: MembershipFactory.create(coordinator=True).user,
        "team": lambda: UserFactory.create(partnership_team=True),
        "anonymous": lambda: None,
    }[who]()
    if person is not None:
        _signed_in(client, person)

    response = client.get(_manager_url(invitation))
    posted = client.post(_manager_url(invitation), {"comment": "Better referrals."})

    assert response.status_code == status
    assert posted.status_code == (302 if who in {"manager", "anonymous"} else 404)
    invitation.refresh_from_db()
    assert (invitation.manager_completed_at is not None) == (who == "manager")
    if status == 200:
        text = response.content.decode()
        assert "What has changed in their practice?" in text
        assert NO_CHILD_OR_FAMILY_INFORMATION in text


def test_the_manager_form_is_only_for_the_follow_up(client: Client) -> None:
    invitation = invitation_to_answer(step=Step.AFTER)
    manager = UserFactory.create()
    invitation.manager = manager
    invitation.save()

    assert _signed_in(client, manager).get(_manager_url(invitation)).status_code == 404


def test_the_manager_comment_is_required_and_saved_once(client: Client) -> None:
    invitation, manager = _follow_up_with_manager()
    signed_in = _signed_in(client, manager)

    empty = signed_in.post(_manager_url(invitation), {"comment": "  "})
    saved = signed_in.post(
        _manager_url(invitation), {"comment": "She now chairs the strategy meetings."}, follow=True
    )
    again = signed_in.post(_manager_url(invitation), {"comment": "Something else."})

    assert "Enter what has changed in their practice." in empty.content.decode()
    assert "Comments sent" in saved.content.decode()
    assert "You have already said what has changed" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.manager_comment == "She now chairs the strategy meetings."
    assert invitation.manager_completed_at is not None


def test_a_closed_follow_up_takes_no_manager_comment(client: Client, time_machine: Any) -> None:
    invitation, manager = _follow_up_with_manager()
    time_machine.move_to(invitation.closes_at + timedelta(minutes=1))
    signed_in = _signed_in(client, manager)

    response = signed_in.post(_manager_url(invitation), {"comment": "Too late."})

    assert "This follow-up has closed" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.manager_completed_at is None


# The list of a person's evaluations -----------------------------------------------------------


def test_the_list_shows_open_evaluations_with_their_closing_date_and_answered_ones(
    client: Client,
) -> None:
    open_one = invitation_to_answer()
    learner = _learner(open_one)
    membership = open_one.booking.attendee
    done_one = invitation_to_answer(
        booking=BookingFactory.create(attendee=membership, attended=True), completed=True
    )
    closed_one = invitation_to_answer(
        booking=BookingFactory.create(attendee=membership, attended=True), closed=True
    )
    someone_elses = invitation_to_answer()
    follow_up, _manager = _follow_up_with_manager()
    follow_up.manager = learner
    follow_up.save()

    text = _signed_in(client, learner).get(reverse("evaluations_answering:mine")).content.decode()

    assert _answer_url(open_one) in text
    closes = timezone.localdate(open_one.closes_at)
    assert f"{closes.day} {closes:%B %Y}" in text
    assert done_one.booking.session.course.title in text
    assert _answer_url(done_one) not in text
    assert _answer_url(closed_one) not in text
    assert _answer_url(someone_elses) not in text
    assert someone_elses.booking.session.course.title not in text
    assert _manager_url(follow_up) in text


def test_the_list_needs_signing_in(client: Client) -> None:
    assert client.get(reverse("evaluations_answering:mine")).status_code == 302
