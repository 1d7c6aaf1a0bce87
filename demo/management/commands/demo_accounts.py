"""`python manage.py demo_accounts`: the demo sign-in accounts, their password and MFA secret."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import User
from demo.organisations.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    demo_totp_code,
)


class Command(BaseCommand):
    help = "List the demo sign-in accounts made by seed_demo, with their password and MFA secret."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [("email", "who they are", "needs MFA")] + [
            (a.email, a.description, "yes" if a.needs_mfa else "no") for a in DEMO_ACCOUNTS
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts"))
        for n, row in enumerate(rows):
            line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            self.stdout.write(self.style.MIGRATE_LABEL(line) if n == 0 else line)
        self.stdout.write("")
        self.stdout.write(f"Password for every account: {DEMO_PASSWORD}")
        self.stdout.write(
            f"Authenticator (TOTP) secret for the accounts that need MFA: {DEMO_TOTP_SECRET}"
        )
        code, seconds_left = demo_totp_code()
        self.stdout.write(f"Its code now: {code} (a new one comes in {seconds_left} s)")
        self.stdout.write(
            "Add the secret to an authenticator app, or run `python manage.py demo_totp` to print "
            "the current code. Every other demo person who needs MFA (the generated coordinators, "
            "clerks, trainers and web editors) has the same secret."
        )
        emails = [a.email for a in DEMO_ACCOUNTS]
        if User.objects.filter(email__in=emails).count() < len(emails):
            self.stdout.write(
                self.style.WARNING(
                    "Some of these accounts are not in this database: run "
                    "`python manage.py seed_demo` first."
                )
            )
