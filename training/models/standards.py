"""`StandardCover`: which standards each standard meets, including itself and everything it
meets through a chain ("level 3 meets 2, 2 meets 1" so 3 meets 1). Rebuilt whenever a standard
changes (`training.services.standards.standard_covers_rebuild`), so queries join one small table
instead of walking the chain. (`TrainingStandard` itself is in `courses`.)
"""

from __future__ import annotations

from django.db import models


class StandardCover(models.Model):
    """`standard` meets `covered` (every standard meets itself)."""

    standard = models.ForeignKey(
        "training.TrainingStandard", on_delete=models.CASCADE, related_name="covers"
    )
    covered = models.ForeignKey(
        "training.TrainingStandard", on_delete=models.CASCADE, related_name="covered_by"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["standard", "covered"], name="standard_cover_once")
        ]
        indexes = [models.Index(fields=["covered", "standard"])]

    def __str__(self) -> str:
        return f"{self.standard} meets {self.covered}"
