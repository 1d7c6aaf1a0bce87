"""Evaluation results (evaluations/selectors/results.py): response rates, each question's
figures, the change in confidence per learning outcome, free text without names, the threshold
of five and the differencing rule, counted in a fixed number of queries.

`build_world` is shared by the views', exports' and permissions' tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, CourseEvaluation, Invitation, Question
from evaluations.selectors.results import (
    FEWER_THAN_MINIMUM,
    NOBODY_ANSWERED,
    RESULTS_MINIMUM_GROUP,
    WOULD_SHOW_OTHERS,
    EvaluationResults,
    QuestionResult,
    ResultFilters,
    evaluation_results,
)
from organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.evaluations.factories import (
    CourseEvaluationFactory,
    CourseQuestionFactory,
    QuestionFactory,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
from training.models import Booking, Session

pytestmark = pytest.mark.django_db


# Building results ---------------------------------------------------------------------------


def respond(
    booking: Booking,
    step: Step,
    answers: dict[Question, Any],
    *,
    manager_comment: str = "",
    completed: bool = True,
) -> Invitation:
    """The booking's invitation to a step, answered (a rating, True/False or text for each
    question) and completed."""
    now = timezone.now()
    invitation = Invitation.objects.create(
        booking=booking,
        step=step,
        asked_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        completed_at=now if completed else None,
        manager_comment=manager_comment,
    )
    for question, value in answers.items():
        Answer.objects.create(
            invitation=invitation,
            question=question,
            rating=value if question.kind == QuestionKind.RATING else None,
            yes_no=value if question.kind == QuestionKind.YES_NO else None,
            text=value if question.kind == QuestionKind.FREE_TEXT else "",
        )
    return invitation


def learner(session: Session, organisation: Organisation, **user: Any) -> Booking:
    attendee = MembershipFactory.create(organisation=organisation, user__is_active=True, **user)
    return BookingFactory.create(session=session, attendee=attendee, attended=True)


@dataclass
class World:
    """One course, "Neglect: recognising and responding", evaluated at every step:

    | question                                  | kind      | steps                    |
    |-------------------------------------------|-----------|--------------------------|
    | confident to recognise neglect            | rating    | before, after, follow-up |
    | confident to make a referral              | rating    | before, after, follow-up |
    | would you recommend it                    | yes/no    | after                    |
    | what will you do differently              | free text | after                    |

    Its session trained by Tess Trainer has five learners from Lewisham Children's Social
    Care (coordinator Cora Coord) and one from the police (coordinator Pete Police). Confidence
    to recognise neglect, as answered by the six:

    | step       | ratings          | average |
    |------------|------------------|---------|
    | before     | 1, 2, 2, 3, 2, 2 | 2.0     |
    | after      | 4, 4, 3, 5, 4, 4 | 4.0     |
    | follow-up  | 3, 4, 4, 3, 4    | 3.6     | (the police learner did not follow up)

    Confidence to make a referral is answered by only four at follow-up.
    """

    course: Any
    session: Session
    other_session: Session
    trainer: User
    other_trainer: User
    organisation: Organisation
    police: Organisation
    coordinator: User
    police_coordinator: User
    neglect: Question
    referral: Question
    recommend: Question
    differently: Question
    bookings: list[Booking] = field(default_factory=list)


BEFORE_NEGLECT = [1, 2, 2, 3, 2, 2]
AFTER_NEGLECT = [4, 4, 3, 5, 4, 4]
FOLLOW_UP_NEGLECT = [3, 4, 4, 3, 4]
DIFFERENTLY = [
    "Write down what I see at each visit.",
    "Ask the child's school what they have noticed.",
    "Check the chronology before every meeting.",
    "Talk to the health visitor sooner.",
    "Use the neglect toolkit with families.",
    "Challenge drift in plans.",
]


def build_world() -> World:
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    police = OrganisationFactory.create(name="Metropolitan Police, Lewisham")
    course = CourseFactory.create(title="Neglect: recognising and responding")
    evaluation: CourseEvaluation = CourseEvaluationFactory.create(course=course)
    neglect = QuestionFactory.create(
        text="How confident are you to recognise neglect?", learning_outcome="Recognise neglect"
    )
    referral = QuestionFactory.create(
        text="How confident are you to make a referral?", learning_outcome="Make a referral"
    )
    recommend = QuestionFactory.create(yes_no=True)
    differently = QuestionFactory.create(free_text=True)
    for step in (Step.BEFORE, Step.AFTER, Step.FOLLOW_UP):
        CourseQuestionFactory.create(evaluation=evaluation, question=neglect, step=step)
        CourseQuestionFactory.create(evaluation=evaluation, question=referral, step=step)
    CourseQuestionFactory.create(evaluation=evaluation, question=recommend, step=Step.AFTER)
    CourseQuestionFactory.create(evaluation=evaluation, question=differently, step=Step.AFTER)

    trainer = UserFactory.create(trainer=True, first_name="Tess", last_name="Trainer")
    other_trainer = UserFactory.create(trainer=True, first_name="Otto", last_name="Other")
    past = timezone.localtime() - timedelta(days=60)
    start = past.replace(hour=9, minute=30, second=0, microsecond=0)
    session = SessionFactory.create(course=course, parts=[(start, start + timedelta(hours=7))])
    session.trainers.add(trainer)
    other_start = start - timedelta(days=30)
    other_session = SessionFactory.create(
        course=course, parts=[(other_start, other_start + timedelta(hours=7))]
    )
    other_session.trainers.add(other_trainer)

    coordinator = MembershipFactory.create(
        organisation=organisation,
        coordinator=True,
        user__first_name="Cora",
        user__last_name="Coord",
    ).user
    police_coordinator = MembershipFactory.create(
        organisation=police, coordinator=True, user__first_name="Pete", user__last_name="Police"
    ).user

    world = World(
        course=course,
        session=session,
        other_session=other_session,
        trainer=trainer,
        other_trainer=other_trainer,
        organisation=organisation,
        police=police,
        coordinator=coordinator,
        police_coordinator=police_coordinator,
        neglect=neglect,
        referral=referral,
        recommend=recommend,
        differently=differently,
    )
    for index in range(6):
        booking = learner(session, police if index == 5 else organisation)
        world.bookings.append(booking)
        respond(booking, Step.BEFORE, {neglect: BEFORE_NEGLECT[index], referral: 2})
        respond(
            booking,
            Step.AFTER,
            {
                neglect: AFTER_NEGLECT[index],
                referral: 4,
                recommend: index != 2,
                differently: DIFFERENTLY[index],
            },
        )
        if index < 5:
            respond(
                booking,
                Step.FOLLOW_UP,
                # Only four answer the referral question at follow-up.
                {neglect: FOLLOW_UP_NEGLECT[index], **({referral: 3} if index < 4 else {})},
                manager_comment=f"Comment {index}: more confident in strategy meetings.",
            )
    return world


@pytest.fixture
def world() -> World:
    return build_world()


def team() -> User:
    return UserFactory.create(partnership_team=True)


def question(results: EvaluationResults, step: Step, asked: Question) -> QuestionResult:
    (step_questions,) = [s for s in results.questions if s.step == step]
    return next(q for q in step_questions.questions if q.question_id == asked.pk)


# Response rates -----------------------------------------------------------------------------


def test_response_rates_count_who_was_asked_and_who_answered(world: World) -> None:
    """An unanswered invitation counts as asked, not answered."""
    unanswered = learner(world.session, world.organisation)
    respond(unanswered, Step.BEFORE, {}, completed=False)
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    rates = {
        step.step: (step.invited, step.completed, step.response_rate) for step in results.steps
    }
    assert rates == {
        Step.BEFORE: (7, 6, 85.7),
        Step.AFTER: (6, 6, 100.0),
        Step.FOLLOW_UP: (5, 5, 100.0),
    }


# Change in confidence ------------------------------------------------------------------------


def test_change_in_confidence_on_a_known_table(world: World) -> None:
    """Averages 2.0, 4.0 and 3.6: up 2.0 by straight after and 1.6 by follow-up."""
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    outcome = next(o for o in results.outcomes if o.learning_outcome == "Recognise neglect")
    assert [(cell.step, cell.people, cell.average) for cell in outcome.cells] == [
        (Step.BEFORE, 6, 2.0),
        (Step.AFTER, 6, 4.0),
        (Step.FOLLOW_UP, 5, 3.6),
    ]
    assert outcome.change_after == 2.0
    assert outcome.change_follow_up == 1.6


def test_a_step_with_fewer_than_five_has_no_average_and_no_change(world: World) -> None:
    """Four answered the referral question at follow-up: no average, no change to follow-up."""
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    outcome = next(o for o in results.outcomes if o.learning_outcome == "Make a referral")
    follow_up = outcome.cell(Step.FOLLOW_UP)
    assert (follow_up.people, follow_up.average, follow_up.withheld) == (
        4,
        None,
        FEWER_THAN_MINIMUM,
    )
    assert outcome.change_after == 2.0
    assert outcome.change_follow_up is None


def test_a_person_counts_once_per_step_however_many_questions_measure_the_outcome(
    world: World,
) -> None:
    """Two questions on one outcome: the average is over every rating, the group is people."""
    also_neglect = QuestionFactory.create(
        text="How confident are you to act on neglect?", learning_outcome="Recognise neglect"
    )
    for booking in world.bookings:
        invitation = Invitation.objects.get(booking=booking, step=Step.BEFORE)
        Answer.objects.create(invitation=invitation, question=also_neglect, rating=5)
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    outcome = next(o for o in results.outcomes if o.learning_outcome == "Recognise neglect")
    before = outcome.cell(Step.BEFORE)
    assert before.people == 6
    assert before.average == 3.5  # (12 + 30) / 12 ratings


# Questions -----------------------------------------------------------------------------------


def test_a_rating_question_has_its_average_and_distribution(world: World) -> None:
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    after = question(results, Step.AFTER, world.neglect)
    assert (after.people, after.average) == (6, 4.0)
    assert [(c.rating, c.people) for c in after.distribution] == [
        (1, 0),
        (2, 0),
        (3, 1),
        (4, 4),
        (5, 1),
    ]


def test_a_yes_no_question_has_its_counts(world: World) -> None:
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    recommend = question(results, Step.AFTER, world.recommend)
    assert (recommend.people, recommend.yes, recommend.no) == (6, 5, 1)


def test_free_text_is_listed_in_the_order_of_the_text(world: World) -> None:
    """Not in the order given, which could be matched to who answered when."""
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    differently = question(results, Step.AFTER, world.differently)
    assert differently.answers == sorted(DIFFERENTLY)
    assert differently.answers != DIFFERENTLY


def test_line_managers_comments_are_listed_in_the_order_of_the_text(world: World) -> None:
    results = evaluation_results(viewer=team(), filters=ResultFilters())
    comments = results.manager_comments
    assert comments.people == 5
    assert comments.comments == sorted(comments.comments)
    assert len(comments.comments) == 5


# The threshold -------------------------------------------------------------------------------


def _session_with(answering: int) -> tuple[Session, Question, Question, Question]:
    session = SessionFactory.create()
    rating = QuestionFactory.create()
    yes_no = QuestionFactory.create(yes_no=True)
    text = QuestionFactory.create(free_text=True)
    organisation = OrganisationFactory.create()
    for index in range(answering):
        respond(
            learner(session, organisation),
            Step.AFTER,
            {rating: 4, yes_no: True, text: f"Answer {index}"},
            manager_comment="",
        )
        respond(
            Booking.objects.filter(session=session).latest("pk"),
            Step.FOLLOW_UP,
            {},
            manager_comment=f"Comment {index}",
        )
    return session, rating, yes_no, text


@pytest.mark.parametrize(
    ("answering", "shown"),
    [(RESULTS_MINIMUM_GROUP - 1, False), (RESULTS_MINIMUM_GROUP, True)],
)
def test_four_answers_show_nothing_and_five_show(answering: int, shown: bool) -> None:
    """Every kind of figure: ratings, yes/no, free text, confidence, managers' comments."""
    assert RESULTS_MINIMUM_GROUP == 5
    session, rating, yes_no, text = _session_with(answering)
    results = evaluation_results(viewer=team(), filters=ResultFilters(session=session))
    figures = [question(results, Step.AFTER, asked) for asked in (rating, yes_no, text)]
    (outcome,) = results.outcomes
    after = outcome.cell(Step.AFTER)
    comments = results.manager_comments
    if shown:
        assert [f.withheld for f in figures] == ["", "", ""]
        assert (figures[0].average, figures[1].yes, len(figures[2].answers)) == (4.0, 5, 5)
        assert (after.average, after.withheld) == (4.0, "")
        assert len(comments.comments) == 5
    else:
        assert [f.withheld for f in figures] == [FEWER_THAN_MINIMUM] * 3
        assert (figures[0].average, figures[0].distribution) == (None, [])
        assert (figures[1].yes, figures[1].no, figures[2].answers) == (None, None, [])
        assert (after.average, after.withheld) == (None, FEWER_THAN_MINIMUM)
        assert (comments.comments, comments.withheld) == ([], FEWER_THAN_MINIMUM)


