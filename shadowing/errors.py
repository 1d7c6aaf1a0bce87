"""The one error shadowing's services raise: a plain sentence for the person, nothing changed."""

from __future__ import annotations


class ShadowingError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
