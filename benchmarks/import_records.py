"""How long an import of historic training records takes: reading, checking, applying.

    .venv/bin/python benchmarks/import_records.py            # 1,000 rows
    .venv/bin/python benchmarks/import_records.py --rows 5000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learning_hub \\
        .venv/bin/python benchmarks/import_records.py

Measured by a script, not a timed test, because timings vary with the machine.

It uses the configured database (DATABASE_URL; the SQLite file by default), which must be
migrated (`make migrate`). Each run builds a throwaway organisation (standards, a coordinator,
and one member for every two rows, a fifth of them with a record already) inside a transaction
that is rolled back, so nothing is kept. Uploaded copies go to a temporary folder.

For each file format it prints the seconds taken to parse, to check every row, to store the
upload for its preview (parse, check and save), to apply it (the confirmation: lock, check
again, insert the records, their standards and their history), the total of upload and apply,
the number of database queries for upload and apply, and the records added.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The upload is kept in (private) storage; keep the benchmark's copies out of the project.
_scratch = tempfile.mkdtemp(prefix="record-import-benchmark-")
os.environ.setdefault("MEDIA_ROOT", _scratch)
os.environ.setdefault("PRIVATE_MEDIA_ROOT", _scratch)

import django  # noqa: E402

django.setup()
# The services log every upload and import; the figures are what matters here.
logging.disable(logging.INFO)

import openpyxl  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from accounts.models import User  # noqa: E402
from organisations.enums import MembershipKind, Sector  # noqa: E402
from organisations.models import Membership, Organisation  # noqa: E402
from training.enums import RecordSource  # noqa: E402
from training.models import TrainingRecord, TrainingStandard  # noqa: E402
from training.record_imports.columns import RECORD_COLUMNS  # noqa: E402
from training.record_imports.parsing import upload_parse  # noqa: E402
from training.record_imports.validation import rows_validate  # noqa: E402
from training.services.record_imports import (  # noqa: E402
    ApplyOutcome,
    record_import_apply,
    record_import_create,
)

STANDARDS = [("Level 1", 36), ("Level 2", 36), ("Level 3", 36), ("DSL", 24), ("Induction", None)]
ROWS_PER_PERSON = 2
# Share of people who already have a record (a different course), so the check for training
# already on someone's record has rows to compare with.
WITH_RECORD_SHARE = 5
FIRST_DAY = date(2019, 1, 1)


class Rollback(Exception):
    """Raised to roll the run's transaction back."""


def world_build(tag: str, people: int) -> tuple[Organisation, User, list[TrainingStandard]]:
    """A throwaway organisation with standards, a coordinator and its members."""
    organisation = Organisation.objects.create(
        name=f"Benchmark agency {tag}", slug=f"benchmark-{tag}", sector=Sector.HEALTH_TRUST
    )
    standards = TrainingStandard.objects.bulk_create(
        TrainingStandard(name=f"{name} {tag}", slug=f"{name.lower()}-{tag}", validity_months=m)
        for name, m in STANDARDS
    )
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"person{n}@{tag}.example",
            first_name="Person",
            last_name=str(n),
            password=password,
        )
        for n in range(people)
    )
    Membership.objects.bulk_create(
        Membership(
            user=user, organisation=organisation, kind=MembershipKind.STAFF, start_date=FIRST_DAY
        )
        for user in users
    )
    records = TrainingRecord.objects.bulk_create(
        TrainingRecord(
            user=user,
            title="Earlier course",
            cpd_hours=3,
            completed_on=date(2022, 5, 1),
            source=RecordSource.ATTENDANCE,
        )
        for user in users[::WITH_RECORD_SHARE]
    )
    through = TrainingRecord.standards.through
    through.objects.bulk_create(
        through(trainingrecord_id=record.pk, trainingstandard_id=standards[0].pk)
        for record in records
    )
    coordinator = User.objects.create(
        email=f"coordinator@{tag}.example", first_name="Co", last_name="Ordinator"
    )
    Membership.objects.create(
        user=coordinator,
        organisation=organisation,
        kind=MembershipKind.STAFF,
        is_coordinator=True,
    )
    return organisation, coordinator, standards


