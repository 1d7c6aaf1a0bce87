"""The question bank and each demo course's evaluation.

Each course asks a confidence rating, 1 to 5, on each of its learning outcomes at every step it
uses, so results show the change from before to after to follow-up; and the shared questions
(`content.toml`) at their step. Made only for courses with no evaluation yet, so a second run,
or a course the partnership team has since changed, is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from demo.evaluations.content import CONTENT, Content
from evaluations.enums import QuestionKind, Step
from evaluations.models import CourseEvaluation, CourseQuestion, Question
from training.models import Course

# Each step stays open two weeks once asked, with one reminder after a week.
OPEN_DAYS = 14
REMINDER_DAYS = 7
RATING_LOW, RATING_HIGH = "Not at all confident", "Very confident"


@dataclass(frozen=True)
class AskedQuestion:
    """A question one course asks at one step, as the answers need it."""

    question_id: int
    kind: str
    # The shared question's key, or "" for a confidence rating on a learning outcome.
    key: str
    outcome: str
    required: bool


def outcome_phrase(outcome: str) -> str:
    return outcome.strip().rstrip(".")


def confidence_text(outcome: str) -> str:
    """ "Recognise the signs of neglect." → "How confident are you that you can recognise the
    signs of neglect?"."""
    first, _, rest = outcome_phrase(outcome).partition(" ")
    verb = first.lower()
    if verb in {"understand", "know"}:
        return f"How confident are you that you {verb} {rest}?"
    return f"How confident are you that you can {verb} {rest}?"


def course_outcomes(course: Course) -> list[str]:
    return [line.strip() for line in course.outcomes.splitlines() if line.strip()]


def evaluations_bank_seed(content: Content = CONTENT) -> tuple[int, int]:
    """Make the questions and evaluations of the demo courses that have none. Returns how
    many questions and evaluations were made."""
    courses = list(
        Course.objects.filter(slug__in=[c.slug for c in content.courses], evaluation__isnull=True)
    )
    if not courses:
        return 0, 0
    wanted: dict[str, Question] = {}
    for shared in content.questions:
        wanted[shared.text] = Question(
            text=shared.text,
            kind=shared.kind,
            hint=shared.hint,
            scale_max=5,
            low_label=shared.low_label if shared.kind == QuestionKind.RATING else "",
            high_label=shared.high_label if shared.kind == QuestionKind.RATING else "",
        )
    for course in courses:
        for outcome in course_outcomes(course):
            wanted[confidence_text(outcome)] = Question(
                text=confidence_text(outcome),
                kind=QuestionKind.RATING,
                learning_outcome=outcome_phrase(outcome),
                scale_max=5,
                low_label=RATING_LOW,
                high_label=RATING_HIGH,
            )
    existing = {q.text: q for q in Question.objects.filter(text__in=list(wanted))}
    new = [question for text, question in wanted.items() if text not in existing]
    for question in new:
        question.full_clean()
    Question.objects.bulk_create(new)
    by_text = {**existing, **{q.text: q for q in new}}

    course_questions: list[CourseQuestion] = []
    for course in courses:
        spec = content.course(course.slug)
        evaluation = CourseEvaluation(
            course=course,
            uses_before=spec.uses_before,
            uses_after=True,
            uses_follow_up=spec.uses_follow_up,
            certificate_waits_for_after=spec.certificate_waits,
            follow_up_weeks=spec.follow_up_weeks,
            open_days=OPEN_DAYS,
            reminder_days=REMINDER_DAYS,
            asks_manager_at_follow_up=spec.uses_follow_up,
        )
        evaluation.full_clean()
        evaluation.save()
        for step in Step:
            if not evaluation.uses(step):
                continue
            texts = [confidence_text(outcome) for outcome in course_outcomes(course)]
            texts += [shared.text for shared in content.questions if shared.step == step]
            required = {shared.text: shared.required for shared in content.questions}
            course_questions += [
                CourseQuestion(
                    evaluation=evaluation,
                    question=by_text[text],
                    step=step,
                    position=position,
                    is_required=required.get(text, True),
                )
                for position, text in enumerate(texts)
            ]
    CourseQuestion.objects.bulk_create(course_questions)
    return len(new), len(courses)


def asked_questions(content: Content = CONTENT) -> dict[tuple[int, str], list[AskedQuestion]]:
    """What each demo course asks at each step, by (course id, step), in order."""
    keys = {shared.text: shared.key for shared in content.questions}
    asked: dict[tuple[int, str], list[AskedQuestion]] = {}
    rows = (
        CourseQuestion.objects.filter(
            evaluation__course__slug__in=[c.slug for c in content.courses]
        )
        .select_related("question", "evaluation")
        .order_by("evaluation__course_id", "step", "position", "pk")
    )
    for row in rows:
        question = row.question
        asked.setdefault((row.evaluation.course_id, row.step), []).append(
            AskedQuestion(
                question_id=question.pk,
                kind=question.kind,
                key=keys.get(question.text, ""),
                outcome=question.learning_outcome,
                required=row.is_required,
            )
        )
    return asked
