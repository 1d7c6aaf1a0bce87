"""The partnership team's shadowing pages in Wagtail's admin (shadowing.viewsets): the checklist
of host conditions, the standards shadowing counts towards, confidentiality agreements and
opportunities. Nobody else gets in, and every refusal is explained in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.backends import partnership_team_permissions
from accounts.models import User
from shadowing.enums import CheckKind, Status
from shadowing.models import Condition, ConfidentialityAgreement, CountingStandard, Opportunity
from shadowing.viewsets import PARTNERSHIP_TEAM_ADMIN_PERMISSIONS
from tests.accounts.factories import enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    OpportunityFactory,
    PlacementCheckFactory,
    agreement_condition,
    placement_in,
)
from tests.training.factories import TrainingStandardFactory

pytestmark = pytest.mark.django_db


def test_the_backend_grants_the_team_the_shadowing_permissions() -> None:
    """accounts.backends finds shadowing's admin permissions in `shadowing.permissions`
    (which names `shadowing.viewsets.PARTNERSHIP_TEAM_ADMIN_PERMISSIONS`)."""
    partnership_team_permissions.cache_clear()
    assert partnership_team_permissions() >= PARTNERSHIP_TEAM_ADMIN_PERMISSIONS


@pytest.fixture
def _shadowing_permissions_gathered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The pages below are tested whether or not `shadowing.permissions` names the
    permissions yet; the test above checks that it does."""
    import shadowing.permissions

    if not hasattr(shadowing.permissions, "PARTNERSHIP_TEAM_ADMIN_PERMISSIONS"):
        monkeypatch.setattr(
            shadowing.permissions,
            "PARTNERSHIP_TEAM_ADMIN_PERMISSIONS",
            PARTNERSHIP_TEAM_ADMIN_PERMISSIONS,
            raising=False,
        )
    partnership_team_permissions.cache_clear()
    yield
    partnership_team_permissions.cache_clear()


@pytest.fixture
def admin_client(
    client: Client, team_member: User, _shadowing_permissions_gathered: None
) -> Client:
    client.force_login(team_member)
    return client


ADMIN_PAGES = [
    "shadowing_opportunity_admin:index",
    "shadowing_condition_admin:index",
    "shadowing_condition_admin:add",
    "shadowing_agreement_admin:index",
    "shadowing_agreement_admin:add",
    "shadowing_standard_admin:index",
    "shadowing_standard_admin:add",
]


def test_the_team_reaches_every_shadowing_page_under_one_menu(admin_client: Client) -> None:
    for name in ADMIN_PAGES:
        assert admin_client.get(reverse(name)).status_code == 200, name
    home = admin_client.get(reverse("wagtailadmin_home"))
    assertContains(home, "Shadowing")
    for name in ADMIN_PAGES:
        if name.endswith(":index"):
            assertContains(home, reverse(name))


@pytest.mark.usefixtures("_shadowing_permissions_gathered")
@pytest.mark.parametrize("role", ["host", "coordinator", "practitioner"])
def test_nobody_else_reaches_the_shadowing_pages(client: Client, role: str) -> None:
    """Hosts manage their opportunities on our own pages; nobody but the team gets in here."""
    if role == "coordinator":
        user = MembershipFactory(coordinator=True).user
    elif role == "host":
        user = OpportunityFactory().supervisor.user
    else:
        user = MembershipFactory().user
    enrol_totp(user)
    client.force_login(user)
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 302, name
    client.post(reverse("shadowing_condition_admin:add"), _condition_data())
    assert not Condition.objects.filter(name="Safeguarding training in date").exists()


# The checklist ---------------------------------------------------------------------------------


def _condition_data(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Safeguarding training in date",
        "description": "The visitor's organisation confirms their safeguarding training.",
        "met_by": CheckKind.HOME_DBS,
        "order": "8",
        "is_active": "on",
        **fields,
    }


def test_the_team_adds_and_edits_a_condition(admin_client: Client) -> None:
    response = admin_client.post(reverse("shadowing_condition_admin:add"), _condition_data())
    assert response.status_code == 302
    condition = Condition.objects.get(name="Safeguarding training in date")
    assert condition.met_by == CheckKind.HOME_DBS
    assert condition.order == 8
    assert not condition.needs_details
    admin_client.post(
        reverse("shadowing_condition_admin:edit", args=[condition.pk]),
        _condition_data(is_active="", needs_details="on"),
    )
    condition.refresh_from_db()
    assert not condition.is_active
    assert condition.needs_details


def test_a_condition_an_opportunity_uses_is_not_deleted(admin_client: Client) -> None:
    """It is taken out of use instead, as the page says."""
    condition = Condition.objects.create(name="Driving licence seen", met_by=CheckKind.HOST_RECORDS)
    OpportunityFactory(conditions=[condition])
    url = reverse("shadowing_condition_admin:delete", args=[condition.pk])
    assertContains(admin_client.get(url), "is used by an opportunity or a placement")
    admin_client.post(url)
    assert Condition.objects.filter(pk=condition.pk).exists()


def test_a_condition_nobody_uses_can_be_deleted(admin_client: Client) -> None:
    condition = Condition.objects.create(name="Driving licence seen", met_by=CheckKind.HOST_RECORDS)
    response = admin_client.post(reverse("shadowing_condition_admin:delete", args=[condition.pk]))
    assert response.status_code == 302
    assert not Condition.objects.filter(pk=condition.pk).exists()


