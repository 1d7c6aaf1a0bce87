"""The demo's evaluations as data (`content.toml`): the shared questions, each course's
settings, how its learners answer and what they write."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from evaluations.enums import QuestionKind, Step

CONTENT_FILE = Path(__file__).resolve().parent / "content.toml"


@dataclass(frozen=True)
class SharedQuestion:
    """A question every course asks at one step (as well as its own confidence ratings)."""

    key: str
    step: Step
    kind: QuestionKind
    text: str
    hint: str = ""
    required: bool = True
    low_label: str = ""
    high_label: str = ""


@dataclass(frozen=True)
class Confidence:
    """How confident a course's learners are: the mean rating before, the gain straight
    after, and how much of it has faded by the follow-up."""

    before: float
    gain: float
    fade: float


@dataclass(frozen=True)
class CourseAnswers:
    """One course's evaluation and how its learners answer it."""

    slug: str
    uses_before: bool
    uses_follow_up: bool
    follow_up_weeks: int
    certificate_waits: bool
    confidence: Confidence
    overall: float
    rates: dict[Step, float]
    differently: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    questions: tuple[SharedQuestion, ...]
    courses: tuple[CourseAnswers, ...]
    hopes: tuple[str, ...]
    improve: tuple[str, ...]
    next_steps: tuple[str, ...]
    manager: tuple[str, ...]

    def course(self, slug: str) -> CourseAnswers:
        return next(course for course in self.courses if course.slug == slug)


def content_load(path: Path = CONTENT_FILE) -> Content:
    with path.open("rb") as file:
        data = tomllib.load(file)
    generic = data["generic"]
    return Content(
        questions=tuple(
            SharedQuestion(
                key=row["key"],
                step=Step(row["step"]),
                kind=QuestionKind(row["kind"]),
                text=row["text"],
                hint=row.get("hint", ""),
                required=row.get("required", True),
                low_label=row.get("low_label", ""),
                high_label=row.get("high_label", ""),
            )
            for row in data["question"]
        ),
        courses=tuple(
            CourseAnswers(
                slug=row["slug"],
                uses_before=row.get("before", True),
                uses_follow_up=row.get("follow_up", True),
                follow_up_weeks=row.get("follow_up_weeks", 6),
                certificate_waits=row["certificate_waits"],
                confidence=Confidence(*row["confidence"]),
                overall=row["overall"],
                rates=dict(
                    zip((Step.BEFORE, Step.AFTER, Step.FOLLOW_UP), row["rates"], strict=True)
                ),
                differently=tuple(row["differently"]),
                changed=tuple(row["changed"]),
            )
            for row in data["course"]
        ),
        hopes=tuple(generic["hopes"]),
        improve=tuple(generic["improve"]),
        next_steps=tuple(generic["next_steps"]),
        manager=tuple(generic["manager"]),
    )


CONTENT = content_load()
