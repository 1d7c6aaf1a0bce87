"""Factories for accounts. `UserFactory(partnership_team=True)` and similar traits set roles."""

import factory
from django.utils import timezone

from accounts.models import Invitation, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@agency.example")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    class Params:
        partnership_team = factory.Trait(is_partnership_team=True)
        trainer = factory.Trait(is_trainer=True)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        """Record the address as verified, as allauth needs before it lets someone sign in."""
        if not create:
            return
        obj.save()
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=obj,
            email=obj.email,
            defaults={"verified": extracted is not False, "primary": True},
        )


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@agency.example")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    organisation = factory.SubFactory("tests.organisations.factories.OrganisationFactory")
    kind = "staff"
    start_date = factory.LazyFunction(timezone.localdate)


# A fixed base32 secret so tests can compute valid codes (never used outside tests and demo).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(user: User, secret: str = TEST_TOTP_SECRET) -> None:
    """Give the person an authenticator app and recovery codes, as allauth's own flow does."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The code an authenticator app would show now."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def fresh_totp_code(secret: str = TEST_TOTP_SECRET, margin: float = 2.0) -> str:
    """The current code, waiting for the next 30-second period when this one is about to end.

    A code read in the last moment of its period could expire before the request checks it.
    """
    import time

    from allauth.mfa import app_settings

    remaining = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if remaining < margin:
        time.sleep(remaining + 0.1)
    return totp_code(secret)


ENROLMENT_CODE_SUBJECT = "Your code to set up an authenticator app"


def emailed_enrolment_code(outbox: list) -> str:
    """The code in the latest "Confirm it is you" email, read as the person would read it."""
    import re

    message = [m for m in outbox if m.subject == ENROLMENT_CODE_SUBJECT][-1]
    match = re.search(r"^(\d{6})$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)
