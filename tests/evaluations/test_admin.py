"""The partnership team's evaluation pages in Wagtail's admin (`evaluations.viewsets`,
`evaluations.forms.admin`): the question bank and each course's evaluation with its questions
at each step. Nobody else gets in, and every mistake is explained in plain English."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import User
from evaluations.enums import QuestionKind, Step
from evaluations.models import CourseEvaluation, CourseQuestion, Question
from tests.accounts.factories import UserFactory, enrol_totp
from tests.evaluations.factories import (
    AnswerFactory,
    CourseEvaluationFactory,
    CourseQuestionFactory,
    InvitationFactory,
    QuestionFactory,
)
from tests.organisations.factories import MembershipFactory
from tests.training.factories import BookingFactory, CourseFactory
from training.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, team_member: User) -> Client:
    client.force_login(team_member)
    return client


def _evaluation_data(
    *, course: Course, questions: list[dict[str, Any]], initial: int = 0, **fields: Any
) -> dict[str, Any]:
    """The evaluation form as the admin posts it: every step ticked unless told, questions as
    rows of (step, question)."""
    return nested_form_data(
        {
            "course": course.pk,
            "uses_before": "on",
            "uses_after": "on",
            "uses_follow_up": "on",
            "certificate_waits_for_after": "on",
            "follow_up_weeks": "6",
            "open_days": "14",
            "reminder_days": "7",
            "asks_manager_at_follow_up": "on",
            **fields,
            "course_questions": inline_formset(
                [
                    {"position": str(index), "is_required": "on", **row}
                    for index, row in enumerate(questions)
                ],
                initial=initial,
            ),
        }
    )


def _rows(*pairs: tuple[Step, Question]) -> list[dict[str, Any]]:
    return [{"step": step.value, "question": question.pk} for step, question in pairs]


def _question_data(**fields: Any) -> dict[str, Any]:
    return {
        "text": "How confident are you to share information with other agencies?",
        "hint": "",
        "kind": QuestionKind.RATING,
        "learning_outcome": "Share information with other agencies",
        "scale_max": "5",
        "low_label": "Not at all confident",
        "high_label": "Very confident",
        "is_active": "on",
        **fields,
    }


# Who gets in -----------------------------------------------------------------------------------

ADMIN_PAGES = [
    "courseevaluation_admin:index",
    "courseevaluation_admin:add",
    "question_admin:index",
    "question_admin:add",
]


def test_the_team_reaches_every_evaluation_page(admin_client: Client) -> None:
    """Course evaluations and the question bank, listed and added, under an "Evaluations"
    menu."""
    for name in ADMIN_PAGES:
        assert admin_client.get(reverse(name)).status_code == 200, name
    home = admin_client.get(reverse("wagtailadmin_home"))
    assertContains(home, "Evaluations")
    assertContains(home, reverse("courseevaluation_admin:index"))
    assertContains(home, reverse("question_admin:index"))


@pytest.mark.parametrize("role", ["trainer", "coordinator", "practitioner", "admin-user"])
def test_nobody_else_reaches_the_evaluation_pages(client: Client, role: str) -> None:
    """Trainers and coordinators see results on their own pages; nobody but the team sets up
    evaluations, even with access to the admin for other work."""
    if role == "trainer":
        user = UserFactory.create(trainer=True)
    elif role == "coordinator":
        user = MembershipFactory.create(coordinator=True).user
    elif role == "admin-user":
        from django.contrib.auth.models import Permission

        user = UserFactory.create(is_staff=True)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    else:
        user = MembershipFactory.create().user
    enrol_totp(user)
    client.force_login(user)
    question = QuestionFactory.create()
    course = CourseFactory.create()
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 302, name
    response = client.post(
        reverse("courseevaluation_admin:add"),
        _evaluation_data(
            course=course,
            questions=_rows(
                (Step.BEFORE, question), (Step.AFTER, question), (Step.FOLLOW_UP, question)
            ),
        ),
    )
    assert response.status_code == 302
    assert not CourseEvaluation.objects.exists()
    client.post(reverse("question_admin:add"), _question_data())
    assert Question.objects.count() == 1


def test_anonymous_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("courseevaluation_admin:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


# A course's evaluation -------------------------------------------------------------------------


def test_the_team_gives_a_course_its_evaluation(admin_client: Client) -> None:
    """The steps used, the questions at each in order, and the timings are saved."""
    course = CourseFactory.create()
    confidence, useful = QuestionFactory.create(), QuestionFactory.create(yes_no=True)
    response = admin_client.post(
        reverse("courseevaluation_admin:add"),
        _evaluation_data(
            course=course,
            questions=_rows(
                (Step.BEFORE, confidence), (Step.AFTER, confidence), (Step.AFTER, useful)
            ),
            uses_follow_up="",
            follow_up_weeks="8",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    evaluation = CourseEvaluation.objects.get(course=course)
    assert (evaluation.uses_before, evaluation.uses_after, evaluation.uses_follow_up) == (
        True,
        True,
        False,
    )
    assert evaluation.follow_up_weeks == 8
    assert list(
        evaluation.course_questions.order_by("step", "position").values_list("step", "question")
    ) == [
        (Step.AFTER, confidence.pk),
        (Step.AFTER, useful.pk),
        (Step.BEFORE, confidence.pk),
    ]


@pytest.mark.parametrize(
    ("changes", "rows", "message"),
    [
        pytest.param(
            {},
            [Step.BEFORE, Step.AFTER],
            "You ticked “Ask at follow-up” but added no questions to ask at follow-up. Add a "
            "question at that step, or untick it.",
            id="step-ticked-without-questions",
        ),
        pytest.param(
            {"uses_follow_up": ""},
            [Step.BEFORE, Step.AFTER, Step.FOLLOW_UP],
            "You added questions to ask at follow-up, but “Ask at follow-up” is not ticked. "
            "Tick it, or remove those questions.",
            id="question-at-unused-step",
        ),
        pytest.param(
            {"uses_after": "", "uses_follow_up": ""},
            [Step.BEFORE],
            "The certificate can only wait for the “straight after” step if the course uses "
            "it. Tick “Ask straight after the course”, or untick this.",
            id="certificate-waits-for-unused-step",
        ),
        pytest.param(
            {"reminder_days": "14"},
            [Step.BEFORE, Step.AFTER, Step.FOLLOW_UP],
            "The reminder must go before the step closes: fewer than 14 days after asking.",
            id="reminder-after-closing",
        ),
        pytest.param(
            {"follow_up_weeks": "52"},
            [Step.BEFORE, Step.AFTER, Step.FOLLOW_UP],
            "The follow-up must be 2 to 26 weeks after the course.",
            id="follow-up-too-late",
        ),
        pytest.param(
            {"open_days": "1"},
            [Step.BEFORE, Step.AFTER, Step.FOLLOW_UP],
            "Each step must stay open for 2 to 90 days.",
            id="open-too-short",
        ),
    ],
)
def test_mistakes_in_an_evaluation_are_explained(
    admin_client: Client, changes: dict[str, str], rows: list[Step], message: str
) -> None:
    """Each mistake is refused with a message that says what to do, and nothing is saved."""
    course = CourseFactory.create()
    question = QuestionFactory.create()
    response = admin_client.post(
        reverse("courseevaluation_admin:add"),
        _evaluation_data(
            course=course, questions=_rows(*((step, question) for step in rows)), **changes
        ),
    )
    assert response.status_code == 200
    assertContains(response, message, html=False)
    assert not CourseEvaluation.objects.exists()


def test_a_question_twice_at_one_step_is_explained(admin_client: Client) -> None:
    course = CourseFactory.create()
    question = QuestionFactory.create(text="How confident are you to escalate a concern?")
    response = admin_client.post(
        reverse("courseevaluation_admin:add"),
        _evaluation_data(
            course=course,
            questions=_rows(
                (Step.BEFORE, question),
                (Step.AFTER, question),
                (Step.AFTER, question),
                (Step.FOLLOW_UP, question),
            ),
        ),
    )
    assert response.status_code == 200
    assertContains(
        response,
        "“How confident are you to escalate a concern?” is already asked straight after the "
        "course. Remove one of them.",
        html=False,
    )
    assertNotContains(response, "Please correct the duplicate data")
    assert not CourseEvaluation.objects.exists()


def test_a_course_has_one_evaluation(admin_client: Client) -> None:
    """A course that has an evaluation is not offered again, and choosing it is explained."""
    taken = CourseEvaluationFactory.create(course__title="Neglect: recognising and responding")
    free = CourseFactory.create(title="Working with fathers")
    question = QuestionFactory.create()
    page = admin_client.get(reverse("courseevaluation_admin:add"))
    assertContains(page, free.title)
    assertNotContains(page, taken.course.title)

    response = admin_client.post(
        reverse("courseevaluation_admin:add"),
        _evaluation_data(
            course=taken.course,
            questions=_rows(*((step, question) for step in Step)),
        ),
    )
    assertContains(response, "That course already has an evaluation. Edit that one instead.")
    assert CourseEvaluation.objects.count() == 1


def test_questions_no_longer_in_use_are_not_offered_but_stay_where_asked(
    admin_client: Client,
) -> None:
    """A retired question is not offered for new rows; a course already asking it keeps it,
    and the evaluation saves unchanged."""
    retired = QuestionFactory.create(text="How confident are you with the old procedure?")
    current = QuestionFactory.create(text="How confident are you with the new procedure?")
    evaluation = CourseEvaluationFactory.create(uses_before=False, uses_follow_up=False)
    row = CourseQuestionFactory.create(evaluation=evaluation, step=Step.AFTER, question=retired)
    Question.objects.filter(pk=retired.pk).update(is_active=False)

    add = admin_client.get(reverse("courseevaluation_admin:add"))
    assertContains(add, current.text)
    assertNotContains(add, retired.text)

    edit_url = reverse("courseevaluation_admin:edit", args=[evaluation.pk])
    data = _evaluation_data(
        course=evaluation.course,
        questions=[{"id": row.pk, "step": Step.AFTER.value, "question": retired.pk}],
        initial=1,
        uses_before="",
        uses_follow_up="",
    )
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(evaluation.course_questions.values_list("question", flat=True)) == [retired.pk]


def test_the_course_of_an_evaluation_stays(admin_client: Client) -> None:
    """Invitations and answers belong to the course's bookings, so editing keeps the course
    whatever is posted."""
    evaluation = CourseEvaluationFactory.create(uses_before=False, uses_follow_up=False)
    row = CourseQuestionFactory.create(evaluation=evaluation, step=Step.AFTER)
    other = CourseFactory.create()
    response = admin_client.post(
        reverse("courseevaluation_admin:edit", args=[evaluation.pk]),
        _evaluation_data(
            course=other,
            questions=[{"id": row.pk, "step": Step.AFTER.value, "question": row.question_id}],
            initial=1,
            uses_before="",
            uses_follow_up="",
            open_days="21",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    evaluation.refresh_from_db()
    assert evaluation.course_id != other.pk
    assert evaluation.open_days == 21


def test_an_evaluation_people_were_sent_is_not_deleted(admin_client: Client) -> None:
    evaluation = CourseEvaluationFactory.create()
    InvitationFactory.create(booking=BookingFactory.create(session__course=evaluation.course))
    url = reverse("courseevaluation_admin:delete", args=[evaluation.pk])

    assertContains(admin_client.get(url), "People have been sent this evaluation")
    admin_client.post(url)

    assert CourseEvaluation.objects.filter(pk=evaluation.pk).exists()


def test_an_evaluation_nobody_was_sent_can_be_deleted(admin_client: Client) -> None:
    evaluation = CourseEvaluationFactory.create()
    CourseQuestionFactory.create(evaluation=evaluation)
    response = admin_client.post(reverse("courseevaluation_admin:delete", args=[evaluation.pk]))
    assert response.status_code == 302
    assert not CourseEvaluation.objects.exists()
    assert not CourseQuestion.objects.exists()


def test_the_list_of_evaluations_takes_the_same_queries_however_many(
    admin_client: Client, django_assert_num_queries: Any
) -> None:
    """Each row shows its course, steps and number of questions without a query of its own."""
    url = reverse("courseevaluation_admin:index")
    CourseQuestionFactory.create()
    admin_client.get(url)  # warm the caches every admin page fills on first use
    with CaptureQueriesContext(connection) as one:
        response = admin_client.get(url)
    assert response.status_code == 200
    for _ in range(5):
        CourseQuestionFactory.create()
    with django_assert_num_queries(len(one)):
        response = admin_client.get(url)
    assertContains(response, "Before the course, Straight after the course, Follow-up")


# The question bank -----------------------------------------------------------------------------


def test_the_team_adds_a_question(admin_client: Client) -> None:
    response = admin_client.post(reverse("question_admin:add"), _question_data())
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get()
    assert question.learning_outcome == "Share information with other agencies"
    assert question.kind == QuestionKind.RATING


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        pytest.param(
            {"kind": QuestionKind.YES_NO},
            "Only a rating question can measure a learning outcome. Choose “Rating scale”, "
            "or leave the learning outcome blank.",
            id="outcome-on-yes-no",
        ),
        pytest.param(
            {"scale_max": "20"},
            "The top of the scale must be a number from 2 to 10.",
            id="scale-too-long",
        ),
        pytest.param({"text": ""}, "Enter the question.", id="no-text"),
    ],
)
def test_mistakes_in_a_question_are_explained(
    admin_client: Client, fields: dict[str, str], message: str
) -> None:
    response = admin_client.post(reverse("question_admin:add"), _question_data(**fields))
    assert response.status_code == 200
    assertContains(response, message, html=False)
    assert not Question.objects.exists()


def test_an_answered_question_keeps_its_kind(admin_client: Client) -> None:
    """Results would mix ratings with other answers: the kind is fixed once answered, while
    the wording may still be corrected."""
    question = QuestionFactory.create()
    AnswerFactory.create(question=question)
    url = reverse("question_admin:edit", args=[question.pk])

    response = admin_client.post(
        url, _question_data(kind=QuestionKind.FREE_TEXT, learning_outcome="")
    )
    assertContains(
        response,
        "People have answered this question, so its kind cannot change. Add a new question "
        "instead.",
    )
    question.refresh_from_db()
    assert question.kind == QuestionKind.RATING

    response = admin_client.post(url, _question_data(text="How confident are you to share?"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "How confident are you to share?"


def test_a_question_in_use_is_not_deleted(admin_client: Client) -> None:
    """A question a course asks stays; it is taken out of use instead."""
    row = CourseQuestionFactory.create()
    url = reverse("question_admin:delete", args=[row.question_id])

    assertContains(admin_client.get(url), "untick “In use”")
    admin_client.post(url)

    assert Question.objects.filter(pk=row.question_id).exists()