def rows_make(count: int, tag: str, standards: list[TrainingStandard]) -> list[list[Any]]:
    """The header and `count` rows: two pieces of training a person, in the date formats people
    type, some naming two standards, by name or by short name."""
    rows: list[list[Any]] = [[column.name for column in RECORD_COLUMNS]]
    for n in range(count):
        person = n // ROWS_PER_PERSON
        day = FIRST_DAY + timedelta(days=(n * 7) % 2000)
        written = (day.strftime("%d/%m/%Y"), day.isoformat(), day.strftime("%d %B %Y"))[n % 3]
        first, second = standards[n % 4], standards[(n + 1) % 5]
        standard = first.name if n % 3 else f"{first.slug}; {second.name}"
        rows.append(
            [
                f"person{person}@{tag}.example",
                f"Course {n % 40}",
                standard,
                written,
                ("3", "1.5", "6", "0.5")[n % 4],
                "Benchmark provider" if n % 2 else "",
            ]
        )
    return rows


def csv_make(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_make(rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def run(file_format: str, count: int) -> dict[str, float | int]:
    """One full import of `count` rows in the given format, rolled back afterwards."""
    tag = uuid.uuid4().hex[:8]
    figures: dict[str, float | int] = {}
    # Read in the upload however big the file: a task would do the same work, but only after a
    # commit, which a rolled-back run never makes.
    with rolled_back(), override_settings(IMPORT_BACKGROUND_BYTES=sys.maxsize):
        people = (count + ROWS_PER_PERSON - 1) // ROWS_PER_PERSON
        organisation, coordinator, standards = world_build(tag, people)
        rows = rows_make(count, tag, standards)
        content = csv_make(rows) if file_format == "csv" else xlsx_make(rows)
        filename = f"records.{file_format}"

        figures["parse"], parsed = timed(lambda: upload_parse(content=content, filename=filename))
        figures["validate"], result = timed(
            lambda: rows_validate(organisation=organisation, importer=coordinator, rows=parsed.rows)
        )
        if not result.ok:
            raise SystemExit(f"The benchmark file has problems: {result.problems[:3]}")

        with CaptureQueriesContext(connection) as queries:
            figures["upload"], batch = timed(
                lambda: record_import_create(
                    organisation=organisation,
                    uploaded_by=coordinator,
                    content=content,
                    filename=filename,
                )
            )
            upload_queries = len(queries.captured_queries)
            figures["apply"], outcome = timed(
                lambda: record_import_apply(batch=batch, applied_by=coordinator)
            )
        if outcome != ApplyOutcome.APPLIED:
            raise SystemExit(f"The import was not applied: {outcome}")
        figures["total"] = figures["upload"] + figures["apply"]
        figures["upload_queries"] = upload_queries
        figures["apply_queries"] = len(queries.captured_queries) - upload_queries
        figures["records"] = TrainingRecord.objects.filter(import_batch=batch).count()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000, help="rows of training in the file")
    arguments = parser.parse_args()
    print(f"Database: {connection.vendor}. Rows: {arguments.rows:,}.")
    print(
        "upload = parse + check + store for the preview; "
        "apply = lock + check again + insert records, standards and history; "
        "total = upload + apply"
    )
    header = f"{'format':<7}{'parse':>9}{'validate':>10}{'upload':>9}{'apply':>9}{'total':>9}"
    print(header + f"{'queries (upload+apply)':>24}{'records':>9}")
    for file_format in ("csv", "xlsx"):
        f = run(file_format, arguments.rows)
        queries = f"{f['upload_queries']} + {f['apply_queries']}"
        print(
            f"{file_format:<7}{f['parse']:>8.3f}s{f['validate']:>9.3f}s{f['upload']:>8.3f}s"
            f"{f['apply']:>8.3f}s{f['total']:>8.3f}s{queries:>24}{f['records']:>9}"
        )


if __name__ == "__main__":
    main()
