"""Fixtures for the organisations tests: a council with people to manage, and upload helpers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from accounts.models import User
from organisations.enums import Sector
from organisations.models import JobRole, Membership, Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import (
    EmailDomainFactory,
    JobRoleFactory,
    MembershipFactory,
    OrganisationFactory,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded import files are kept in storage; keep the tests' copies out of the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Council:
    """A children's social care service with a domain, job roles, a coordinator and a manager."""

    organisation: Organisation
    coordinator: Membership
    manager: Membership
    social_worker: JobRole
    team_manager: JobRole

    @property
    def coordinator_user(self) -> User:
        return self.coordinator.user


@pytest.fixture
def council(db: None) -> Council:
    organisation = OrganisationFactory(
        name="Lewisham Children's Social Care",
        slug="lewisham-csc",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
    )
    EmailDomainFactory(organisation=organisation, domain="lewisham.example")
    social_worker = JobRoleFactory(name="Social worker", sector=Sector.CHILDRENS_SOCIAL_CARE)
    team_manager = JobRoleFactory(name="Team manager", sector=Sector.CHILDRENS_SOCIAL_CARE)
    JobRoleFactory(name="Designated safeguarding lead", sector="")
    JobRoleFactory(name="Police constable", sector=Sector.POLICE)
    coordinator = MembershipFactory(
        organisation=organisation,
        coordinator=True,
        user=UserFactory(email="coordinator@lewisham.example", first_name="Cora"),
    )
    manager = MembershipFactory(
        organisation=organisation,
        job_role=team_manager,
        user=UserFactory(
            email="manager@lewisham.example", first_name="Morgan", last_name="Adeyemi"
        ),
    )
    return Council(organisation, coordinator, manager, social_worker, team_manager)


@pytest.fixture
def school(db: None) -> Organisation:
    """A primary school with a governing board and a clerk."""
    organisation = OrganisationFactory(
        name="Brockley Primary School", slug="brockley-primary", sector=Sector.SCHOOL
    )
    EmailDomainFactory(organisation=organisation, domain="brockley.example")
    return organisation


@pytest.fixture
def signed_in_coordinator(client: Any, council: Council) -> User:
    """The council's coordinator, with MFA set up (their role needs it), signed in."""
    user = council.coordinator_user
    enrol_totp(user)
    client.force_login(user)
    return user


def csv_bytes(rows: Sequence[Sequence[object]], *, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


STAFF_HEADER = ["first_name", "last_name", "email", "job_role", "line_manager_email", "start_date"]
GOVERNOR_HEADER = ["first_name", "last_name", "email", "category", "role", "term_end", "start_date"]
