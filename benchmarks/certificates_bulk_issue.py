"""How fast a big programme's certificates are issued: 1,000 people who attended one session in
full, issued by the sweep (`certificates.services.issuing.certificates_issue_due`) in one
process, as one worker runs it.

    .venv/bin/python benchmarks/certificates_bulk_issue.py               # SQLite, a temporary file
    .venv/bin/python benchmarks/certificates_bulk_issue.py --people 2000
    .venv/bin/python benchmarks/certificates_bulk_issue.py \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres        # PostgreSQL

On a fresh database (migrated here), the script makes the people, their bookings marked
attended and their training records with the tests' factories (not timed), then times the
sweep and counts its queries, and runs it again to show a rerun issues nothing. Both runs are
inside one transaction that is rolled back at the end, so the certificate emails (sent after
commit by their own task, on a worker) are not part of the figure.

The issue's target: under 60 s for 1,000 certificates on one worker, and under 100 queries
per 100 certificates.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import fresh_database, manage

TARGET_SECONDS = 60.0
TARGET_QUERIES_PER_100 = 100


class Rollback(Exception):
    """Raised to roll the measured transaction back."""


def measure(people: int) -> int:
    import django

    django.setup()
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    from certificates.models import Certificate
    from certificates.services.issuing import certificates_issue_due
    from tests.certificates.factories import past_session_start, record_for
    from tests.organisations.factories import MembershipFactory, OrganisationFactory
    from tests.training.factories import BookingFactory, CourseFactory, SessionFactory
    from training.enums import BookingStatus

    started = time.perf_counter()
    start = past_session_start(12)
    session = SessionFactory.create(
        course=CourseFactory.create(title="Working together: the big programme"),
        capacity=people,
        parts=[(start, start.replace(hour=16, minute=30))],
    )
    # One organisation for everyone: a new organisation per person would time its page and
    # editors' group being made, not the certificates.
    organisation = OrganisationFactory.create()
    for _ in range(people):
        booking = BookingFactory.create(
            session=session,
            status=BookingStatus.ATTENDED,
            attendee=MembershipFactory.create(organisation=organisation),
        )
        record_for(booking)
    print(f"Made {people} attended records in {time.perf_counter() - started:.1f} s.")

    status = 0
    try:
        with transaction.atomic():
            # With DEBUG on, making the data filled Django's query log (9,000 at most), which
            # would leave nothing to count: empty it before each count.
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                issued = certificates_issue_due()
                seconds = time.perf_counter() - started
            reset_queries()
            with CaptureQueriesContext(connection) as rerun_queries:
                started = time.perf_counter()
                reissued = certificates_issue_due()
                rerun_seconds = time.perf_counter() - started
            total = Certificate.objects.count()
            raise Rollback
    except Rollback:
        pass
    per_100 = len(queries) / issued * 100 if issued else float("inf")
    print(
        f"Issued {issued} certificates in {seconds:.2f} s ({len(queries)} queries, "
        f"{per_100:.1f} per 100 certificates); {total} in the table."
    )
    print(f"Rerun: {reissued} issued in {rerun_seconds:.2f} s ({len(rerun_queries)} queries).")
    if issued != people or reissued != 0:
        print("Not every certificate was issued exactly once.")
        status = 1
    if seconds >= TARGET_SECONDS * people / 1000 or per_100 >= TARGET_QUERIES_PER_100:
        print(
            f"Over the target ({TARGET_SECONDS:.0f} s per 1,000; "
            f"{TARGET_QUERIES_PER_100} queries per 100)."
        )
        status = 1
    else:
        print("Within the target.")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args()
    with fresh_database(options.database_url, prefix="bench_certificates") as url:
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "LOG_LEVEL": "WARNING"}
        migrate_seconds = manage("migrate", "--no-input", "-v", "0", env=env)
        print(f"Migrated in {migrate_seconds:.1f} s.")
        os.environ.update({"DATABASE_URL": url, "DEBUG": "true", "LOG_LEVEL": "WARNING"})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        return measure(options.people)


if __name__ == "__main__":
    raise SystemExit(main())
