"""Evaluation results: response rates per step, each question's figures, the change in
confidence on each learning outcome from before to straight after to follow-up, and the
free-text answers and line managers' comments, for the invitations a viewer may see
(`evaluations.permissions`) narrowed by the page's filters.

Every figure is counted by the database (`aggregate`/`annotate`), in a fixed number of queries
however many sessions, questions or answers there are.

Nobody may see who gave which answer, so:

- a figure is shown only when at least `RESULTS_MINIMUM_GROUP` people gave the answers it is
  computed from; otherwise the page says so in one sentence (`FEWER_THAN_MINIMUM`);
- free text is listed without names, bookings or dates, in the order of the text itself (never
  the order it was given, which could be matched to who answered when);
- differencing: a filter that narrows a group of 7 to 5 would show, by subtraction, the answers
  of the 2 it left out. So for each filter in use, the answers it left out (from the same
  results without that filter) must also number none or at least `RESULTS_MINIMUM_GROUP`;
  otherwise the figure is withheld (`WOULD_SHOW_OTHERS`). This is counted in the same query.
  It does not stop every comparison: two different narrowed groups (two overlapping periods, say)
  can still be subtracted. docs/evaluations.md says what is and is not covered.

Response rates (how many were asked and answered) are shown whatever their size: they say
nothing about anyone's answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from evaluations.enums import QuestionKind, Step
from evaluations.models import Answer, Invitation
from evaluations.permissions import invitations_in_results_of

if TYPE_CHECKING:
    from organisations.models import Organisation
    from organisations.permissions import Viewer
    from training.models import Course, Session

# The fewest people whose answers a figure may be computed from. Five is the usual threshold
# for small-number suppression in UK public statistics of this kind (below it, people who were
# in the room can often tell who said what). Change it here only: pages, exports and tests read
# this constant.
RESULTS_MINIMUM_GROUP = 5

# The most points a rating scale may have (Question.scale_max's validator).
SCALE_MAX_LIMIT = 10

FEWER_THAN_MINIMUM = (
    f"Fewer than {RESULTS_MINIMUM_GROUP} people answered, so results are not shown."
)
WOULD_SHOW_OTHERS = (
    f"Results are not shown, because your filters leave out the answers of fewer than "
    f"{RESULTS_MINIMUM_GROUP} people, which could be worked out by comparing. Remove a filter "
    "to see them."
)
NOBODY_ANSWERED = "Nobody has answered yet."

STEP_ORDER = [Step.BEFORE, Step.AFTER, Step.FOLLOW_UP]


@dataclass(frozen=True)
class ResultFilters:
    """What the results are narrowed to. The period is the date the session starts."""

    course: Course | None = None
    session: Session | None = None
    organisation: Organisation | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def any(self) -> bool:
        return any((self.course, self.session, self.organisation, self.date_from, self.date_to))


@dataclass(frozen=True)
class StepFigures:
    """How many people were asked one step, and how many answered."""

    step: Step
    invited: int
    completed: int

    @property
    def label(self) -> str:
        return str(self.step.label)

    @property
    def response_rate(self) -> float | None:
        """Percentage answered, to one decimal place (None when nobody was asked)."""
        return round(100 * self.completed / self.invited, 1) if self.invited else None


@dataclass(frozen=True)
class RatingCount:
    rating: int
    people: int


@dataclass(frozen=True)
class QuestionResult:
    """One question at one step: how many answered and, when the group is big enough, what."""

    step: Step
    question_id: int
    text: str
    kind: QuestionKind
    scale_max: int
    low_label: str
    high_label: str
    people: int
    withheld: str  # the sentence shown instead of the figures; empty when they are shown
    average: float | None = None
    distribution: list[RatingCount] = field(default_factory=list)
    yes: int | None = None
    no: int | None = None
    answers: list[str] = field(default_factory=list)  # free text, in the order of the text

    @property
    def shown(self) -> bool:
        return not self.withheld


@dataclass(frozen=True)
class OutcomeCell:
    """The average confidence rating on one learning outcome at one step."""

    step: Step
    people: int
    withheld: str
    average: float | None = None

    @property
    def shown(self) -> bool:
        return not self.withheld


@dataclass(frozen=True)
class OutcomeResult:
    """The change in confidence on one learning outcome across the steps."""

    learning_outcome: str
    cells: list[OutcomeCell]  # in STEP_ORDER

    def cell(self, step: Step) -> OutcomeCell:
        return next(cell for cell in self.cells if cell.step == step)

    def _change(self, step: Step) -> float | None:
        before, later = self.cell(Step.BEFORE), self.cell(step)
        if before.average is None or later.average is None:
            return None
        return round(later.average - before.average, 2)

    @property
    def change_after(self) -> float | None:
        """From before to straight after, in points of the scale (None unless both shown)."""
        return self._change(Step.AFTER)

    @property
    def change_follow_up(self) -> float | None:
        """From before to follow-up, in points of the scale (None unless both shown)."""
        return self._change(Step.FOLLOW_UP)


@dataclass(frozen=True)
class ManagerComments:
    """What line managers said had changed in their people's practice, at follow-up."""

    people: int
    withheld: str
    comments: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return not self.withheld


