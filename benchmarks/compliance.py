"""How fast the whole partnership's compliance, by organisation and standard, is computed: the
compliance selectors against one hand-written SQL aggregate of the same figures.

    .venv/bin/python benchmarks/compliance.py                     # SQLite, a temporary file
    .venv/bin/python benchmarks/compliance.py --runs 9
    .venv/bin/python benchmarks/compliance.py \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres  # PostgreSQL
    .venv/bin/python benchmarks/compliance.py --reuse \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_compliance  # already seeded

On a fresh database (a temporary SQLite file, or a throwaway database made on the PostgreSQL
server given and dropped afterwards; `--keep` keeps it), the script migrates and runs
`seed_demo` (the demo partnership, about 530 people) and measures; then
`seed_demo --people 20000` (timed) adds the large partnership, and it measures again. With
`--reuse`, it measures the database given as it is, once, seeding nothing.

Each measurement, after one warm-up, times `--runs` runs (median, and the fastest and slowest)
of:

- the selectors: `status_counts(requirement_rows(day), "membership__organisation",
  "standard")`, with the number of queries (which must not grow with the partnership);
- one hand-written SQL aggregate of the same figures, on the same tables and the
  `training_appliedrequirement` view, with the same rules: the records meeting a standard
  through `training_standardcover`, the hours rule as a running total (a window function), and
  whole months added as `AddMonths` adds them (PostgreSQL's `make_interval`; on SQLite the same
  clamping to the month's last day);

and checks the two give the same counts for every organisation and standard ("figures match";
otherwise the script exits with status 1). Before measuring it runs `ANALYZE`, as autovacuum
would soon after the seed's bulk inserts. On PostgreSQL with JIT compilation on (the
default), both are also timed with `SET jit = off`. With `--explain` on PostgreSQL, it prints
`EXPLAIN ANALYZE` of the selectors' query.

The issue's target: under 1 s on PostgreSQL for 20,000 people, with a constant query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import fresh_database, manage

TARGET_SECONDS = 1.0
STATUSES = ("in_date", "due_soon", "overdue", "missing", "new_starter")

Counts = dict[tuple[int, int], tuple[int, ...]]


# The hand-written aggregate ---------------------------------------------------------------------


def _add_months(vendor: str, day: str, months: str) -> str:
    """SQL for `day` + `months` months, clamped to the month's last day (as AddMonths). Per
    cent signs are doubled: the statement has parameters."""
    if vendor == "postgresql":
        return f"(({day}) + make_interval(months => ({months})))::date"
    same_day = (
        f"date({day}, 'start of month', printf('%%+d months', {months}), "
        f"'+' || (CAST(strftime('%%d', {day}) AS INTEGER) - 1) || ' days')"
    )
    last_day = f"date({day}, 'start of month', printf('%%+d months', ({months}) + 1), '-1 day')"
    return f"min({same_day}, {last_day})"


def hand_written_sql(vendor: str) -> str:
    """One statement: (organisation, standard, status, count) for every current row.

    `rows`: each current membership of an active person and each requirement in force that
    applies to it (the view), with what its status needs. `meeting`: each record completed by
    the day, once for each standard it meets through the cover table. `since`: for each of
    those, the hours of the person's records meeting that standard from its day on (a running
    total over the days, newest first, counting records on the same day together).
    `effective`: the latest day from which the hours are enough (any record, when the standard
    has no hours rule). Then the status, as the selectors decide it, counted.
    """
    postgresql = vendor == "postgresql"
    running = (
        "SUM(cpd_hours) OVER (PARTITION BY user_id, standard_id ORDER BY completed_on DESC "
        "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    )
    # SQLite adds decimals as binary floating point: round to the hours' two places.
    hours = running if postgresql else f"ROUND({running}, 2)"
    later = "GREATEST" if postgresql else "max"
    grace_ends = _add_months(vendor, f"{later}(start_date, applies_from)", "grace_months")
    expires = _add_months(vendor, "effective_on", "renewal")
    return f"""
