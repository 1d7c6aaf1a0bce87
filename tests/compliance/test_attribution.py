"""Whose requirements a record counts towards (docs/compliance.md, "Which records count").

The attack an outside test found: a coordinator added a detective from another agency as a
volunteer (taking effect at once), imported a made-up record for them, and the detective went
from overdue to in date in the police team's table. Now the volunteer must accept first, and a
record an organisation imports or verifies counts towards that organisation's requirements
only; the partnership's own training counts everywhere.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from compliance.enums import ComplianceStatus
from compliance.models import Requirement
from compliance.selectors.statuses import ComplianceDay, requirement_rows
from organisations.enums import MembershipKind, Sector
from organisations.models import Membership, Organisation
from tests.accounts.factories import enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.organisations.conftest import csv_bytes
from tests.organisations.factories import EmailDomainFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard

pytestmark = pytest.mark.django_db

HEADER = ["email", "title", "standard", "completed_on", "cpd_hours", "provider"]
LEVEL_3 = "Safeguarding children level 3"


def _status(membership: Membership, requirement: Requirement) -> str:
    day = ComplianceDay(on=timezone.localdate(), due_soon_days=60)
    return requirement_rows(day).get(membership=membership, requirement=requirement).status


def _signed_in(user: User) -> Client:
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    return client


def _import(client: Client, organisation: Organisation, email: str, on: date) -> str:
    """Upload a one-row file and confirm it; the page the confirmation leads to."""
    rows = [HEADER, [email, "Advanced safeguarding", LEVEL_3, f"{on:%d/%m/%Y}", "6", "Anyone"]]
    url = reverse("training:records_import", kwargs={"slug": organisation.slug})
    response = client.post(url, {"file": _upload(rows)}, follow=True)
    page = response.content.decode()
    if "Confirm and add records" in page:
        response = client.post(response.redirect_chain[-1][0], follow=True)
        page = response.content.decode()
    return page


def _upload(rows: list[list[str]]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("records.csv", csv_bytes(rows))


@pytest.fixture
def level_3() -> TrainingStandard:
    return TrainingStandardFactory(name=LEVEL_3, slug="level-3", validity_months=36)


@pytest.fixture
def police(level_3: TrainingStandard) -> tuple[Membership, Requirement, User]:
    """A detective whose level 3 expired a year ago, and the police team's coordinator."""
    today = timezone.localdate()
    police = OrganisationFactory(name="Metropolitan Police", slug="met", sector=Sector.POLICE)
    detective = MembershipFactory(organisation=police, start_date=today - timedelta(days=3000))
    requirement = RequirementFactory(
        standard=level_3, sector=Sector.POLICE, applies_from=today - timedelta(days=3000)
    )
    TrainingRecordFactory(
        user=detective.user,
        course=None,
        completed_on=today - timedelta(days=365 * 4),
        standards=[level_3],
    )
    coordinator = MembershipFactory(organisation=police, coordinator=True).user
    return detective, requirement, coordinator


def test_another_organisation_cannot_make_a_detective_in_date(
    police: tuple[Membership, Requirement, User], django_capture_on_commit_callbacks: Any
) -> None:
    detective, requirement, _ = police
    assert _status(detective, requirement) == ComplianceStatus.OVERDUE
    school = OrganisationFactory(name="Brockley Primary", slug="brockley", sector=Sector.SCHOOL)
    EmailDomainFactory(organisation=school, domain="brockley.example")
    coordinator = _signed_in(MembershipFactory(organisation=school, coordinator=True).user)
    today = timezone.localdate()

    # Adding the detective as a volunteer only invites them...
    invite_url = reverse("organisations:invite", kwargs={"slug": school.slug}) + "?kind=volunteer"
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(
            invite_url,
            {"first_name": "Dee", "last_name": "Tective", "email": detective.user.email},
        )
    assert Invitation.objects.filter(email=detective.user.email, organisation=school).exists()
    assert not Membership.objects.filter(user=detective.user, organisation=school).exists()

    # ...so a record for them cannot be imported.
    with django_capture_on_commit_callbacks(execute=True):
        _import(coordinator, school, detective.user.email, today - timedelta(days=10))
    assert not TrainingRecord.objects.filter(source=RecordSource.IMPORT).exists()
    assert _status(detective, requirement) == ComplianceStatus.OVERDUE

    # Even once they have really joined as a volunteer, the school's record is the school's.
    detective_client = Client()
    detective_client.force_login(detective.user)
    invitation = Invitation.objects.get(email=detective.user.email, organisation=school)
    detective_client.post(invitation.get_absolute_url())
    volunteer = Membership.objects.get(user=detective.user, organisation=school)
    assert volunteer.kind == MembershipKind.VOLUNTEER
    with django_capture_on_commit_callbacks(execute=True):
        _import(coordinator, school, detective.user.email, today - timedelta(days=10))
    record = TrainingRecord.objects.get(source=RecordSource.IMPORT)
    assert record.attributed_to == school
    assert _status(detective, requirement) == ComplianceStatus.OVERDUE


def test_the_home_organisations_own_import_counts(
    police: tuple[Membership, Requirement, User], django_capture_on_commit_callbacks: Any
) -> None:
    """The control for the test above: the same import by the police team does count."""
    detective, requirement, coordinator = police
    client = _signed_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _import(client, detective.organisation, detective.user.email, timezone.localdate())
    assert TrainingRecord.objects.get(source=RecordSource.IMPORT).attributed_to == (
        detective.organisation
    )
    assert _status(detective, requirement) == ComplianceStatus.IN_DATE


def test_partnership_training_counts_everywhere(
    police: tuple[Membership, Requirement, User],
) -> None:
    """A session the partnership ran (attendance) counts for every membership of the person."""
    detective, requirement, _ = police
    TrainingRecordFactory(
        user=detective.user,
        course=None,
        completed_on=timezone.localdate() - timedelta(days=5),
        source=RecordSource.ATTENDANCE,
        standards=[requirement.standard],
    )
    assert _status(detective, requirement) == ComplianceStatus.IN_DATE


def test_a_record_verified_elsewhere_counts_only_there(
    police: tuple[Membership, Requirement, User],
) -> None:
    """Someone with two memberships: evidence verified by one organisation counts there."""
    detective, requirement, _ = police
    other = OrganisationFactory(sector=Sector.POLICE)
    second = MembershipFactory(
        organisation=other,
        user=detective.user,
        kind=MembershipKind.VOLUNTEER,
        start_date=detective.start_date,
    )
    TrainingRecordFactory(
        user=detective.user,
        course=None,
        completed_on=timezone.localdate() - timedelta(days=5),
        source=RecordSource.EXTERNAL,
        attributed_to=other,
        standards=[requirement.standard],
    )
    assert _status(second, requirement) == ComplianceStatus.IN_DATE
    assert _status(detective, requirement) == ComplianceStatus.OVERDUE
