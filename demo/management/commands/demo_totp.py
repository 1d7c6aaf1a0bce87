"""`python manage.py demo_totp`: the code an authenticator app shows now for the demo secret."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.organisations.accounts import demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current MFA code for the demo accounts' shared TOTP secret. "
        "With -v 0, print only the code."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a real site: demo codes are for development only. "
                "Run with --force only if you are sure."
            )
        code, seconds_left = demo_totp_code()
        if options["verbosity"] == 0:
            self.stdout.write(code)
            return
        self.stdout.write(
            f"{code}  (the code for the demo accounts; a new one comes in {seconds_left} s)"
        )
