"""Two hundred people press "Book a place" on a 20-place session at the same moment, against a
running server on PostgreSQL: throughput, latency, and whether exactly 20 got a place.

    .venv/bin/python benchmarks/booking_burst.py
    .venv/bin/python benchmarks/booking_burst.py --workers 8 --requests 400 --places 40
    .venv/bin/python benchmarks/booking_burst.py --url http://127.0.0.1:8000 \\
        --database-url postgres://postgres@127.0.0.1:5432/learning_hub

By default the script makes everything itself and removes it afterwards: a throwaway database
on the PostgreSQL server (`--database-url`, default postgres://postgres@127.0.0.1:5432/postgres),
migrated and seeded (`seed_demo --people 1000`); then `gunicorn config.wsgi -w 4` on 127.0.0.1
and a free port, with the production settings (DEBUG off, a random SECRET_KEY) but for three
things: no Celery broker, so emails are sent in the web process to an in-memory backend;
SECURE_SSL_REDIRECT off, as no TLS proxy sits in front; and static file URLs without the
manifest's hashes (nothing fetches them, and `collectstatic` would be needed first). Before
the burst, `--baseline` people book another session one at a time, to show what one booking
costs on its own. At the end it stops the server and drops the database.

With `--url`, it uses a server that is already running instead (127.0.0.1 or localhost only),
and `--database-url` must name that server's own database: the script adds a session and
sign-in sessions to it, which stay. Run it with the server's SECRET_KEY in the environment,
because signed-in sessions are signed with it.

The burst: a new session of Working Together to Safeguard Children (no approval, no agency-mix
rule) with `--places` places, four weeks ahead; `--requests` people who may book it through one
membership and need no MFA; a signed-in session for each, made through Django's session engine
(as signing in would); for each, a GET of the session page to get the CSRF cookie, as a
browser would. Then one thread per person waits at a barrier and all POST to the book URL at
once, each with a timeout. It prints requests per second, p50, p95 and the slowest latency,
the response codes, and the bookings the database holds: exactly `--places` confirmed and the
rest on the waiting list, or the script exits with status 1.
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
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import (
    HOST,
    PROJECT,
    fresh_database,
    get,
    gunicorn,
    is_postgresql,
    manage,
    percentile,
    production_env,
)

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
COURSE = "working-together-to-safeguard-children"
# How long any one request may take to answer.
REQUEST_TIMEOUT = 60.0
# Fetching the session pages for the CSRF cookies is not timed; a few at a time is enough.
PREPARING_THREADS = 8
SETTINGS_MODULE = "booking_burst_settings"


@dataclass
class Person:
    email: str
    session_key: str
    csrf_token: str = ""


@dataclass
class Result:
    started: float
    finished: float
    status: int
    error: str = ""


def django_start(env: dict[str, str]) -> None:
    """Set Django up in this process, on the same database and SECRET_KEY as the server."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def session_create(*, places: int) -> int:
    """A new session of the course with `places` places, four weeks ahead."""
    from datetime import datetime, timedelta
    from datetime import time as clock

    from django.utils import timezone

    from training.models import Course, Session, SessionPart
    from training.working_days import LONDON, is_working_day

    course = Course.objects.get(slug=COURSE)
    day = timezone.localdate() + timedelta(weeks=4)
    while not is_working_day(day):
        day += timedelta(days=1)
    starts_at = datetime.combine(day, clock(9, 30), tzinfo=LONDON)
    ends_at = datetime.combine(day, clock(16, 0), tzinfo=LONDON)
    session = Session.objects.create(
        course=course,
        capacity=places,
        venue="Laurence House, 1 Catford Road, London SE6 4RU",
        starts_at=starts_at,
        ends_at=ends_at,
    )
    SessionPart.objects.create(session=session, starts_at=starts_at, ends_at=ends_at)
    return session.pk


