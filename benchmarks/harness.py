"""What the benchmark scripts share: a fresh database to measure on, management commands run
against it, a page's render time through Django's test client, and the site served by
gunicorn on a free local port with the production settings.

The scripts run as `python benchmarks/<name>.py`, so each puts the project root on `sys.path`
before it imports this module as `benchmarks.harness`.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from django.test import Client

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# How long gunicorn may take to start answering.
START_TIMEOUT = 60.0


def is_postgresql(url: str) -> bool:
    return urlsplit(url).scheme.startswith("postgres")


@contextmanager
def fresh_database(
    url: str | None,
    *,
    prefix: str,
    keep: bool = False,
    folder_in: str | None = None,
    other_url_as_is: bool = False,
    say_dropped: bool = False,
) -> Iterator[str]:
    """A URL for an empty database, made for this run and removed after it.

    Without `url`: a SQLite file in a new temporary folder named after `prefix` (in `folder_in`,
    or the system's temporary folder), removed with it. With a PostgreSQL server's URL: a
    database `<prefix>_<pid>` made on that server and dropped afterwards (and `say_dropped`
    prints so) unless `keep`. Any other URL stops the script, unless `other_url_as_is`: then it
    is used as it is (a SQLite file, which should not exist yet) and left in place.
    """
    if url is None:
        folder_prefix = f"{prefix.replace('_', '-')}-"
        with tempfile.TemporaryDirectory(prefix=folder_prefix, dir=folder_in) as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    if not is_postgresql(url):
        if other_url_as_is:
            yield url
            return
        raise SystemExit("--database-url must be a PostgreSQL server; leave it out for SQLite.")
    import psycopg

    parts = urlsplit(url)
    name = f"{prefix}_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        if not keep:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if say_dropped:
                print(f"Dropped the database {name}.")


def manage(*args: str, env: dict[str, str]) -> float:
    """Run a management command in a fresh Python and return how long it took."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, check=True, stdout=sys.stderr
    )
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


@dataclass(frozen=True)
class PageTiming:
    """How long a page took to render over the timed requests, and what one request cost."""

    median_ms: float
    p95_ms: float
    queries: int
    size: int  # bytes in the last response


def page_time(client: Client, url: str, *, runs: int) -> PageTiming:
    """Render `url` with Django's test client (in this process, after `django.setup()`): one
    warm-up request, which must answer 200, then `runs` timed ones. Stops the script if the
    number of queries is not the same on every timed request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}.")
    times: list[float] = []
    counts: set[int] = set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        counts.add(len(queries.captured_queries))
    if len(counts) != 1:
        raise SystemExit(f"{url} made a different number of queries on each run: {counts}.")
    return PageTiming(
        median_ms=statistics.median(times),
        p95_ms=percentile(times, 0.95),
        queries=counts.pop(),
        size=len(response.content),
    )


def production_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment for the site with the production settings (`config.settings`, DEBUG off,
    a random SECRET_KEY) on `database_url`, but for what is missing on this machine: no TLS
    proxy in front (SECURE_SSL_REDIRECT and HSTS off), no Celery broker (emails are sent in the
    web process, to memory), no Redis. `settings` add to it or replace what it holds."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def get(
    host: str, port: int, path: str, *, timeout: float, cookie: str = ""
) -> http.client.HTTPResponse:
    """A GET of `path` on its own connection, the answer read in full."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


@contextmanager
def gunicorn(
    *, env: dict[str, str], workers: int, log: Path, ready_path: str, timeout: float
) -> Iterator[int]:
    """The site served by `gunicorn config.wsgi` on 127.0.0.1 and a free port (the value), with
    `timeout` for any one request; stopped (and its workers with it) at the end.

    It is ready once `ready_path` answers 200; any other answer, gunicorn stopping, or no answer
    within START_TIMEOUT stops the script.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        str(int(timeout)),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start:\n{log.read_text()[-3000:]}")
            try:
                status = get(HOST, port, ready_path, timeout=timeout).status
                if status == 200:
                    break
                raise SystemExit(f"{ready_path} answered {status}:\n{log.read_text()[-3000:]}")
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer within {START_TIMEOUT:.0f} s.")
            time.sleep(0.3)
        print(f"gunicorn ({workers} workers) is serving on {HOST}:{port}.")
        yield port
    finally:
        # Our own server only: its process group, which holds the master and its workers.
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        print("gunicorn stopped.")
