"""How long a bulk import of people takes: reading the file, checking it, applying it.

    .venv/bin/python benchmarks/import_people.py            # 1,000 rows
    .venv/bin/python benchmarks/import_people.py --rows 5000

The issue asks for 1,000 rows in well under 10 seconds. This script measures it, rather than a
timed test, because timings vary with the machine.

It uses the configured database (DATABASE_URL; the SQLite file by default), which must be
migrated (`make migrate`). Each run builds a throwaway organisation (an email domain, job roles,
50 managers and 100 people who already have an account) inside a transaction that is rolled
back, so nothing is kept. Uploaded copies go to a temporary folder. Emails are not sent: they
are queued for after the commit, which never comes. Sending is the Celery workers' job.

For each file format it prints the seconds taken to parse, to check every row, to store the
upload for its preview, to apply it (the confirmation: check again, then create everyone), the
total of upload and apply, and the number of database queries.
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
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The upload is kept in storage; keep the benchmark's copies out of the project's media.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="import-benchmark-"))

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
from organisations.imports.columns import STAFF_COLUMNS  # noqa: E402
from organisations.imports.parsing import upload_parse  # noqa: E402
from organisations.imports.services import (  # noqa: E402
    ApplyOutcome,
    import_batch_apply,
    import_batch_create,
)
from organisations.imports.validation import rows_validate  # noqa: E402
from organisations.models import EmailDomain, JobRole, Membership, Organisation  # noqa: E402

JOB_ROLES = ["Social worker", "Senior social worker", "Family support worker", "Team manager"]
MANAGERS = 50
EXISTING_PEOPLE = 100
# The date formats people type, so parsing dates is measured fairly.
DATE_TEXTS = ["01/09/2025", "2025-09-01", "1 September 2025", "1 Sep 2025", ""]


class Rollback(Exception):
    """Raised to roll the run's transaction back."""


def world_build(tag: str) -> tuple[Organisation, User]:
    """A throwaway organisation with a domain, job roles, managers and existing accounts."""
    organisation = Organisation.objects.create(
        name=f"Benchmark agency {tag}",
        slug=f"benchmark-{tag}",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
    )
    EmailDomain.objects.create(organisation=organisation, domain=f"{tag}.example")
    for name in JOB_ROLES:
        JobRole.objects.get_or_create(name=name, sector=Sector.CHILDRENS_SOCIAL_CARE)
    password = make_password(None)
    people = User.objects.bulk_create(
        User(
            email=f"{kind}{n}@{tag}.example",
            first_name="Existing",
            last_name=f"Person {n}",
            password=password,
        )
        for kind, count in (("manager", MANAGERS), ("existing", EXISTING_PEOPLE))
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisation, kind=MembershipKind.STAFF)
        for user in people[:MANAGERS]
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
    return organisation, coordinator


def rows_make(count: int, tag: str) -> list[list[str]]:
    """The header and `count` people: mostly new, some with accounts, managers of both kinds."""
    rows = [[column.name for column in STAFF_COLUMNS]]
    for n in range(count):
        email = f"existing{n}@{tag}.example" if n < EXISTING_PEOPLE else f"new{n}@{tag}.example"
        if n % 10 == 9 and n > EXISTING_PEOPLE:
            manager = f"new{n - 1}@{tag}.example"  # a manager who is in the same file
        else:
            manager = f"manager{n % MANAGERS}@{tag}.example"
        rows.append(
            [
                f"First{n}",
                f"Last{n}",
                email,
                JOB_ROLES[n % len(JOB_ROLES)],
                manager,
                DATE_TEXTS[n % len(DATE_TEXTS)],
            ]
        )
    return rows


def csv_make(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_make(rows: list[list[str]]) -> bytes:
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
        organisation, coordinator = world_build(tag)
        rows = rows_make(count, tag)
        content = csv_make(rows) if file_format == "csv" else xlsx_make(rows)
        filename = f"people.{file_format}"
        kind = MembershipKind.STAFF

        figures["parse"], parsed = timed(
            lambda: upload_parse(content=content, filename=filename, kind=kind)
        )
        figures["validate"], result = timed(
            lambda: rows_validate(organisation=organisation, kind=kind, rows=parsed.rows)
        )
        if not result.ok:
            raise SystemExit(f"The benchmark file has problems: {result.problems[:3]}")

        with CaptureQueriesContext(connection) as queries:
            figures["upload"], batch = timed(
                lambda: import_batch_create(
                    organisation=organisation,
                    kind=kind,
                    uploaded_by=coordinator,
                    content=content,
                    filename=filename,
                )
            )
            figures["apply"], outcome = timed(
                lambda: import_batch_apply(batch=batch, applied_by=coordinator)
            )
        if outcome != ApplyOutcome.APPLIED:
            raise SystemExit(f"The import was not applied: {outcome}")
        figures["total"] = figures["upload"] + figures["apply"]
        figures["queries"] = len(queries.captured_queries)
        batch.refresh_from_db()
        figures["invited"], figures["added"] = batch.invited_count, batch.added_count
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000, help="people in the file")
    arguments = parser.parse_args()
    print(f"Database: {connection.vendor}. Rows: {arguments.rows:,}.")
    print(
        "upload = parse + check + store for the preview; "
        "apply = check again + create everyone; total = upload + apply"
    )
    header = f"{'format':<7}{'parse':>9}{'validate':>10}{'upload':>9}{'apply':>9}{'total':>9}"
    print(header + f"{'queries':>9}{'invited':>9}{'added':>7}")
    for file_format in ("csv", "xlsx"):
        f = run(file_format, arguments.rows)
        print(
            f"{file_format:<7}{f['parse']:>8.3f}s{f['validate']:>9.3f}s{f['upload']:>8.3f}s"
            f"{f['apply']:>8.3f}s{f['total']:>8.3f}s{f['queries']:>9}{f['invited']:>9}"
            f"{f['added']:>7}"
        )


if __name__ == "__main__":
    main()
