"""Evaluation results as CSV and Excel: the same figures as the page, withheld where the page
withholds them (`evaluations.selectors.results`), for the same viewer and filters.

The CSV holds the figures, one row for each step's response rate, each learning outcome at each
step and each question at each step. The workbook holds the same rows on its first sheet, and
the free-text answers and line managers' comments (where shown) on a second. Nothing names a
person, a booking or when anyone answered. The files are written by `config.spreadsheets`, which
keeps typed text from running as a formula.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse

from config.spreadsheets import CellValue, Sheet, table_csv_response, table_xlsx_response
from evaluations.enums import QuestionKind, Step
from evaluations.selectors.results import (
    EvaluationResults,
    OutcomeResult,
    QuestionResult,
    ResultFilters,
)

SECTION_RESPONSES = "Response rate"
SECTION_CONFIDENCE = "Confidence"
SECTION_QUESTION = "Question"


def results_header(results: EvaluationResults) -> list[str]:
    """The columns of the figures, with one "Rated n" column for each point of the longest
    rating scale in the results."""
    return [
        "Section",
        "Step",
        "Question or learning outcome",
        "Kind of question",
        "Asked",
        "People answering",
        "Response rate (%)",
        "Average rating",
        "Change since before",
        "Yes",
        "No",
        *(f"Rated {value}" for value in range(1, results.scale_max + 1)),
        "Note",
    ]


def _row(
    results: EvaluationResults,
    *,
    section: str,
    step: Step,
    subject: str = "",
    kind: str = "",
    asked: int | None = None,
    people: int | None = None,
    rate: float | None = None,
    average: float | None = None,
    change: float | None = None,
    yes: int | None = None,
    no: int | None = None,
    ratings: dict[int, int] | None = None,
    note: str = "",
) -> list[CellValue]:
    counts = ratings or {}
    return [
        section,
        str(step.label),
        subject,
        kind,
        asked,
        people,
        rate,
        average,
        change,
        yes,
        no,
        *(counts.get(value) for value in range(1, results.scale_max + 1)),
        note,
    ]


def _outcome_rows(results: EvaluationResults, outcome: OutcomeResult) -> Iterator[list[CellValue]]:
    changes = {Step.AFTER: outcome.change_after, Step.FOLLOW_UP: outcome.change_follow_up}
    for cell in outcome.cells:
        yield _row(
            results,
            section=SECTION_CONFIDENCE,
            step=cell.step,
            subject=outcome.learning_outcome,
            people=cell.people if cell.shown else None,
            average=cell.average,
            change=changes.get(cell.step),
            note=cell.withheld,
        )


def _question_row(results: EvaluationResults, question: QuestionResult) -> list[CellValue]:
    return _row(
        results,
        section=SECTION_QUESTION,
        step=question.step,
        subject=question.text,
        kind=str(QuestionKind(question.kind).label),
        people=question.people if question.shown else None,
        average=question.average,
        yes=question.yes,
        no=question.no,
        ratings={count.rating: count.people for count in question.distribution},
        note=question.withheld,
    )


def results_rows(results: EvaluationResults) -> Iterator[list[CellValue]]:
    """The figures, in the order of `results_header`. A withheld figure is blank, with the
    reason in the note."""
    for step in results.steps:
        if step.invited:
            yield _row(
                results,
                section=SECTION_RESPONSES,
                step=step.step,
                asked=step.invited,
                people=step.completed,
                rate=step.response_rate,
            )
    for outcome in results.outcomes:
        yield from _outcome_rows(results, outcome)
    for step_questions in results.questions:
        for question in step_questions.questions:
            yield _question_row(results, question)


TEXT_HEADER = ["Step", "Question", "Answer"]


def text_rows(results: EvaluationResults) -> Iterator[list[CellValue]]:
    """Free-text answers and line managers' comments that the page shows, without names."""
    for step_questions in results.questions:
        for question in step_questions.questions:
            if question.kind != QuestionKind.FREE_TEXT:
                continue
            if not question.shown:
                yield [step_questions.label, question.text, question.withheld]
                continue
            for answer in question.answers:
                yield [step_questions.label, question.text, answer]
    comments = results.manager_comments
    asked = "What has changed in their practice (line managers)"
    if comments.people and not comments.shown:
        yield [str(Step.FOLLOW_UP.label), asked, comments.withheld]
    for comment in comments.comments:
        yield [str(Step.FOLLOW_UP.label), asked, comment]


def export_filename(filters: ResultFilters) -> str:
    """A file name saying what the results are of (without its extension)."""
    parts = ["evaluation-results"]
    if filters.course is not None:
        parts.append(filters.course.slug)
    if filters.session is not None:
        parts.append(f"session-{filters.session.pk}")
    if filters.organisation is not None:
        parts.append(filters.organisation.slug)
    if filters.date_from is not None:
        parts.append(f"from-{filters.date_from.isoformat()}")
    if filters.date_to is not None:
        parts.append(f"to-{filters.date_to.isoformat()}")
    return "-".join(parts)


def results_csv_response(filename: str, results: EvaluationResults) -> HttpResponse:
    return table_csv_response(filename, results_header(results), results_rows(results))


def results_xlsx_response(filename: str, results: EvaluationResults) -> HttpResponse:
    header = results_header(results)
    return table_xlsx_response(
        filename,
        Sheet(
            "Results",
            header,
            results_rows(results),
            widths=(16, 26, 48, 16, 8, 10, 12, 10, 12, 8, 8, *([8] * results.scale_max), 60),
        ),
        Sheet("Free text", TEXT_HEADER, text_rows(results), widths=(26, 48, 80)),
    )
