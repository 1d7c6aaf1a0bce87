"""`python manage.py seed_demo`: the demo partnership, for development and demonstrations."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from demo.organisations.steps import demo_seed_run, demo_seed_start
from organisations.models import Membership, Organisation


class Command(BaseCommand):
    help = (
        "Fill the database with a demo safeguarding partnership: organisations, job roles, "
        "about 500 people, governing boards and the demo sign-in accounts. Running it again "
        "adds nothing. With --people N, also add N more people in bulk, and with --sessions N, N "
        "more upcoming training sessions with bookings, for benchmarks."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has organisations.",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=0,
            metavar="N",
            help="Also add N more people, spread across more organisations, in bulk.",
        )
        parser.add_argument(
            "--sessions",
            type=int,
            default=0,
            metavar="N",
            help="Also add N more upcoming training sessions, with bookings, in bulk.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a real site: no demo data was added. "
                "Run with --force only if you are sure."
            )
        if options["people"] < 0 or options["sessions"] < 0:
            raise CommandError("--people and --sessions must be 0 or more.")
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already has organisations: no demo data was added.")
            return
        started = time.perf_counter()
        seed = demo_seed_start(log=self._progress if options["verbosity"] > 0 else _quiet)
        demo_seed_run(seed, people=options["people"], sessions=options["sessions"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo partnership ready in {time.perf_counter() - started:.1f} s: "
                f"{Organisation.objects.count()} organisations, {User.objects.count()} people, "
                f"{Membership.objects.count()} memberships. "
                "`python manage.py demo_accounts` lists the sign-in accounts."
            )
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  {message}")


def _quiet(message: str) -> None:
    pass
