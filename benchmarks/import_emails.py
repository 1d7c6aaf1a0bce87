"""How long confirming a people import takes once its invitations are emailed, with no Celery
broker (tasks run in the web process), as the outbox sends them and as the site used to.

    .venv/bin/python benchmarks/import_emails.py               # 5,000 rows
    .venv/bin/python benchmarks/import_emails.py --rows 1000

Unlike benchmarks/import_people.py, the import is committed, so what is queued for after the
commit (the invitation emails) runs, as in a request. Each run uses a fresh SQLite database in
a temporary folder, and a local SMTP server that accepts every message and keeps none.

- `direct`: the site's old setup, the mail server as Django's email backend: each invitation
  goes to the SMTP server while the person who confirmed waits.
- `outbox`: the site's setup now. Confirming stores the invitations in the outbox; the
  figure after it is the time the outbox then takes to send them, outside any request.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

with warnings.catch_warnings():
    # Python 3.11 still has it; a sink is all this needs (the site never uses it).
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd

from benchmarks.harness import HOST, free_port, fresh_database, manage  # noqa: E402

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class SinkServer(smtpd.SMTPServer):
    """Accepts every message and keeps a count."""

    received = 0

    def process_message(self, *args: Any, **kwargs: Any) -> None:
        type(self).received += 1


def smtp_sink() -> int:
    """A local SMTP server on a free port, in a background thread."""
    port = free_port()
    SinkServer((HOST, port), None)  # type: ignore[arg-type]  # no server to relay to
    threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.1}, daemon=True).start()
    return port


def run(mode: str, rows: int, port: int) -> tuple[float, float | None, int]:
    """Confirm one import of `rows` people; the seconds it took, the seconds the outbox then
    took to send (outbox mode), and the number of messages the SMTP server received."""
    from django.test.utils import override_settings

    from benchmarks.import_people import csv_make, rows_make, world_build
    from organisations.enums import MembershipKind
    from organisations.imports.services import (
        ApplyOutcome,
        import_batch_apply,
        import_batch_create,
    )
    from outbox.services import outbox_send

    tag = f"{mode}{rows}"
    organisation, coordinator = world_build(tag)
    content = csv_make(rows_make(rows, tag))
    batch = import_batch_create(
        organisation=organisation,
        kind=MembershipKind.STAFF,
        uploaded_by=coordinator,
        content=content,
        filename="people.csv",
    )
    smtp = {"EMAIL_HOST": HOST, "EMAIL_PORT": port, "EMAIL_USE_TLS": False}
    backend = SMTP if mode == "direct" else "outbox.backends.OutboxBackend"
    SinkServer.received = 0
    with override_settings(EMAIL_BACKEND=backend, **smtp):
        started = time.perf_counter()
        outcome = import_batch_apply(batch=batch, applied_by=coordinator)
        confirm = time.perf_counter() - started
        if outcome != ApplyOutcome.APPLIED:
            raise SystemExit(f"The import was not applied: {outcome}")
        sending = None
        if mode == "outbox":
            started = time.perf_counter()
            outbox_send()
            sending = time.perf_counter() - started
    time.sleep(0.5)  # the sink's last messages
    return confirm, sending, SinkServer.received


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000, help="people in the file")
    parser.add_argument(
        "--modes",
        default="direct,outbox",
        help="which to measure, comma-separated (direct takes minutes at 5,000 rows)",
    )
    arguments = parser.parse_args()
    with fresh_database(None, prefix="import_emails") as url:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.update({"CELERY_BROKER_URL": "", "REDIS_URL": "", "LOG_LEVEL": "WARNING"})
        manage("migrate", "--no-input", "-v0", env=env)
        os.environ.update(env)
        os.environ["EMAIL_BACKEND"] = SMTP  # what the outbox sends through
        import django

        django.setup()
        import logging

        logging.disable(logging.WARNING)
        port = smtp_sink()
        print(f"Rows: {arguments.rows:,}. No Celery broker; SMTP server on {HOST}:{port}.")
        print(f"{'mode':<8}{'confirm':>10}{'then sent by the outbox':>26}{'received':>10}")
        for mode in arguments.modes.split(","):
            confirm, sending, received = run(mode, arguments.rows, port)
            later = f"{sending:.2f}s" if sending is not None else "-"
            print(f"{mode:<8}{confirm:>9.2f}s{later:>26}{received:>10,}")


if __name__ == "__main__":
    main()