# Counting standards ----------------------------------------------------------------------------


def test_shadowing_counts_towards_a_standard_with_cpd_hours(admin_client: Client) -> None:
    standard = TrainingStandardFactory(cpd_hours_required="12")
    response = admin_client.post(reverse("shadowing_standard_admin:add"), {"standard": standard.pk})
    assert response.status_code == 302
    assert CountingStandard.objects.filter(standard=standard).exists()


def test_a_standard_without_cpd_hours_is_refused_in_plain_words(admin_client: Client) -> None:
    standard = TrainingStandardFactory(cpd_hours_required=None)
    response = admin_client.post(reverse("shadowing_standard_admin:add"), {"standard": standard.pk})
    assertContains(response, "Choose a standard that asks for CPD hours.")
    assert not CountingStandard.objects.exists()


# Confidentiality agreements --------------------------------------------------------------------


def test_a_new_agreement_version_is_numbered_one_above_the_highest(
    admin_client: Client, team_member: User
) -> None:
    organisation = OrganisationFactory()
    ConfidentialityAgreementFactory(organisation=organisation, version=1)
    ConfidentialityAgreementFactory(organisation=organisation, version=2)
    other = OrganisationFactory()
    for org in (organisation, other):
        response = admin_client.post(
            reverse("shadowing_agreement_admin:add"),
            {"organisation": org.pk, "text": "I will keep everything I see confidential."},
        )
        assert response.status_code == 302
    newest = ConfidentialityAgreement.objects.filter(organisation=organisation).first()
    assert newest is not None
    assert newest.version == 3
    assert newest.created_by == team_member
    assert newest.created_at is not None
    assert ConfidentialityAgreement.objects.get(organisation=other).version == 1


def test_a_signed_agreement_version_cannot_be_changed_or_deleted(admin_client: Client) -> None:
    placement = placement_in(Status.AWAITING_CHECKS)
    agreement = ConfidentialityAgreementFactory(organisation=placement.host_organisation)
    PlacementCheckFactory(placement=placement, condition=agreement_condition(), agreement=agreement)
    url = reverse("shadowing_agreement_admin:edit", args=[agreement.pk])
    assertContains(admin_client.get(url), "A visitor has signed this version")
    admin_client.post(url, {"organisation": agreement.organisation_id, "text": "Changed words."})
    agreement.refresh_from_db()
    assert agreement.text.startswith("I will keep confidential")
    delete_url = reverse("shadowing_agreement_admin:delete", args=[agreement.pk])
    admin_client.post(delete_url)
    assert ConfidentialityAgreement.objects.filter(pk=agreement.pk).exists()


def test_an_unsigned_agreement_version_can_be_corrected(admin_client: Client) -> None:
    agreement = ConfidentialityAgreementFactory()
    admin_client.post(
        reverse("shadowing_agreement_admin:edit", args=[agreement.pk]),
        {"organisation": agreement.organisation_id, "text": "Corrected words."},
    )
    agreement.refresh_from_db()
    assert agreement.text == "Corrected words."
    assert agreement.version == 1


# Opportunities ---------------------------------------------------------------------------------


def _opportunity_data(opportunity: Opportunity, **fields: Any) -> dict[str, Any]:
    return {
        "title": opportunity.title,
        "team": opportunity.team,
        "description": opportunity.description,
        "not_included": opportunity.not_included,
        "location": opportunity.location,
        "duration": opportunity.duration,
        "days": str(opportunity.days),
        "cpd_hours": str(opportunity.cpd_hours),
        "date_mode": opportunity.date_mode,
        "places_per_date": str(opportunity.places_per_date),
        "places_per_month": str(opportunity.places_per_month),
        "minimum_notice_days": str(opportunity.minimum_notice_days),
        "supervisor": opportunity.supervisor_id,
        "joining_instructions": opportunity.joining_instructions,
        "is_published": "on",
        **fields,
    }


def test_the_team_edits_any_hosts_opportunity(admin_client: Client) -> None:
    opportunity = OpportunityFactory()
    response = admin_client.post(
        reverse("shadowing_opportunity_admin:edit", args=[opportunity.pk]),
        _opportunity_data(opportunity, title="A day in the MASH", is_published=""),
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "A day in the MASH"
    assert not opportunity.is_published


def test_the_supervisor_must_work_for_the_host(admin_client: Client) -> None:
    opportunity = OpportunityFactory()
    outsider = MembershipFactory()
    response = admin_client.post(
        reverse("shadowing_opportunity_admin:edit", args=[opportunity.pk]),
        _opportunity_data(opportunity, supervisor=outsider.pk),
    )
    assertContains(response, "Choose a supervisor who works for the host organisation now.")
    opportunity.refresh_from_db()
    assert opportunity.supervisor_id != outsider.pk


def test_opportunities_are_not_added_or_deleted_here(admin_client: Client) -> None:
    """Hosts make opportunities on their own pages; the team corrects them here."""
    opportunity = OpportunityFactory()
    assert admin_client.get(reverse("shadowing_opportunity_admin:add")).status_code == 302
    admin_client.post(reverse("shadowing_opportunity_admin:delete", args=[opportunity.pk]))
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
