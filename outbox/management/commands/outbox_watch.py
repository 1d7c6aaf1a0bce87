"""Send the outbox every few seconds, for running without a Celery broker (`make run` does)."""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from outbox.services import outbox_delete_old, outbox_send

# Often enough that a password reset email arrives while the person is still looking.
DEFAULT_INTERVAL_SECONDS = 5
DAY_SECONDS = 24 * 60 * 60

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Send the emails waiting in the outbox every few seconds, and try failed ones again, "
        "until stopped. Not needed with a Celery worker and beat, which do the same."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL_SECONDS,
            help="Seconds between two looks at the outbox (default 5).",
        )
        parser.add_argument("--once", action="store_true", help="Send what is due now, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        cleaned_at: float | None = None
        while True:
            try:
                if cleaned_at is None or time.monotonic() - cleaned_at >= DAY_SECONDS:
                    outbox_delete_old()
                    cleaned_at = time.monotonic()
                self._send()
            except Exception:
                if options["once"]:
                    raise
                # A database that is briefly away (or not migrated yet) must not stop the
                # watcher: the emails wait, and the next look tries again.
                logger.exception("outbox watch failed; trying again")
            if options["once"]:
                return
            # Between looks, so a connection the database dropped is opened afresh. Not before
            # the first: with --once the command may run inside a transaction (tests do), which
            # Django would take for a broken connection and close.
            close_old_connections()
            deadline = time.monotonic() + options["interval"]
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if stopping:
                return

    def _send(self) -> None:
        outcome = outbox_send()
        if outcome.sent or outcome.failed or outcome.requeued:
            self.stdout.write(
                f"Outbox: {outcome.sent} sent, {outcome.requeued} to try again, "
                f"{outcome.failed} given up."
            )