@dataclass(frozen=True)
class StepQuestions:
    step: Step
    questions: list[QuestionResult]

    @property
    def label(self) -> str:
        return str(self.step.label)


@dataclass(frozen=True)
class EvaluationResults:
    steps: list[StepFigures]
    outcomes: list[OutcomeResult]
    questions: list[StepQuestions]
    manager_comments: ManagerComments
    # The highest rating scale among the questions shown, for the exports' columns.
    scale_max: int = 5

    @property
    def anyone_asked(self) -> bool:
        return any(step.invited for step in self.steps)


# Filters as conditions ------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filter_conditions(filters: ResultFilters, *, to_invitation: str) -> dict[str, Q]:
    """Each filter in use as a condition, for a query whose path to the invitation is
    `to_invitation` ("" from Invitation, "invitation__" from Answer)."""
    session = f"{to_invitation}booking__session"
    conditions: dict[str, Q] = {}
    if filters.course is not None:
        conditions["course"] = Q(**{f"{session}__course": filters.course.pk})
    if filters.session is not None:
        conditions["session"] = Q(**{session: filters.session.pk})
    if filters.organisation is not None:
        conditions["organisation"] = Q(
            **{f"{to_invitation}booking__attendee__organisation": filters.organisation.pk}
        )
    if filters.date_from is not None:
        conditions["date_from"] = Q(**{f"{session}__starts_at__gte": _start_of(filters.date_from)})
    if filters.date_to is not None:
        conditions["date_to"] = Q(
            **{f"{session}__starts_at__lt": _start_of(filters.date_to + timedelta(days=1))}
        )
    return conditions


@dataclass(frozen=True)
class _Groups:
    """The filtered group, and for each filter in use the answers it leaves out."""

    rows: Q  # every row any of the counts needs: the group and what each filter leaves out
    group: Q
    left_out: dict[str, Q]


def _groups(filters: ResultFilters, *, to_invitation: str) -> _Groups:
    conditions = _filter_conditions(filters, to_invitation=to_invitation)
    everything = Q()
    group = reduce(and_, conditions.values(), everything)
    left_out = {
        name: reduce(and_, (c for other, c in conditions.items() if other != name), everything)
        & ~condition
        for name, condition in conditions.items()
    }
    rows = reduce(or_, left_out.values(), group) if left_out else group
    return _Groups(rows=rows, group=group, left_out=left_out)


def _left_out_counts(
    groups: _Groups, counted: str, answered: Q, *, distinct: bool
) -> dict[str, Any]:
    return {
        f"left_out_{name}": Count(counted, filter=condition & answered, distinct=distinct)
        for name, condition in groups.left_out.items()
    }


