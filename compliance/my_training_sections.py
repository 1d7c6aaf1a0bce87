"""Sections other apps add to My training, which compliance owns.

My training is where a person looks for everything about their own training, but some of it
belongs to apps above compliance (their certificates, the evaluations they are asked to
answer). Each module named in `settings.MY_TRAINING_SECTIONS` has
`my_training_section(user) -> MyTrainingSection | None`; the modules are imported by name, as
navigation's are, so compliance imports no app above it (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class MyTrainingSection:
    """A template rendered on My training with `section` (this) in its context; `order` places
    it among the others, after the page's own sections."""

    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@cache
def _modules() -> tuple[ModuleType, ...]:
    return tuple(import_module(name) for name in settings.MY_TRAINING_SECTIONS)


def my_training_sections(user: User) -> list[MyTrainingSection]:
    """The sections for this person, in order; apps with nothing to show give none."""
    sections = [module.my_training_section(user) for module in _modules()]
    return sorted((s for s in sections if s is not None), key=lambda s: s.order)