def people_sign_in(count: int) -> list[Person]:
    """`count` people who may book the course, each signed in as signing in would do it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import User
    from training.models import BookingHold

    now = timezone.now()
    current = Q(memberships__start_date__lte=timezone.localdate()) & (
        Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=timezone.localdate())
    )
    privileged = (
        Q(memberships__is_coordinator=True)
        | Q(memberships__is_clerk=True)
        | Q(memberships__is_web_editor=True)
    )
    on_hold = BookingHold.objects.filter(
        starts_at__lte=now, ends_at__gt=now, lifted_at__isnull=True
    ).values("user")
    # One current membership each (so no choice of organisation on the form) and no role
    # that needs MFA, which a script cannot pass.
    people = list(
        User.objects.filter(is_active=True, is_trainer=False, is_partnership_team=False)
        .exclude(pk__in=on_hold)
        .exclude(privileged)
        .annotate(memberships_now=Count("memberships", filter=current))
        .filter(memberships_now=1)
        .order_by("pk")[:count]
    )
    if len(people) < count:
        raise SystemExit(f"Only {len(people)} people can book; seed more with --people.")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    signed_in = []
    for user in people:
        django_session = store()
        django_session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        django_session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        django_session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        django_session.create()
        assert django_session.session_key is not None
        signed_in.append(Person(user.email, django_session.session_key))
    return signed_in


def csrf_fetch(host: str, port: int, path: str, people: list[Person]) -> None:
    """Each person opens the session page, which sets their CSRF cookie."""
    from django.conf import settings

    def fetch(person: Person) -> None:
        response = get(
            host,
            port,
            path,
            timeout=REQUEST_TIMEOUT,
            cookie=f"{settings.SESSION_COOKIE_NAME}={person.session_key}",
        )
        if response.status != 200:
            raise SystemExit(f"The session page answered {response.status} for {person.email}.")
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        if settings.CSRF_COOKIE_NAME not in cookies:
            raise SystemExit("The session page set no CSRF cookie.")
        person.csrf_token = cookies[settings.CSRF_COOKIE_NAME].value

    pending = list(people)
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not pending:
                    return
                person = pending.pop()
            fetch(person)

    threads = [threading.Thread(target=work) for _ in range(PREPARING_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def burst(host: str, port: int, path: str, people: list[Person]) -> list[Result]:
    """Everyone POSTs at the same moment; each request is bounded by REQUEST_TIMEOUT."""
    from django.conf import settings

    results: list[Result | None] = [None] * len(people)
    barrier = threading.Barrier(len(people))

    def press(index: int, person: Person) -> None:
        body = urlencode({"csrfmiddlewaretoken": person.csrf_token})
        headers = {
            "Cookie": (
                f"{settings.SESSION_COOKIE_NAME}={person.session_key}; "
                f"{settings.CSRF_COOKIE_NAME}={person.csrf_token}"
            ),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        connection = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=REQUEST_TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            results[index] = Result(started, time.perf_counter(), response.status)
        except OSError as error:
            results[index] = Result(started, time.perf_counter(), 0, str(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=press, args=(index, person), daemon=True)
        for index, person in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 2 * REQUEST_TIMEOUT
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    return [
        result if result is not None else Result(0.0, 0.0, 0, "did not finish in time")
        for result in results
    ]


def report(session_pk: int, results: list[Result], *, places: int) -> bool:
    from django.db.models import Count

    from training.enums import BookingStatus
    from training.models import Booking

    finished = [r for r in results if r.status]
    latencies = sorted((r.finished - r.started) * 1000 for r in finished)
    span = max(r.finished for r in finished) - min(r.started for r in finished) if finished else 0
    codes = Counter(r.status for r in results)
    errors = Counter(r.error for r in results if r.error)
    counts = dict(
        Booking.objects.filter(session_id=session_pk)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    confirmed = counts.get(BookingStatus.CONFIRMED, 0)
    waiting = counts.get(BookingStatus.WAITLISTED, 0)
    expected_waiting = len(results) - places
    print(f"{len(results)} concurrent POSTs for {places} places:")
    if latencies:
        p95 = percentile(latencies, 0.95)
        print(f"  throughput  {len(finished) / span:.0f} requests/s ({span:.2f} s for all)")
        print(
            f"  latency     p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, "
            f"slowest {latencies[-1]:.0f} ms"
        )
    print(
        f"  responses   {dict(sorted(codes.items()))}"
        + (f", errors {dict(errors)}" if errors else "")
    )
    print(f"  bookings    {confirmed} confirmed, {waiting} on the waiting list, all: {counts}")
    ok = confirmed == places and waiting == expected_waiting
    print(
        f"  expected    {places} confirmed and {expected_waiting} waiting: {'yes' if ok else 'NO'}"
    )
    return ok


def run(*, host: str, port: int, requests: int, places: int, baseline: int) -> bool:
    """The burst, after a few people have booked another session one at a time (to show what
    one booking costs when nobody else is booking)."""
    from django.db import connections
    from django.urls import reverse

    burst_session = session_create(places=places)
    everyone = people_sign_in(requests + baseline)
    people, alone = everyone[:requests], everyone[requests:]
    if alone:
        quiet_session = session_create(places=baseline)
        csrf_fetch(host, port, reverse("training:session", kwargs={"pk": quiet_session}), alone)
        path = reverse("training:book", kwargs={"pk": quiet_session})
        one_at_a_time = [burst(host, port, path, [person])[0] for person in alone]
        print(
            f"{baseline} bookings one at a time: median "
            f"{statistics.median((r.finished - r.started) * 1000 for r in one_at_a_time):.0f} ms"
        )
    csrf_fetch(host, port, reverse("training:session", kwargs={"pk": burst_session}), people)
    connections.close_all()
    results = burst(host, port, reverse("training:book", kwargs={"pk": burst_session}), people)
    return report(burst_session, results, places=places)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="People pressing at once.")
    parser.add_argument("--places", type=int, default=20, help="Places on the session.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument("--people", type=int, default=1000, help="seed_demo --people N.")
    parser.add_argument(
        "--baseline", type=int, default=10, help="Bookings made one at a time first."
    )
    parser.add_argument("--url", help="A running server on 127.0.0.1 to use instead.")
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    options = parser.parse_args()
    if options.places >= options.requests:
        raise SystemExit("--places must be fewer than --requests, or nobody waits.")

    if options.url:
        target = urlsplit(options.url)
        if target.hostname not in LOCAL_HOSTS or target.port is None:
            raise SystemExit("--url must be http://127.0.0.1:<port> (or localhost).")
        env = {**os.environ, "DATABASE_URL": options.database_url, "LOG_LEVEL": "WARNING"}
        django_start(env)
        ok = run(
            host=target.hostname,
            port=target.port,
            requests=options.requests,
            places=options.places,
            baseline=options.baseline,
        )
        return 0 if ok else 1

    if not is_postgresql(options.database_url):
        raise SystemExit("The burst needs PostgreSQL: give --database-url postgres://…")
    with (
        fresh_database(
            options.database_url, prefix="booking_burst", say_dropped=True
        ) as database_url,
        tempfile.TemporaryDirectory(prefix="booking-burst-") as folder,
    ):
        # The production settings, except static files: the page's CSS and images are never
        # fetched here, and `collectstatic` with the production (manifest) storage stops at
        # app.css, which refers to GOV.UK images that are not in static/dist.
        Path(folder, "static").mkdir()
        Path(folder, f"{SETTINGS_MODULE}.py").write_text(
            "from config.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(Path(folder) / 'static')!r}\n"
            'STORAGES["staticfiles"] = '
            '{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405\n'
        )
        env = production_env(
            database_url,
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            PYTHONPATH=os.pathsep.join([folder, str(PROJECT)]),
        )
        started = time.perf_counter()
        manage("migrate", "--no-input", "-v", "0", env=env)
        manage("seed_demo", "--force", "--people", str(options.people), "-v", "0", env=env)
        print(f"Database migrated and seeded in {time.perf_counter() - started:.0f} s.")
        sys.path.insert(0, folder)
        django_start(env)
        with gunicorn(
            env=env,
            workers=options.workers,
            log=Path(folder) / "gunicorn.log",
            ready_path="/accounts/login/",
            timeout=REQUEST_TIMEOUT,
        ) as port:
            ok = run(
                host=HOST,
                port=port,
                requests=options.requests,
                places=options.places,
                baseline=options.baseline,
            )
        from django.db import connections

        connections.close_all()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
