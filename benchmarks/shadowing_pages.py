"""How fast the partnership team's shadowing page and the shadowing catalogue render on a large
partnership: 20,000 more people and at least 2,000 placements.

    .venv/bin/python benchmarks/shadowing_pages.py                     # SQLite, a temporary file
    .venv/bin/python benchmarks/shadowing_pages.py --people 500 --placements 200 --runs 5
    .venv/bin/python benchmarks/shadowing_pages.py \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres  # PostgreSQL

At the full size a run takes several minutes, most of it `migrate` and `seed_demo`.

On a fresh database (a temporary SQLite file, or a throwaway database `shadowing_bench_<pid>`
made on the PostgreSQL server given and dropped afterwards unless `--keep`), the script
migrates and runs `seed_demo --people N`; then, if the demo has fewer placements than
`--placements`, it makes the rest at once with `bulk_create` (staff of one organisation
visiting another's opportunities, in every state but holding no place, so no capacity rule is
involved), with their reflections for the completed ones. It renders four pages with Django's
test client: the partnership page and its second page of placements and the sectors CSV
export, as partnership@demo.example, and the catalogue, as practitioner@demo.example. Each has
one warm-up request, then `--runs` timed ones (`benchmarks.harness.page_time`). It prints the
people and placements, how long `migrate` and `seed_demo` took, and for each page the median
and 95th-percentile render time, the queries per request (which must be the same on every
run; the script stops if not) and the response size in KB.

Pages render with DEBUG on, as in the other benchmarks (benchmarks/catalogue.py says why).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import PageTiming, fresh_database, manage, page_time

PARTNERSHIP_TEAM = "partnership@demo.example"
PRACTITIONER = "practitioner@demo.example"
# States the made-up placements are spread over; none holds a place (place_number stays empty).
STATES = (
    "awaiting_manager",
    "awaiting_host",
    "completed",
    "completed",
    "declined_by_manager",
    "declined_by_host",
    "cancelled",
    "expired",
)


def placements_make(target: int) -> int:
    """Make placements until there are `target`; returns how many were made."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from organisations.models import Membership
    from shadowing.models import Opportunity, Placement, Reflection

    missing = target - Placement.objects.count()
    if missing <= 0:
        return 0
    opportunities = list(Opportunity.objects.select_related("organisation")[:50])
    if not opportunities:
        raise SystemExit("The demo has no shadowing opportunities to make placements for.")
    now = timezone.now()
    made: list[Placement] = []
    members = Membership.objects.current().staff().select_related("organisation").iterator()
    taken: set[tuple[int, int]] = set()
    for member in members:
        if len(made) >= missing:
            break
        opportunity = opportunities[len(made) % len(opportunities)]
        if member.organisation_id == opportunity.organisation_id:
            continue
        if (member.pk, opportunity.pk) in taken:
            continue
        taken.add((member.pk, opportunity.pk))
        status = STATES[len(made) % len(STATES)]
        requested_at = now - timedelta(days=len(made) % 365)
        done = status == "completed"
        made.append(
            Placement(
                opportunity=opportunity,
                visitor=member,
                home_organisation_id=member.organisation_id,
                host_organisation_id=opportunity.organisation_id,
                line_manager_id=member.line_manager_id,
                status=status,
                learning_goals="To see how another agency decides what to do with a referral.",
                requested_at=requested_at,
                manager_decided_at=requested_at if status != "awaiting_manager" else None,
                host_decided_at=requested_at if done or status == "declined_by_host" else None,
                visit_date=(requested_at + timedelta(days=30)).date() if done else None,
                completed_at=requested_at + timedelta(days=31) if done else None,
            )
        )
    with transaction.atomic():
        Placement.objects.bulk_create(made, batch_size=500)
        Reflection.objects.bulk_create(
            [
                Reflection(
                    placement=placement,
                    learnt_about_role="How their threshold is set.",
                    surprised_me="How fast it moves.",
                    do_differently="Call first.",
                    share_with_team="Their duty number.",
                    written_at=placement.completed_at or now,
                )
                for placement in made
                if placement.status == "completed"
            ],
            batch_size=500,
        )
    return len(made)


def measure(runs: int, placements: int) -> tuple[int, list[tuple[str, PageTiming]]]:
    """How many placements were made, and each page's timing."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from shadowing.models import Placement

    made = placements_make(placements)
    team, practitioner = Client(), Client()
    team.force_login(User.objects.get(email=PARTNERSHIP_TEAM))
    practitioner.force_login(User.objects.get(email=PRACTITIONER))
    pages = [
        ("partnership page", team, reverse("shadowing:partnership")),
        ("partnership page 2", team, reverse("shadowing:partnership") + "?page=2"),
        (
            "sectors export (CSV)",
            team,
            reverse("shadowing:partnership_export", kwargs={"fmt": "csv"}) + "?table=matrix",
        ),
        ("catalogue", practitioner, reverse("shadowing:catalogue")),
    ]
    print(
        f"Database: {connection.vendor}. {User.objects.count():,} people, "
        f"{Placement.objects.count():,} placements ({made:,} made here)."
    )
    results = [(name, page_time(client, url, runs=runs)) for name, client, url in pages]
    return made, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--placements", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=30, help="Timed requests per page.")
    parser.add_argument("--database-url", help="A PostgreSQL server; SQLite if not given.")
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL database.")
    options = parser.parse_args()

    with fresh_database(
        options.database_url, prefix="shadowing_bench", keep=options.keep
    ) as database_url:
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "LOG_LEVEL": "WARNING"}
        migrate_seconds = manage("migrate", "--no-input", "-v", "0", env=env)
        seed_seconds = manage("seed_demo", "--people", str(options.people), env=env)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        _, results = measure(options.runs, options.placements)
        from django.db import connections

        connections.close_all()

    print(
        f"migrate: {migrate_seconds:.1f} s, "
        f"seed_demo --people {options.people}: {seed_seconds:.1f} s"
    )
    print(f"{options.runs} timed requests per page:")
    print(f"{'page':<28}{'median':>9}{'p95':>9}{'queries':>9}{'KB':>7}")
    for name, timing in results:
        print(
            f"{name:<28}{timing.median_ms:>7.1f}ms{timing.p95_ms:>7.1f}ms"
            f"{timing.queries:>9}{timing.size / 1024:>7.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
