"""Take the snapshots of past days from history: `manage.py reporting_backfill --from 2026-01-01
--to 2026-03-31 [--replace]`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.enums import RECOMPUTABLE_PARTS
from reporting.models import (
    BookingFigure,
    ComplianceFigure,
    EvaluationFigure,
    SessionMixFigure,
    ShadowingFigure,
)
from reporting.services.snapshots import SnapshotDayNotClosed, snapshots_backfill


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None


# What the summary line counts, in the order it says them.
FIGURES = (
    ("compliance", ComplianceFigure),
    ("booking", BookingFigure),
    ("session", SessionMixFigure),
    ("evaluation", EvaluationFigure),
    ("shadowing", ShadowingFigure),
)


class Command(BaseCommand):
    help = (
        "Take the snapshot of every day in a range that can be worked out from history "
        f"({', '.join(sorted(RECOMPUTABLE_PARTS))}). Days already taken are skipped unless "
        "--replace."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, type=_day)
        parser.add_argument("--to", dest="date_to", required=True, type=_day)
        parser.add_argument("--replace", action="store_true", help="Take again days already taken.")

    def handle(
        self, *args: Any, date_from: date, date_to: date, replace: bool, **options: Any
    ) -> None:
        if date_to < date_from:
            raise CommandError("The --to day must be on or after the --from day.")
        try:
            result = snapshots_backfill(date_from=date_from, date_to=date_to, replace=replace)
        except SnapshotDayNotClosed as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Took {len(result.taken)} days, skipped {len(result.skipped)} already taken."
        )
        if result.taken:
            counts = ", ".join(
                f"{model.objects.filter(snapshot__day__in=result.taken).count()} {label}"
                for label, model in FIGURES
            )
            self.stdout.write(f"Figure rows stored: {counts}.")
