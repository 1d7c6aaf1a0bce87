"""How many anonymous requests a second the site serves for an escalation guide, against a plain
Wagtail page, from gunicorn with the production settings.

    .venv/bin/python benchmarks/guide_page.py --seconds 10 --concurrency 8
    .venv/bin/python benchmarks/guide_page.py --workers 2 --concurrency 16
    .venv/bin/python benchmarks/guide_page.py \\
        --database-url postgres://postgres@127.0.0.1:5432/postgres  # PostgreSQL

Run it on purpose only; the test suite never runs it. On a fresh database (a SQLite file in a
temporary folder under /tmp, or a throwaway database made on the PostgreSQL server given and
dropped afterwards), the script migrates, runs `seed_demo` (the demo partnership) and makes sure
there are two published pages to compare:

- an escalation guide with about five stages, under a partner organisation's page: the demo's
  own guide with at least `MIN_STAGES` stages (children's social care's if it has one),
  otherwise one with five stages built here as the test factories (tests/cms/factories.py)
  build them, through a revision and `publish()`;
- "About the partnership" (a `StandardPage` at /about/), the demo's or built here.

It then collects the static files into the temporary folder and starts
`gunicorn config.wsgi --workers N` on 127.0.0.1 and a free port with the production settings
(`config.settings`, DEBUG off, a random SECRET_KEY, WhiteNoise with its manifest), but for three
things: SECURE_SSL_REDIRECT and HSTS off, as no TLS proxy sits in front; no Celery broker; no
Redis (each worker caches in its own memory). Other settings come from the environment as usual,
so `CONN_MAX_AGE=60 .venv/bin/python benchmarks/guide_page.py` measures persistent database
connections. Once the server answers, each page gets a short warm-up and then `--seconds` of
load from `--concurrency` threads, each sending GET after GET on its own `http.client`
connection (reopened when gunicorn's sync workers close it). Any answer other than 200 stops the
script with status 1.

Database queries per request are counted separately, in this process, with Django's test client
(anonymous) and `CaptureQueriesContext`; the count must be the same on every request. The same
requests give the "render" column: the median time of one request handled in this process, with
no network and nothing else running. `--show-queries` prints their SQL. The "client" column is
the CPU time the load generator itself used per request, which the server did not have.

The load generator shares the machine's CPUs with the server, so the figures are what one
machine does end to end, not the server alone: compare the two pages with each other, and with
earlier runs on the same machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (
    HOST,
    fresh_database,
    gunicorn,
    manage,
    percentile,
    production_env,
)

# The demo guide's organisation, and the stage count a guide needs to count as "like the demo's".
ORGANISATION_SLUG = "lewisham-childrens-social-care"
MIN_STAGES = 4
# How long any one request may take to answer.
REQUEST_TIMEOUT = 30.0
# Enough to import and render every template in every worker before timing starts.
WARM_UP_SECONDS = 2.0
# Requests per page in the in-process count of queries (all must make the same number) and
# timing of the render alone.
QUERY_RUNS = 20


@dataclass
class Target:
    name: str
    path: str
    queries: int = 0
    size: int = 0
    render_ms: float = 0.0


@dataclass
class Load:
    """What the threads saw during one page's timed run."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    # CPU time this process (the load generator) used, which the server did not have.
    client_cpu: float = 0.0
    failure: str = ""


def django_start(env: dict[str, str]) -> None:
    """Set Django up in this process, on the same database and settings as the server."""
    os.environ.update(env)
    import django

    django.setup()


def pages_ensure() -> list[Target]:
    """The guide and the plain page to compare: the demo's if it has them, else built here."""
    from cms.enums import TimescaleUnit
    from cms.models import EscalationGuidePage, OrganisationPage, StandardPage
    from organisations.models import Organisation
    from tests.cms.factories import guide_page, organisation_page, stage, standard_page

    guides = [
        page
        for page in EscalationGuidePage.objects.live().select_related("organisation")
        if len(page.stages) >= MIN_STAGES
    ]
    guides.sort(
        key=lambda page: (getattr(page.organisation, "slug", "") != ORGANISATION_SLUG, page.path)
    )
    guide = guides[0] if guides else None
    if guide is None:
        organisation = (
            Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
            or Organisation.objects.order_by("name").first()
        )
        if organisation is None:
            raise SystemExit("seed_demo made no organisations.")
        parent = OrganisationPage.objects.get(organisation=organisation)
        if not parent.live:
            parent = organisation_page(organisation)
        if EscalationGuidePage.objects.child_of(parent).exists():
            raise SystemExit(f"{parent.url_path} has a guide with under {MIN_STAGES} stages.")
        guide = guide_page(
            parent,
            title=f"How to escalate a safeguarding concern at {organisation.name}",
            stages=[
                stage("Talk to the practitioner", role="The practitioner involved"),
                stage("Talk to your manager", role="Your line manager"),
                stage("Talk to their team manager", role="Team manager"),
                stage("Talk to the head of service", amount=5, role="Head of service"),
                stage(
                    "Refer to the partnership",
                    amount=5,
                    unit=TimescaleUnit.WORKING_DAYS,
                    role="Partnership business manager",
                ),
            ],
        )
        print(f"Built a guide with 5 stages at {guide.url_path}.")
    plain = StandardPage.objects.live().filter(slug="about").first()
    if plain is None:
        plain = standard_page(title="About the partnership", slug="about")
        print("Built the page About the partnership.")
    print(f"Guide: {guide.title}, {len(guide.stages)} stages.")
    return [
        Target(f"guide ({len(guide.stages)} stages)", guide.url),
        Target("StandardPage", plain.url),
    ]