WITH rows AS (
    SELECT ar.user_id, ar.standard_id, m.organisation_id, m.start_date, q.applies_from,
           q.grace_months, COALESCE(q.renewal_months, s.validity_months) AS renewal
    FROM training_appliedrequirement ar
    JOIN organisations_membership m ON m.id = ar.membership_id
    JOIN accounts_user u ON u.id = ar.user_id
    JOIN training_requirement q ON q.id = ar.requirement_id
    JOIN training_trainingstandard s ON s.id = ar.standard_id
    WHERE m.start_date <= %(on)s AND (m.end_date IS NULL OR m.end_date >= %(on)s)
      AND u.is_active AND q.applies_from <= %(on)s
),
meeting AS (
    SELECT DISTINCT r.id, r.user_id, c.covered_id AS standard_id, r.completed_on, r.cpd_hours
    FROM training_trainingrecord r
    JOIN training_trainingrecord_standards rs ON rs.trainingrecord_id = r.id
    JOIN training_standardcover c ON c.standard_id = rs.trainingstandard_id
    WHERE r.completed_on <= %(on)s
),
since AS (
    SELECT user_id, standard_id, completed_on, {hours} AS hours
    FROM meeting
),
effective AS (
    SELECT since.user_id, since.standard_id, MAX(since.completed_on) AS effective_on
    FROM since JOIN training_trainingstandard s ON s.id = since.standard_id
    WHERE s.cpd_hours_required IS NULL OR since.hours >= s.cpd_hours_required
    GROUP BY since.user_id, since.standard_id
),
statuses AS (
    SELECT rows.organisation_id, rows.standard_id,
           CASE
               WHEN effective_on IS NOT NULL AND (renewal IS NULL OR {expires} > %(due_from)s)
                   THEN 'in_date'
               WHEN effective_on IS NOT NULL AND {expires} > %(on)s THEN 'due_soon'
               WHEN {grace_ends} > %(on)s THEN 'new_starter'
               WHEN effective_on IS NOT NULL THEN 'overdue'
               ELSE 'missing'
           END AS status
    FROM rows LEFT JOIN effective e
        ON e.user_id = rows.user_id AND e.standard_id = rows.standard_id
)
SELECT organisation_id, standard_id, status, COUNT(*) FROM statuses
GROUP BY organisation_id, standard_id, status
"""


# Measuring ------------------------------------------------------------------------------------


def timed(function: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """One warm-up, then `runs` timed calls: their times in seconds and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def measure(runs: int, *, explain: bool) -> tuple[int, float]:
    """Print one measurement; return the selectors' query count and their median seconds (as
    the server is configured)."""
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from compliance.selectors.statuses import ComplianceDay, requirement_rows, status_counts
    from organisations.models import Organisation
    from training.models import TrainingRecord

    day = ComplianceDay.today()
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would have within a minute of the seed's inserts:
        # the planner must know the tables hold 20,000 people, not 500.
        cursor.execute("ANALYZE")
        jit = False
        if postgresql:
            cursor.execute("SHOW jit")
            jit = cursor.fetchone()[0] == "on"

    def selectors() -> Counts:
        return {
            (c.group["membership__organisation"], c.group["standard"]): tuple(
                getattr(c, status) for status in STATUSES
            )
            for c in status_counts(requirement_rows(day), "membership__organisation", "standard")
        }

    sql = hand_written_sql(connection.vendor)
    params = {"on": day.on, "due_from": day.due_soon_from}

    def hand_written() -> Counts:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            lines = cursor.fetchall()
        counts: dict[tuple[int, int], list[int]] = {}
        for organisation_id, standard_id, status, count in lines:
            counts.setdefault((organisation_id, standard_id), [0] * len(STATUSES))[
                STATUSES.index(status)
            ] = count
        return {key: tuple(value) for key, value in counts.items()}

    def without_jit(function: Callable[[], Counts]) -> Callable[[], Counts]:
        def run() -> Counts:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            try:
                return function()
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET jit")

        return run

    with CaptureQueriesContext(connection) as queries:
        selectors()
    query_count = len(queries.captured_queries)
    plans: list[tuple[str, Callable[[], Counts], int]] = [
        ("selectors (status_counts)", selectors, query_count),
        ("hand-written SQL", hand_written, 1),
    ]
    if jit:
        # PostgreSQL compiles a query whose estimated cost passes jit_above_cost; the
        # selectors' correlated subqueries are estimated high, so show both.
        plans += [
            ("selectors, SET jit = off", without_jit(selectors), query_count),
            ("hand-written SQL, SET jit = off", without_jit(hand_written), 1),
        ]
    results = [(name, *timed(function, runs), count) for name, function, count in plans]
    orm_counts = results[0][2]
    rows = sum(sum(value) for value in orm_counts.values())
    met = sum(value[0] + value[1] for value in orm_counts.values())
    counted = rows - sum(value[4] for value in orm_counts.values())
    print(
        f"Database: {connection.vendor}{' (jit on)' if jit else ''}. "
        f"{User.objects.count():,} people, {Organisation.objects.count()} organisations, "
        f"{TrainingRecord.objects.count():,} training records; {rows:,} requirement rows in "
        f"{len(orm_counts)} groups (organisation x standard); "
        f"{100 * met / max(1, counted):.1f}% met."
    )
    print(f"{'':<34}{'median':>9}{'fastest':>9}{'slowest':>9}{'queries':>9}")
    for name, times, _, count in results:
        print(
            f"{name:<34}{statistics.median(times):>8.3f}s{min(times):>8.3f}s"
            f"{max(times):>8.3f}s{count:>9}"
        )
    for name, _, counts, _ in results[1:]:
        if counts != orm_counts:
            differing = sorted(set(orm_counts.items()) ^ set(counts.items()))[:10]
            raise SystemExit(f"{name} and the selectors differ: {differing}")
    print("figures match")
    if explain and postgresql:
        fields = ("membership__organisation", "standard", "status")
        grouped = requirement_rows(day).order_by().values(*fields).annotate(n=Count("*"))
        print(grouped.explain(analyze=True, buffers=True))
    return query_count, statistics.median(results[0][1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5, help="Timed runs after one warm-up.")
    parser.add_argument("--database-url", help="A PostgreSQL server; SQLite if not given.")
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the database at --database-url (or DATABASE_URL) as it is.",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE on PostgreSQL.")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    if options.reuse:
        url = options.database_url or os.environ.get("DATABASE_URL")
        if not url:
            raise SystemExit("--reuse needs --database-url or DATABASE_URL.")
        os.environ.update({"DATABASE_URL": url, "DEBUG": "true", "LOG_LEVEL": "WARNING"})
        _, median = measure(options.runs, explain=options.explain)
        return 0 if median <= TARGET_SECONDS else 1

    with fresh_database(
        options.database_url, prefix="bench_compliance", keep=options.keep
    ) as database_url:
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "LOG_LEVEL": "WARNING"}
        os.environ.update(env)
        migrate_seconds = manage("migrate", "--no-input", "-v", "0", env=env)
        demo_seconds = manage("seed_demo", env=env)
        print(f"migrate: {migrate_seconds:.1f} s; seed_demo: {demo_seconds:.1f} s (not counted)")
        print("\nThe demo partnership:")
        small_queries, _ = measure(options.runs, explain=False)
        from django.db import connections

        connections.close_all()
        seed_seconds = manage("seed_demo", "--people", str(options.people), env=env)
        print(f"\nseed_demo --people {options.people}: {seed_seconds:.1f} s")
        print(f"The demo partnership and {options.people:,} more people:")
        large_queries, median = measure(options.runs, explain=options.explain)
        connections.close_all()

    constant = small_queries == large_queries
    print(
        f"\nqueries: {small_queries} and {large_queries} "
        f"({'the same' if constant else 'NOT the same'} at both sizes)"
    )
    within = median <= TARGET_SECONDS
    print(f"target: under {TARGET_SECONDS:.0f} s — {'met' if within else 'NOT MET'}")
    return 0 if within and constant else 1


if __name__ == "__main__":
    sys.exit(main())
