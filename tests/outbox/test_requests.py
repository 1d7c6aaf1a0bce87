"""Pages that send email while the mail server is down, with no Celery broker (tasks run in the
web process): each shows the success it earned, the email waits in the outbox with the failure
logged, and is delivered once when the mail server is back.

These tests commit for real (`transaction=True`), so the work queued for after the commit runs
inside the request, as it does on the site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from accounts.models import Invitation
from organisations.enums import ImportStatus
from organisations.models import ImportBatch
from outbox.services import outbox_send
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.conftest import STAFF_HEADER, csv_bytes
from tests.organisations.factories import EmailDomainFactory, MembershipFactory, OrganisationFactory
from tests.outbox.mail_servers import COUNTING, LOCMEM, CountingBackend
from tests.training.factories import BookingFactory, SessionFactory
from training.enums import BookingStatus
from training.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client() -> Client:
    """A browser's view: an error inside the request comes back as the 500 page."""
    return Client(raise_request_exception=False)


def _tried_once_and_failed(email: Email) -> None:
    """The outbox tried the email, the mail server refused it, and it is due again later."""
    outbox_send()
    email.refresh_from_db()
    assert email.status == STATUS.requeued
    assert email.number_of_retries == 1
    assert email.scheduled_time > timezone.now()
    [log] = Log.objects.filter(email=email)
    assert (log.status, log.exception_type) == (STATUS.failed, "ConnectionRefusedError")


def _delivered_once_when_back(email: Email, send_through: Callable[[str], None]) -> Any:
    """With the mail server back and the retry due, the email goes, once."""
    send_through(LOCMEM)
    Email.objects.update(scheduled_time=timezone.now())
    outbox_send()
    outbox_send()
    email.refresh_from_db()
    assert email.status == STATUS.sent
    [message] = mail.outbox
    return message


def test_booking_a_place_while_the_mail_server_is_down(
    client: Client, mail_server_down: Callable[[str], None]
) -> None:
    """The place is booked and the confirmation page shown; the email, calendar file and all,
    goes once the mail server answers."""
    member = MembershipFactory()
    session = SessionFactory(course__title="Neglect: recognising and responding")
    client.force_login(member.user)

    response = client.post(reverse("training:book", kwargs={"pk": session.pk}))

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("training:session", kwargs={"pk": session.pk})
    assert Booking.objects.get(session=session).status == BookingStatus.CONFIRMED
    [email] = Email.objects.all()
    assert (email.to, email.status) == ([member.user.email], STATUS.queued)
    _tried_once_and_failed(email)

    message = _delivered_once_when_back(email, mail_server_down)
    assert message.to == [member.user.email]
    assert "Neglect: recognising and responding" in message.subject
    [(filename, _content, mimetype)] = message.attachments
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar; method=REQUEST")


def test_cancelling_a_booking_while_the_mail_server_is_down(
    client: Client, mail_server_down: Callable[[str], None]
) -> None:
    """The booking is cancelled and the person told so on the page; the email follows."""
    booking = BookingFactory()
    client.force_login(booking.user)

    response = client.post(reverse("training:booking_cancel", kwargs={"pk": booking.pk}))

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    [email] = Email.objects.all()
    _tried_once_and_failed(email)

    message = _delivered_once_when_back(email, mail_server_down)
    assert message.to == [booking.user.email]
    [(filename, _content, mimetype)] = message.attachments
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar; method=CANCEL")


def test_asking_for_a_password_reset_while_the_mail_server_is_down(
    client: Client, mail_server_down: Callable[[str], None]
) -> None:
    """The "check your email" page is shown; the reset email goes once the server answers."""
    user = UserFactory()

    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_reset_password_done")
    [email] = Email.objects.all()
    _tried_once_and_failed(email)

    message = _delivered_once_when_back(email, mail_server_down)
    assert (message.to, message.subject) == ([user.email], "Reset your password")
    assert "/accounts/password/reset/key/" in message.body


def test_confirming_an_import_never_reaches_the_mail_server(
    client: Client, outbox: Callable[[str], None]
) -> None:
    """Confirming a file stores everyone's invitation in the outbox; not one is sent (or
    tried) inside the request. Sending them is the outbox's job, afterwards."""
    outbox(COUNTING)
    CountingBackend.attempts = 0
    organisation = OrganisationFactory(slug="lewisham-csc")
    EmailDomainFactory(organisation=organisation, domain="lewisham.example")
    coordinator = MembershipFactory(organisation=organisation, coordinator=True)
    enrol_totp(coordinator.user)
    client.force_login(coordinator.user)
    rows = [STAFF_HEADER] + [
        [f"Person{n}", "Taylor", f"person{n}@lewisham.example", "", "", ""] for n in range(30)
    ]
    upload = SimpleUploadedFile("people.csv", csv_bytes(rows), content_type="text/csv")
    url = reverse("organisations:import_upload", kwargs={"slug": organisation.slug})
    client.post(url, {"kind": "staff", "file": upload})
    batch = ImportBatch.objects.get()

    response = client.post(
        reverse("organisations:import_preview", kwargs={"slug": organisation.slug, "pk": batch.pk})
    )

    assert response.status_code == 302
    assert response.headers["Location"] == reverse(
        "organisations:people", kwargs={"slug": organisation.slug}
    )
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert CountingBackend.attempts == 0
    assert Email.objects.filter(status=STATUS.queued).count() == 30
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 30
