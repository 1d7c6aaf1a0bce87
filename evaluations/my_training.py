"""Evaluations' section of My training (compliance.my_training_sections): the evaluations the
person is asked to answer, and follow-ups for the people they manage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from compliance.my_training_sections import MyTrainingSection
from evaluations.selectors.answering import evaluations_of

if TYPE_CHECKING:
    from accounts.models import User


def my_training_section(user: User) -> MyTrainingSection | None:
    evaluations = evaluations_of(user)
    if not (evaluations.to_answer or evaluations.for_my_staff):
        return None
    return MyTrainingSection(
        order=10,
        template="evaluations/_my_training.html",
        context={"to_answer": evaluations.to_answer, "for_my_staff": evaluations.for_my_staff},
    )
