"""Keeping the standards' cover table in step with what each standard satisfies."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from training.models import StandardCover, TrainingStandard


def covers_for(
    standard_ids: Iterable[int], satisfies: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Every (standard, covered) pair: each standard meets itself and, through any chain of
    "satisfies", every standard below it. Pure, so the migration can use it too."""
    below: dict[int, set[int]] = {}
    for higher, lower in satisfies:
        below.setdefault(higher, set()).add(lower)
    pairs: set[tuple[int, int]] = set()
    for start in standard_ids:
        seen = {start}
        todo = [start]
        while todo:
            for lower in below.get(todo.pop(), ()):
                if lower not in seen:
                    seen.add(lower)
                    todo.append(lower)
        pairs.update((start, covered) for covered in seen)
    return pairs


@transaction.atomic
def standard_covers_rebuild() -> None:
    """Rebuild the whole table (a few dozen rows) from the standards as they are now."""
    edges = TrainingStandard.satisfies.through.objects.values_list(
        "from_trainingstandard_id", "to_trainingstandard_id"
    )
    wanted = covers_for(TrainingStandard.objects.values_list("id", flat=True), edges)
    existing = set(StandardCover.objects.values_list("standard_id", "covered_id"))
    for standard_id, covered_id in existing - wanted:
        StandardCover.objects.filter(standard_id=standard_id, covered_id=covered_id).delete()
    StandardCover.objects.bulk_create(
        StandardCover(standard_id=s, covered_id=c) for s, c in wanted - existing
    )