def _withheld(row: dict[str, Any], people: int, groups: _Groups) -> str:
    """The sentence shown instead of a figure, or "" when it may be shown."""
    if people == 0:
        return NOBODY_ANSWERED
    if people < RESULTS_MINIMUM_GROUP:
        return FEWER_THAN_MINIMUM
    for name in groups.left_out:
        if 0 < row[f"left_out_{name}"] < RESULTS_MINIMUM_GROUP:
            return WOULD_SHOW_OTHERS
    return ""


# The results ---------------------------------------------------------------------------------


def evaluation_results(*, viewer: Viewer, filters: ResultFilters) -> EvaluationResults:
    """The results of the invitations the viewer may see, narrowed by the filters (six
    queries, whatever the number of sessions, questions and answers)."""
    visible = invitations_in_results_of(viewer)
    return EvaluationResults(
        steps=_step_figures(visible, filters),
        outcomes=_outcomes(visible, filters),
        questions=(questions := _questions(visible, filters)),
        manager_comments=_manager_comments(visible, filters),
        scale_max=max(
            [q.scale_max for step in questions for q in step.questions if q.kind == "rating"],
            default=5,
        ),
    )


def _step_figures(visible: Any, filters: ResultFilters) -> list[StepFigures]:
    group = _groups(filters, to_invitation="").group
    rows = (
        Invitation.objects.filter(pk__in=visible.values("pk"))
        .filter(group)
        .values("step")
        .annotate(invited=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
        .order_by()
    )
    by_step: dict[str, tuple[int, int]] = {
        row["step"]: (row["invited"], row["completed"]) for row in rows
    }
    return [
        StepFigures(
            step=step, invited=by_step.get(step, (0, 0))[0], completed=by_step.get(step, (0, 0))[1]
        )
        for step in STEP_ORDER
    ]


def _answers(visible: Any) -> Any:
    """Answers of completed invitations the viewer may see."""
    return Answer.objects.filter(
        invitation__in=visible.values("pk"), invitation__completed_at__isnull=False
    )


ANSWERED = Q(rating__isnull=False) | Q(yes_no__isnull=False) | ~Q(text="")


def _questions(visible: Any, filters: ResultFilters) -> list[StepQuestions]:
    groups = _groups(filters, to_invitation="invitation__")
    group = groups.group & ANSWERED
    ratings = {
        f"rated_{value}": Count("pk", filter=group & Q(rating=value))
        for value in range(1, SCALE_MAX_LIMIT + 1)
    }
    rows = list(
        _answers(visible)
        .filter(groups.rows)
        .values(
            "invitation__step",
            "question_id",
            "question__text",
            "question__kind",
            "question__scale_max",
            "question__low_label",
            "question__high_label",
        )
        .annotate(
            people=Count("pk", filter=group),
            average=Avg("rating", filter=group),
            yes=Count("pk", filter=group & Q(yes_no=True)),
            no=Count("pk", filter=group & Q(yes_no=False)),
            **ratings,
            **_left_out_counts(groups, "pk", ANSWERED, distinct=False),
        )
        .order_by("question__text", "question_id")
    )
    texts = _free_text(visible, groups)
    by_step: dict[str, list[QuestionResult]] = {step: [] for step in STEP_ORDER}
    for row in rows:
        people = row["people"]
        if people == 0:
            continue  # only answers left out by the filters: not a question of these results
        withheld = _withheld(row, people, groups)
        kind = QuestionKind(row["question__kind"])
        step = row["invitation__step"]
        scale_max = row["question__scale_max"]
        result = QuestionResult(
            step=Step(step),
            question_id=row["question_id"],
            text=row["question__text"],
            kind=kind,
            scale_max=scale_max,
            low_label=row["question__low_label"],
            high_label=row["question__high_label"],
            people=people,
            withheld=withheld,
        )
        if not withheld:
            result = _with_figures(result, row, texts.get((step, row["question_id"]), []))
        by_step[step].append(result)
    return [StepQuestions(step=step, questions=by_step[step]) for step in STEP_ORDER]


def _with_figures(result: QuestionResult, row: dict[str, Any], texts: list[str]) -> QuestionResult:
    if result.kind == QuestionKind.RATING:
        return replace(
            result,
            average=round(row["average"], 2) if row["average"] is not None else None,
            distribution=[
                RatingCount(rating=value, people=row[f"rated_{value}"])
                for value in range(1, result.scale_max + 1)
            ],
        )
    if result.kind == QuestionKind.YES_NO:
        return replace(result, yes=row["yes"], no=row["no"])
    return replace(result, answers=texts)


def _free_text(visible: Any, groups: _Groups) -> dict[tuple[str, int], list[str]]:
    """Free-text answers in the group, by step and question, in the order of the text."""
    rows = (
        _answers(visible)
        .filter(groups.group, question__kind=QuestionKind.FREE_TEXT)
        .exclude(text="")
        .values_list("invitation__step", "question_id", "text")
        .order_by("text", "pk")
    )
    texts: dict[tuple[str, int], list[str]] = {}
    for step, question_id, text in rows:
        texts.setdefault((step, question_id), []).append(text)
    return texts


def _outcomes(visible: Any, filters: ResultFilters) -> list[OutcomeResult]:
    """The average rating of every rating question measuring each learning outcome, at each
    step. A person counts once in a step's group however many of its questions they answered."""
    groups = _groups(filters, to_invitation="invitation__")
    rated = Q(rating__isnull=False)
    rows = (
        _answers(visible)
        .filter(groups.rows, question__kind=QuestionKind.RATING)
        .exclude(question__learning_outcome="")
        .values("question__learning_outcome", "invitation__step")
        .annotate(
            people=Count("invitation", filter=groups.group & rated, distinct=True),
            average=Avg("rating", filter=groups.group & rated),
            **_left_out_counts(groups, "invitation", rated, distinct=True),
        )
        .order_by("question__learning_outcome")
    )
    by_outcome: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        by_outcome.setdefault(row["question__learning_outcome"], {})[row["invitation__step"]] = row
    outcomes = []
    for outcome, steps in by_outcome.items():
        if not any(row["people"] for row in steps.values()):
            continue
        cells = []
        for step in STEP_ORDER:
            row = steps.get(step)
            people = row["people"] if row else 0
            withheld = _withheld(row, people, groups) if row else NOBODY_ANSWERED
            average = row["average"] if row and not withheld else None
            cells.append(
                OutcomeCell(
                    step=step,
                    people=people,
                    withheld=withheld,
                    average=round(average, 2) if average is not None else None,
                )
            )
        outcomes.append(OutcomeResult(learning_outcome=outcome, cells=cells))
    return outcomes


def _manager_comments(visible: Any, filters: ResultFilters) -> ManagerComments:
    """Line managers' comments at follow-up: counted, with what each filter leaves out, in one
    query; listed in the order of the text in another (two queries, shown or not)."""
    groups = _groups(filters, to_invitation="")
    commented = ~Q(manager_comment="")
    follow_ups = Invitation.objects.filter(pk__in=visible.values("pk"), step=Step.FOLLOW_UP)
    counts = follow_ups.filter(groups.rows).aggregate(
        people=Count("pk", filter=groups.group & commented),
        **_left_out_counts(groups, "pk", commented, distinct=False),
    )
    comments = list(
        follow_ups.filter(groups.group)
        .exclude(manager_comment="")
        .order_by("manager_comment", "pk")
        .values_list("manager_comment", flat=True)
    )
    people = counts["people"]
    withheld = _withheld(counts, people, groups)
    return ManagerComments(people=people, withheld=withheld, comments=[] if withheld else comments)
