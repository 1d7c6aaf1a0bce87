"""A coordinator's zip of their staff's certificates: the period rules, what the zip holds,
the pages (as a role by page matrix), the progress page, and old zips being deleted."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from certificates.models import Certificate, CertificateExport, ExportStatus
from certificates.services.exports import (
    certificate_export_build,
    certificate_export_request,
    certificate_exports_delete_expired,
)
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.certificates.factories import CertificateFactory, attended_booking
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

FROM = date(2026, 4, 1)
TO = date(2027, 3, 31)


def _certificate(organisation: Organisation, *, first: str, last: str, **extra: Any) -> Certificate:
    person = MembershipFactory.create(
        organisation=organisation, user__first_name=first, user__last_name=last
    )
    record = attended_booking(attendee=person).record
    values: dict[str, Any] = {"completed_on": date(2026, 6, 15)} | extra
    return CertificateFactory.create(
        training_record=record, holder_name=f"{first} {last}", **values
    )


def _coordinator(organisation: Organisation) -> User:
    user: User = MembershipFactory.create(organisation=organisation, coordinator=True).user
    enrol_totp(user)
    return user


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory.create(name="Riverside Family Support", slug="riverside")


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return _coordinator(organisation)


@pytest.fixture
def staff_certificates(organisation: Organisation) -> list[Certificate]:
    """Three certificates in the period at the organisation; others that must be left out."""
    inside = [
        _certificate(organisation, first="Łucja", last="Nguyễn"),
        _certificate(organisation, first="Amara", last="Okafor", course_title="Working together"),
        _certificate(organisation, first="Ben", last="Shah", completed_on=TO),
    ]
    _certificate(organisation, first="Before", last="Period", completed_on=FROM - timedelta(1))
    _certificate(organisation, first="After", last="Period", completed_on=TO + timedelta(1))
    _certificate(
        organisation, first="Revoked", last="Person", revoked_at=timezone.now(), revoked_reason="x"
    )
    _certificate(OrganisationFactory.create(), first="Other", last="Organisation")
    return inside


def _request(coordinator: User, organisation: Organisation, **period: date) -> CertificateExport:
    return certificate_export_request(
        requested_by=coordinator,
        organisation=organisation,
        period_from=period.get("period_from", FROM),
        period_to=period.get("period_to", TO),
    )


def _zip_names(export: CertificateExport) -> list[str]:
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        return sorted(archive.namelist())


def test_the_zip_holds_one_pdf_for_each_current_certificate_of_the_staff_in_the_period(
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = _request(coordinator, organisation)

    assert len(callbacks) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert (export.total, export.done) == (3, 3)
    assert (
        Path(export.file.path).resolve().is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    )
    codes = {c.holder_name: c.code for c in staff_certificates}
    assert _zip_names(export) == sorted(
        [
            f"amara-okafor-working-together-{codes['Amara Okafor']}.pdf",
            f"ben-shah-{_slug(staff_certificates[2])}-{codes['Ben Shah']}.pdf",
            f"łucja-nguyễn-{_slug(staff_certificates[0])}-{codes['Łucja Nguyễn']}.pdf",
        ]
    )
    with export.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        name = next(n for n in archive.namelist() if n.startswith("łucja"))
        with archive.open(name) as pdf:
            text = PdfReader(pdf).pages[0].extract_text()
    assert "Łucja Nguyễn" in text


def _slug(certificate: Certificate) -> str:
    from django.utils.text import slugify

    return slugify(certificate.course_title)[:60]


def test_volunteers_are_included_and_people_who_left_are_not(
    coordinator: User, organisation: Organisation
) -> None:
    volunteer = MembershipFactory.create(organisation=organisation, volunteer=True)
    kept = CertificateFactory.create(
        training_record=attended_booking(attendee=volunteer).record, completed_on=date(2026, 5, 1)
    )
    leaver = _certificate(organisation, first="Left", last="Already")
    assert leaver.training_record is not None
    membership = leaver.training_record.membership
    assert membership is not None
    membership.start_date = timezone.localdate() - timedelta(days=400)
    membership.end_date = timezone.localdate() - timedelta(days=1)
    membership.save()

    export = _request(coordinator, organisation)
    certificate_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert [name.rsplit("-", 1)[1] for name in _zip_names(export)] == [f"{kept.code}.pdf"]


@pytest.mark.parametrize(
    ("period_from", "period_to", "message"),
    [
        (date(2026, 4, 2), date(2026, 4, 1), "must be the same as or after its start"),
        (date(2026, 4, 1), date(2029, 4, 2), "3 years at most"),
        (date(2020, 1, 1), date(2020, 12, 31), "Nobody at Riverside Family Support has a"),
    ],
)
def test_a_bad_period_or_one_without_certificates_is_a_plain_message_and_queues_nothing(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
    django_capture_on_commit_callbacks: Callable[..., Any],
    period_from: date,
    period_to: date,
    message: str,
) -> None:
    client.force_login(coordinator)
    data = {
        "period_from_day": period_from.day,
        "period_from_month": period_from.month,
        "period_from_year": period_from.year,
        "period_to_day": period_to.day,
        "period_to_month": period_to.month,
        "period_to_year": period_to.year,
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("certificates:export_request", args=["riverside"]), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert callbacks == []
    assert not CertificateExport.objects.exists()


def test_exactly_three_years_is_allowed(
    coordinator: User, organisation: Organisation, staff_certificates: list[Certificate]
) -> None:
    export = _request(coordinator, organisation, period_to=date(2029, 4, 1))
    assert export.total == 4  # the three, and the one completed the day after 31 March 2027
    with pytest.raises(ValidationError):
        _request(coordinator, organisation, period_to=date(2029, 4, 2))


def test_the_coordinator_asks_through_the_page_and_downloads_the_zip(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:export_request", args=["riverside"]),
            {
                "period_from_day": "1",
                "period_from_month": "4",
                "period_from_year": "2026",
                "period_to_day": "31",
                "period_to_month": "3",
                "period_to_year": "2027",
            },
        )
    export = CertificateExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == export.get_absolute_url()

    page = client.get(export.get_absolute_url()).content.decode()
    assert "Your zip file is ready" in page
    assert 'http-equiv="refresh"' not in page
    download = reverse("certificates:export_download", args=["riverside", export.pk])
    assert download in page

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="certificates-riverside-2026-04-01-to-2027-03-31.zip"'
    )
    with zipfile.ZipFile(_buffer(response)) as archive:
        assert len(archive.namelist()) == 3
    assert export.requested_by == coordinator
    listed = client.get(reverse("certificates:export_request", args=["riverside"]))
    assert export.get_absolute_url() in listed.content.decode()


def _buffer(response: Any) -> Any:
    from io import BytesIO

    return BytesIO(b"".join(response.streaming_content))


def test_the_progress_page_refreshes_itself_and_says_how_far_it_has_got(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
    django_assert_num_queries: Callable[..., Any],
) -> None:
    """Asked for but not yet made (no worker has taken it): the page reloads itself with a
    meta refresh (no script), says how many are done, and offers no file."""
    export = _request(coordinator, organisation)  # the task waits for a commit that never comes
    CertificateExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, done=1)
    client.force_login(coordinator)
    client.get(export.get_absolute_url())  # the session and MFA checks, cached afterwards

    with django_assert_num_queries(_queries_for_a_page(client, export.get_absolute_url())):
        response = client.get(export.get_absolute_url())

    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "1 of 3 certificates added (33%)" in page
    assert "Download the zip file" not in page
    download = client.get(reverse("certificates:export_download", args=["riverside", export.pk]))
    assert download.status_code == 404


def _queries_for_a_page(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_the_progress_page_takes_the_same_queries_however_many_certificates(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
) -> None:
    small = _request(coordinator, organisation)
    for number in range(5):
        _certificate(organisation, first="Extra", last=f"Person{number}")
    large = _request(coordinator, organisation)
    client.force_login(coordinator)
    client.get(small.get_absolute_url())

    assert large.total == small.total + 5
    assert _queries_for_a_page(client, small.get_absolute_url()) == _queries_for_a_page(
        client, large.get_absolute_url()
    )


def test_a_failed_zip_says_so_and_offers_to_ask_again(
    client: Client, coordinator: User, organisation: Organisation
) -> None:
    export = CertificateExport.objects.create(
        organisation=organisation,
        requested_by=coordinator,
        period_from=FROM,
        period_to=TO,
        status=ExportStatus.FAILED,
    )
    client.force_login(coordinator)

    page = client.get(export.get_absolute_url()).content.decode()

    assert "The zip file could not be made" in page
    assert 'http-equiv="refresh"' not in page


def test_old_zips_are_deleted_with_their_files(
    coordinator: User, organisation: Organisation, staff_certificates: list[Certificate]
) -> None:
    export = _request(coordinator, organisation)
    certificate_export_build(export_id=export.pk)
    export.refresh_from_db()
    path = Path(export.file.path)
    assert path.exists()

    assert certificate_exports_delete_expired(now=timezone.now() + timedelta(days=2)) == 0
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert certificate_exports_delete_expired() == 1

    assert not CertificateExport.objects.exists()
    assert not path.exists()


def test_building_again_leaves_a_ready_zip_as_it_is(
    coordinator: User, organisation: Organisation, staff_certificates: list[Certificate]
) -> None:
    export = _request(coordinator, organisation)
    first = certificate_export_build(export_id=export.pk)
    assert first is not None
    name = first.file.name

    again = certificate_export_build(export_id=export.pk)

    assert again is not None
    assert again.file.name == name
    assert len(list(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.zip"))) == 1


def test_a_rerun_after_a_worker_was_killed_starts_the_zip_again(
    coordinator: User, organisation: Organisation, staff_certificates: list[Certificate]
) -> None:
    """A worker killed part way leaves the export "being made" with some done: the redelivered
    task makes the whole zip."""
    export = _request(coordinator, organisation)
    CertificateExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, done=2)

    certificate_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert (export.status, export.done, len(_zip_names(export))) == (ExportStatus.READY, 3, 3)


# --- Who may use the pages -------------------------------------------------------------------

ROLES = [
    "coordinator",
    "other_coordinator_same_organisation",
    "coordinator_elsewhere",
    "partnership_team",
    "learner",
    "anonymous",
]
# page → role → status code (302 for anonymous is the sign-in page)
EXPECTED: dict[str, dict[str, int]] = {
    "export_home": {
        "coordinator": 302,  # straight to their organisation
        "other_coordinator_same_organisation": 302,
        "coordinator_elsewhere": 302,
        "partnership_team": 200,  # every organisation to choose from
        "learner": 404,
    },
    "export_request": {
        "coordinator": 200,
        "other_coordinator_same_organisation": 200,
        "coordinator_elsewhere": 404,
        "partnership_team": 200,
        "learner": 404,
    },
    "export_detail": {
        "coordinator": 200,
        "other_coordinator_same_organisation": 200,
        "coordinator_elsewhere": 404,
        "partnership_team": 404,  # the team sees only the zips they asked for
        "learner": 404,
    },
    "export_download": {
        "coordinator": 200,
        "other_coordinator_same_organisation": 200,
        "coordinator_elsewhere": 404,
        "partnership_team": 404,
        "learner": 404,
    },
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_permission_matrix(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
    role: str,
    page: str,
) -> None:
    export = _request(coordinator, organisation)
    certificate_export_build(export_id=export.pk)
    learner = staff_certificates[0].holder
    assert learner is not None
    team = UserFactory.create(partnership_team=True)
    enrol_totp(team)
    users = {
        "coordinator": coordinator,
        "other_coordinator_same_organisation": _coordinator(organisation),
        "coordinator_elsewhere": _coordinator(OrganisationFactory.create()),
        "partnership_team": team,
        "learner": learner,
    }
    if role != "anonymous":
        client.force_login(users[role])
    args: list[Any] = {
        "export_home": [],
        "export_request": ["riverside"],
    }.get(page, ["riverside", export.pk])

    response = client.get(reverse(f"certificates:{page}", args=args))

    if role == "anonymous":
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == EXPECTED[page][role]


def test_a_coordinator_elsewhere_cannot_reach_the_zip_under_their_own_organisation(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
) -> None:
    export = _request(coordinator, organisation)
    certificate_export_build(export_id=export.pk)
    elsewhere = OrganisationFactory.create(slug="elsewhere")
    client.force_login(_coordinator(elsewhere))

    response = client.get(reverse("certificates:export_download", args=["elsewhere", export.pk]))

    assert response.status_code == 404


def test_the_requester_loses_the_zip_when_they_stop_being_coordinator(
    client: Client,
    coordinator: User,
    organisation: Organisation,
    staff_certificates: list[Certificate],
) -> None:
    export = _request(coordinator, organisation)
    certificate_export_build(export_id=export.pk)
    coordinator.memberships.update(is_coordinator=False)
    client.force_login(coordinator)

    response = client.get(reverse("certificates:export_download", args=["riverside", export.pk]))

    assert response.status_code == 404


def test_coordinators_and_the_team_find_the_page_from_home(
    client: Client, coordinator: User
) -> None:
    client.force_login(coordinator)
    assert reverse("certificates:export_home") in client.get(reverse("home")).content.decode()
    learner = MembershipFactory.create().user
    client.force_login(learner)
    assert reverse("certificates:export_home") not in client.get(reverse("home")).content.decode()
