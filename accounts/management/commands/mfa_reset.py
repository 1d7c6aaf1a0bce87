"""Remove someone's authenticator app, when they have lost both their phone and recovery codes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.services import authenticators_reset


class Command(BaseCommand):
    help = "Remove a person's authenticator app and recovery codes so they can set up a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The email address the person signs in with.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"].strip())
        except User.DoesNotExist as error:
            raise CommandError(f"No account uses {options['email']}.") from error
        deleted = authenticators_reset(user=user)
        self.stdout.write(f"Removed {deleted} authenticator(s) from {user.email}.")
