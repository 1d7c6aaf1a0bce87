"""The partnership team keeps requirements, standards' hours rules and the compliance rules in
Wagtail's admin; nobody else can, and bad input changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains
from wagtail.test.utils.form_data import nested_form_data

from accounts.models import User
from compliance.models import ComplianceRules, Requirement
from organisations.enums import MembershipKind, Sector
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.organisations.factories import JobRoleFactory, MembershipFactory
from tests.training.factories import TrainingStandardFactory
from training.models import StandardCover, TrainingStandard

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client) -> Client:
    user: User = UserFactory.create(partnership_team=True)
    enrol_totp(user)
    client.force_login(user)
    return client


def _requirement_data(standard: TrainingStandard, **fields: object) -> dict[str, object]:
    data = nested_form_data(
        {
            "name": "Level 2 for health staff in contact with children",
            "standard": standard.pk,
            "sector": Sector.HEALTH_TRUST,
            "membership_kind": MembershipKind.STAFF,
            "governor_role": "",
            "renewal_months": "",
            "grace_months": "3",
            "applies_from": "2026-01-01",
            "is_active": "on",
            **{k: v for k, v in fields.items() if k != "job_roles"},
        }
    )
    data["job_roles"] = fields.get("job_roles", [])
    return data


def test_the_team_adds_a_requirement(admin_client: Client) -> None:
    standard = TrainingStandardFactory.create()
    nurse = JobRoleFactory.create(name="Children's nurse", sector=Sector.HEALTH_TRUST)
    response = admin_client.post(
        reverse("requirement_admin:add"), _requirement_data(standard, job_roles=[nurse.pk])
    )
    assert response.status_code == 302
    requirement = Requirement.objects.get()
    assert requirement.standard == standard
    assert list(requirement.job_roles.all()) == [nurse]
    assert requirement.renewal_months is None


def test_job_roles_from_another_sector_are_refused(admin_client: Client) -> None:
    standard = TrainingStandardFactory.create()
    teacher = JobRoleFactory.create(name="Teacher", sector=Sector.SCHOOL)
    response = admin_client.post(
        reverse("requirement_admin:add"), _requirement_data(standard, job_roles=[teacher.pk])
    )
    assertContains(response, "These job roles belong to another sector")
    assert not Requirement.objects.exists()


def test_a_governor_role_needs_the_governor_kind(admin_client: Client) -> None:
    standard = TrainingStandardFactory.create()
    response = admin_client.post(
        reverse("requirement_admin:add"),
        _requirement_data(standard, governor_role="chair", sector=Sector.SCHOOL),
    )
    assertContains(response, "A governor role applies only to governors")
    assert not Requirement.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "trainer", "practitioner"])
def test_nobody_else_reaches_the_requirements(client: Client, role: str) -> None:
    if role == "trainer":
        user = UserFactory.create(trainer=True)
    else:
        user = MembershipFactory.create(is_coordinator=role == "coordinator").user
    enrol_totp(user)
    client.force_login(user)
    RequirementFactory.create()
    for name in ("requirement_admin:index", "requirement_admin:add"):
        assert client.get(reverse(name)).status_code == 302
    response = client.post(
        reverse("requirement_admin:add"), _requirement_data(TrainingStandardFactory.create())
    )
    assert response.status_code == 302
    assert Requirement.objects.count() == 1


def test_an_hours_rule_needs_a_period(admin_client: Client) -> None:
    data = nested_form_data(
        {
            "name": "Safeguarding children level 3",
            "slug": "",
            "description": "",
            "validity_months": "",
            "cpd_hours_required": "12",
        }
    )
    data["satisfies"] = []
    response = admin_client.post(reverse("trainingstandard_admin:add"), data)
    assertContains(response, "Enter how many months the CPD hours are counted over")
    assert not TrainingStandard.objects.exists()


def test_what_a_standard_meets_follows_the_admin(admin_client: Client) -> None:
    """Ticking "meets level 2" on level 3, which already meets level 1 through level 2, makes
    level 3 count for both at once."""
    level_1 = TrainingStandardFactory.create(name="Level 1")
    level_2 = TrainingStandardFactory.create(name="Level 2")
    level_2.satisfies.add(level_1)
    data = nested_form_data(
        {
            "name": "Level 3",
            "slug": "",
            "description": "",
            "validity_months": "36",
            "cpd_hours_required": "",
        }
    )
    data["satisfies"] = [level_2.pk]
    assert admin_client.post(reverse("trainingstandard_admin:add"), data).status_code == 302
    level_3 = TrainingStandard.objects.get(name="Level 3")
    covered = set(
        StandardCover.objects.filter(standard=level_3).values_list("covered__name", flat=True)
    )
    assert covered == {"Level 1", "Level 2", "Level 3"}


def test_the_team_changes_the_compliance_rules(admin_client: Client) -> None:
    url = reverse(
        "wagtailsettings:edit", args=["compliance", "compliancerules", ComplianceRules.load().pk]
    )
    rules = {
        "due_soon_days": "45",
        "first_reminder_days": "30",
        "second_reminder_days": "40",
        "guidance_edition": "Keeping children safe in education 2026",
        "guidance_url": "https://www.gov.uk/government/publications/"
        "keeping-children-safe-in-education--2",
    }
    response = admin_client.post(url, rules)
    assertContains(response, "The second reminder must come fewer days before expiry")
    assert ComplianceRules.load().due_soon_days == 60
    rules["second_reminder_days"] = "14"
    assert admin_client.post(url, rules).status_code == 302
    assert ComplianceRules.load().due_soon_days == 45