def queries_count(targets: list[Target], *, show: bool) -> None:
    """Each page's queries per anonymous request, its size and its render time, in this
    process (no network, no server: Django's test client calls the WSGI handler directly)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    for target in targets:
        response = client.get(target.path)
        if response.status_code != 200:
            raise SystemExit(f"{target.path} answered {response.status_code} in process.")
        counts, times = set(), []
        for _ in range(QUERY_RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(target.path)
                times.append((time.perf_counter() - started) * 1000)
            counts.add(len(queries.captured_queries))
        if len(counts) != 1:
            raise SystemExit(
                f"{target.path} made a different number of queries each time: {counts}"
            )
        target.queries = counts.pop()
        target.size = len(response.content)
        target.render_ms = statistics.median(times)
        if show:
            print(f"Queries for {target.path}:")
            for query in queries.captured_queries:
                # The columns say little; what is read and how it is chosen says what it is for.
                sql = query["sql"]
                print(f"  SELECT …{sql[sql.find(' FROM ') :][:400]}")


def load(port: int, path: str, *, seconds: float, concurrency: int) -> Load:
    """`concurrency` threads send GET after GET for `seconds`; the first non-200 stops them."""
    result = Load()
    lock = threading.Lock()
    stop = threading.Event()
    start = threading.Barrier(concurrency + 1)

    def work() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        mine: list[float] = []
        start.wait()
        try:
            while not stop.is_set():
                began = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    with lock:
                        result.failure = result.failure or (
                            f"{path} answered {response.status}: {body[:300]!r}"
                        )
                    stop.set()
                    return
                mine.append((time.perf_counter() - began) * 1000)
        except OSError as error:
            with lock:
                result.failure = result.failure or f"{path}: {error}"
            stop.set()
        finally:
            connection.close()
            with lock:
                result.latencies.extend(mine)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start.wait()
    began, cpu_began = time.perf_counter(), time.process_time()
    stop.wait(timeout=seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT)
    result.seconds = time.perf_counter() - began
    result.client_cpu = time.process_time() - cpu_began
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="Timed load per page.")
    parser.add_argument("--concurrency", type=int, default=8, help="Threads sending requests.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--database-url", help="A PostgreSQL server; SQLite if not given.")
    parser.add_argument(
        "--show-queries", action="store_true", help="Print the SQL of each page's queries."
    )
    options = parser.parse_args()
    if options.seconds <= 0 or options.concurrency < 1 or options.workers < 1:
        raise SystemExit("--seconds, --concurrency and --workers must be above 0.")

    with (
        fresh_database(
            options.database_url, prefix="guide_page_bench", folder_in="/tmp", say_dropped=True
        ) as database_url,
        tempfile.TemporaryDirectory(prefix="guide-page-static-", dir="/tmp") as folder,
    ):
        env = production_env(database_url, STATIC_ROOT=str(Path(folder) / "static"))
        started = time.perf_counter()
        manage("migrate", "--no-input", "-v", "0", env=env)
        manage("seed_demo", "--force", "-v", "0", env=env)
        manage("collectstatic", "--no-input", "-v", "0", env=env)
        print(f"Database migrated and seeded in {time.perf_counter() - started:.0f} s.")
        django_start(env)
        from django.db import connection, connections

        targets = pages_ensure()
        queries_count(targets, show=options.show_queries)
        vendor = connection.vendor
        connections.close_all()

        results: list[tuple[Target, Load]] = []
        # Other work on the machine takes CPU from both server and load: say how busy it was.
        load_before = os.getloadavg()[0]
        with gunicorn(
            env=env,
            workers=options.workers,
            log=Path(folder) / "gunicorn.log",
            ready_path="/",
            timeout=REQUEST_TIMEOUT,
        ) as port:
            for target in targets:
                for seconds in (WARM_UP_SECONDS, options.seconds):
                    outcome = load(
                        port, target.path, seconds=seconds, concurrency=options.concurrency
                    )
                    if outcome.failure:
                        print(f"FAILED: {outcome.failure}", file=sys.stderr)
                        return 1
                results.append((target, outcome))
            load_after = os.getloadavg()[0]

    print(
        f"{vendor}, gunicorn --workers {options.workers}, {options.concurrency} threads, "
        f"{options.seconds:g} s per page, anonymous, {os.cpu_count()} CPUs "
        f"(load average {load_before:.1f} before, {load_after:.1f} after):"
    )
    print(
        f"{'page':<20}{'req/s':>7}{'median':>10}{'p95':>10}{'queries':>9}{'KB':>5}"
        f"{'render':>10}{'client':>10}  path"
    )
    for target, outcome in results:
        count = len(outcome.latencies)
        median = statistics.median(outcome.latencies)
        p95 = percentile(outcome.latencies, 0.95)
        print(
            f"{target.name:<20}{count / outcome.seconds:>7.0f}{median:>8.1f}ms{p95:>8.1f}ms"
            f"{target.queries:>9}{target.size / 1024:>5.0f}{target.render_ms:>8.1f}ms"
            f"{outcome.client_cpu * 1000 / count:>8.1f}ms  {target.path}"
        )
    print(
        f"({sum(len(outcome.latencies) for _, outcome in results)} requests, all 200. 'render': "
        "the median time of one request in this process, with the test client. 'client': the "
        "load generator's own CPU time per request.)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