def test_a_step_nobody_answered_says_so(world: World) -> None:
    results = evaluation_results(viewer=team(), filters=ResultFilters(session=world.session))
    recommend_before = [q for s in results.questions if s.step == Step.BEFORE for q in s.questions]
    assert world.recommend.pk not in [q.question_id for q in recommend_before]
    outcome = next(o for o in results.outcomes if o.learning_outcome == "Recognise neglect")
    assert outcome.cell(Step.FOLLOW_UP).withheld == ""
    empty = evaluation_results(viewer=team(), filters=ResultFilters(session=world.other_session))
    assert empty.outcomes == []
    assert not empty.anyone_asked
    assert empty.manager_comments.withheld == NOBODY_ANSWERED


# Differencing --------------------------------------------------------------------------------


def test_a_filter_leaving_out_fewer_than_five_withholds_the_figure(world: World) -> None:
    """Six answered straight after; filtering to Lewisham's five would show, by subtraction,
    the police learner's answers. Lewisham's figure is withheld, the whole six's still shown."""
    viewer = team()
    everyone = evaluation_results(viewer=viewer, filters=ResultFilters())
    lewisham = evaluation_results(
        viewer=viewer, filters=ResultFilters(organisation=world.organisation)
    )
    assert question(everyone, Step.AFTER, world.neglect).average == 4.0
    narrowed = question(lewisham, Step.AFTER, world.neglect)
    assert (narrowed.people, narrowed.average, narrowed.withheld) == (5, None, WOULD_SHOW_OTHERS)
    neglect = next(o for o in lewisham.outcomes if o.learning_outcome == "Recognise neglect")
    assert neglect.cell(Step.AFTER).withheld == WOULD_SHOW_OTHERS
    # At follow-up the police learner did not answer, so the filter leaves nobody out.
    assert neglect.cell(Step.FOLLOW_UP).average == 3.6


