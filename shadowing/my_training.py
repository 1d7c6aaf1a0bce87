"""Shadowing's section of My training (compliance.my_training_sections)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from compliance.my_training_sections import MyTrainingSection

if TYPE_CHECKING:
    from accounts.models import User


def my_training_section(user: User) -> MyTrainingSection | None:
    return None