def test_a_filter_leaving_out_five_or_more_shows_the_figure(world: World) -> None:
    police = world.police
    for _ in range(5):
        respond(learner(world.session, police), Step.AFTER, {world.neglect: 1})
    lewisham = evaluation_results(
        viewer=team(), filters=ResultFilters(organisation=world.organisation)
    )
    narrowed = question(lewisham, Step.AFTER, world.neglect)
    assert (narrowed.people, narrowed.average, narrowed.withheld) == (5, 4.0, "")


def test_a_filter_that_leaves_nobody_out_changes_nothing(world: World) -> None:
    """Every answer is on this course: filtering by it leaves nobody out."""
    results = evaluation_results(viewer=team(), filters=ResultFilters(course=world.course))
    assert question(results, Step.AFTER, world.neglect).average == 4.0


# Query counts --------------------------------------------------------------------------------


def _more_sessions(world: World, sessions: int, questions: int) -> None:
    extra = [QuestionFactory.create() for _ in range(questions)]
    for _ in range(sessions):
        session = SessionFactory.create(course=world.course)
        for _ in range(3):
            respond(
                learner(session, world.organisation),
                Step.BEFORE,
                dict.fromkeys(extra, 3),
            )


@pytest.mark.parametrize(("sessions", "questions"), [(0, 0), (4, 6)])
def test_the_results_take_the_same_queries_whatever_their_size(
    world: World, django_assert_num_queries: Any, sessions: int, questions: int
) -> None:
    _more_sessions(world, sessions, questions)
    viewer = User.objects.get(pk=world.coordinator.pk)
    filters = ResultFilters(course=world.course, organisation=world.organisation)
    # The viewer's roles (one), then response rates, outcomes, questions, free text, managers'
    # comments counted and listed.
    with django_assert_num_queries(7):
        results = evaluation_results(viewer=viewer, filters=filters)
    assert len([q for s in results.questions for q in s.questions]) >= 4
