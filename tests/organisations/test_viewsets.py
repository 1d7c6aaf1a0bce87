"""The partnership team's organisation and job-role pages in Wagtail's admin."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import User
from cms.models import OrganisationEditors, OrganisationPage
from organisations.enums import Sector
from organisations.models import EmailDomain, JobRole, Organisation, WorkforceHeadcount
from tests.accounts.factories import UserFactory, enrol_totp
from tests.cms.factories import organisation_page
from tests.organisations.factories import (
    EmailDomainFactory,
    JobRoleFactory,
    MembershipFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, team_member: User) -> Client:
    client.force_login(team_member)
    return client


def _organisation_data(
    *,
    name: str = "Lewisham Children's Social Care",
    slug: str = "",
    sector: str = Sector.CHILDRENS_SOCIAL_CARE,
    parent: Organisation | None = None,
    domains: list[dict[str, Any]] | None = None,
    domains_initial: int = 0,
    headcounts: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """The add/edit form as the admin posts it, inline lists included."""
    return nested_form_data(
        {
            "name": name,
            "slug": slug,
            "sector": sector,
            "is_statutory_partner": "",
            "parent": parent.pk if parent else "",
            "safeguarding_contact_name": "",
            "safeguarding_contact_email": "",
            "safeguarding_contact_phone": "",
            **fields,
            "email_domains": inline_formset(domains or [], initial=domains_initial),
            "headcounts": inline_formset(headcounts or []),
        }
    )


def _png(size: tuple[int, int], name: str = "logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Listing ------------------------------------------------------------------------------------


def test_list_searches_by_name(admin_client: Client) -> None:
    """Searching the list finds organisations by part of their name."""
    OrganisationFactory.create(name="Lewisham Children's Social Care")
    OrganisationFactory.create(name="Metropolitan Police, Lewisham")
    OrganisationFactory.create(name="Brockley Primary School", sector=Sector.SCHOOL)
    response = admin_client.get(reverse("organisation_admin:index"), {"q": "lewisham"})
    assertContains(response, "Metropolitan Police, Lewisham")
    assertNotContains(response, "Brockley Primary School")


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        pytest.param({"sector": Sector.SCHOOL}, "Brockley Primary", "Lewisham CSC", id="sector"),
        pytest.param(
            {"is_statutory_partner": "true"}, "Lewisham CSC", "Brockley Primary", id="statutory"
        ),
    ],
)
def test_list_filters(admin_client: Client, query: dict[str, str], shown: str, hidden: str) -> None:
    """The list filters by sector and by statutory partner."""
    OrganisationFactory.create(name="Lewisham CSC", is_statutory_partner=True)
    OrganisationFactory.create(name="Brockley Primary", sector=Sector.SCHOOL)
    response = admin_client.get(reverse("organisation_admin:index"), query)
    assertContains(response, shown)
    assertNotContains(response, hidden)


def test_job_role_list_filters_by_sector(admin_client: Client) -> None:
    """Job roles are listed and filtered by sector."""
    JobRoleFactory.create(name="Health visitor", sector=Sector.HEALTH_TRUST)
    JobRoleFactory.create(name="Class teacher", sector=Sector.SCHOOL)
    response = admin_client.get(reverse("jobrole_admin:index"), {"sector": Sector.SCHOOL})
    assertContains(response, "Class teacher")
    assertNotContains(response, "Health visitor")


# Adding and editing -------------------------------------------------------------------------


def test_edit_form_has_every_part(admin_client: Client) -> None:
    """The form covers the organisation's details, contact, domains and headcounts."""
    organisation = OrganisationFactory.create()
    response = admin_client.get(reverse("organisation_admin:edit", args=[organisation.pk]))
    for field in (
        'name="name"',
        'name="slug"',
        'name="sector"',
        'name="is_statutory_partner"',
        'name="parent"',
        'name="logo"',
        'name="safeguarding_contact_name"',
        'name="safeguarding_contact_email"',
        'name="safeguarding_contact_phone"',
        'name="email_domains-TOTAL_FORMS"',
        'name="headcounts-TOTAL_FORMS"',
    ):
        assertContains(response, field)
    assertContains(response, "Allowed email domains")
    assertContains(response, "Workforce headcount")


def test_add_organisation_with_domains_and_headcounts(admin_client: Client) -> None:
    """Adding an organisation saves its domains (tidied to lower case) and headcounts; a blank
    slug is made from the name."""
    social_worker = JobRoleFactory.create(name="Social worker")
    data = _organisation_data(
        domains=[{"domain": " Lewisham.GOV.uk "}, {"domain": "nhs.net."}],
        headcounts=[{"job_role": social_worker.pk, "headcount": "140"}],
    )
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.slug == "lewisham-childrens-social-care"
    assert sorted(organisation.email_domains.values_list("domain", flat=True)) == [
        "lewisham.gov.uk",
        "nhs.net",
    ]
    assert organisation.headcounts.get().headcount == 140


def test_edit_removes_and_adds_domains(admin_client: Client) -> None:
    """Editing replaces the inline lists as submitted."""
    organisation = OrganisationFactory.create()
    kept = EmailDomainFactory.create(organisation=organisation, domain="lewisham.gov.uk")
    removed = EmailDomainFactory.create(organisation=organisation, domain="old.example")
    data = _organisation_data(
        name=organisation.name,
        slug=organisation.slug,
        domains=[
            {"id": kept.pk, "domain": "lewisham.gov.uk"},
            {"id": removed.pk, "domain": "old.example", "DELETE": "1"},
            {"domain": "new.example"},
        ],
        domains_initial=2,
    )
    response = admin_client.post(reverse("organisation_admin:edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    assert sorted(organisation.email_domains.values_list("domain", flat=True)) == [
        "lewisham.gov.uk",
        "new.example",
    ]


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        pytest.param(
            "someone@lewisham.gov.uk",
            "Enter the part after the @ only, for example lewisham.gov.uk.",
            id="email-address",
        ),
        pytest.param(
            "@lewisham.gov.uk",
            "Enter the part after the @ only, for example lewisham.gov.uk.",
            id="leading-at",
        ),
        pytest.param(
            "lewisham",
            "Enter a domain in the right format, for example lewisham.gov.uk.",
            id="no-dot",
        ),
        pytest.param(
            "lewisham gov.uk",
            "Enter a domain in the right format, for example lewisham.gov.uk.",
            id="space",
        ),
        pytest.param(
            "https://lewisham.gov.uk",
            "Enter a domain in the right format, for example lewisham.gov.uk.",
            id="web-address",
        ),
        pytest.param(
            "-lewisham.gov.uk",
            "Enter a domain in the right format, for example lewisham.gov.uk.",
            id="leading-hyphen",
        ),
    ],
)
def test_bad_domains_are_refused_in_plain_english(
    admin_client: Client, domain: str, message: str
) -> None:
    """A domain that is not a domain is refused with a message saying what to enter."""
    data = _organisation_data(domains=[{"domain": domain}])
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assertContains(response, message)
    assert not Organisation.objects.exists()


def test_repeated_domain_is_refused_whatever_its_case(admin_client: Client) -> None:
    """The same domain twice in one organisation is named in the message, and nothing saves."""
    data = _organisation_data(domains=[{"domain": "nhs.net"}, {"domain": "NHS.net"}])
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assertContains(response, "nhs.net is listed more than once. Remove the extra one.")
    assert not Organisation.objects.exists()
    assert not EmailDomain.objects.exists()


def test_same_domain_in_two_organisations_is_allowed(admin_client: Client) -> None:
    """nhs.net serves every NHS body, so two organisations may both list it."""
    EmailDomainFactory.create(domain="nhs.net")
    data = _organisation_data(name="University Hospital Lewisham", domains=[{"domain": "nhs.net"}])
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assert response.status_code == 302
    assert EmailDomain.objects.filter(domain="nhs.net").count() == 2


def test_repeated_job_role_headcount_is_refused(admin_client: Client) -> None:
    """One headcount per job role."""
    role = JobRoleFactory.create(name="Social worker")
    data = _organisation_data(
        headcounts=[
            {"job_role": role.pk, "headcount": "10"},
            {"job_role": role.pk, "headcount": "12"},
        ]
    )
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assertContains(
        response, "Social worker is listed more than once. Give one headcount for each job role."
    )
    assert not WorkforceHeadcount.objects.exists()


@pytest.mark.parametrize("parent", ["itself", "its-child"])
def test_organisation_cannot_sit_below_itself(admin_client: Client, parent: str) -> None:
    """An organisation's parent may not be itself, or an organisation below it."""
    trust = OrganisationFactory.create(name="South London Trust", sector=Sector.HEALTH_TRUST)
    site = OrganisationFactory.create(
        name="Lewisham site", sector=Sector.HEALTH_TRUST, parent=trust
    )
    data = _organisation_data(
        name=trust.name,
        slug=trust.slug,
        sector=trust.sector,
        parent=trust if parent == "itself" else site,
    )
    response = admin_client.post(reverse("organisation_admin:edit", args=[trust.pk]), data)
    assertContains(response, "Choose a parent other than this organisation or one below it.")
    trust.refresh_from_db()
    assert trust.parent is None


def test_slug_already_taken_is_refused(admin_client: Client) -> None:
    """Two organisations cannot share a web address."""
    OrganisationFactory.create(slug="lewisham-csc")
    data = _organisation_data(name="Another Lewisham service", slug="lewisham-csc")
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assertContains(
        response, "Another organisation already uses this web address. Choose a different one."
    )
    assert Organisation.objects.count() == 1


def test_name_already_taken_is_refused(admin_client: Client) -> None:
    """Two organisations cannot share a name."""
    OrganisationFactory.create(name="Lewisham Children's Social Care")
    data = _organisation_data(name="Lewisham Children's Social Care", slug="lewisham-2")
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assertContains(response, "There is already an organisation with this name.")


# Logos --------------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    """Uploaded logos go to a temporary folder, not the project's media."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_logo_is_resized_and_stored_as_png(admin_client: Client, media_root: Any) -> None:
    """An uploaded logo is stored as a PNG that fits 400 by 400."""
    data = _organisation_data(logo=_png((1600, 800), name="Council Logo.png"))
    response = admin_client.post(reverse("organisation_admin:add"), data)
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.logo.name.startswith("organisation-logos/council-logo")
    assert organisation.logo.name.endswith(".png")
    with Image.open(organisation.logo.path) as stored:
        assert stored.size == (400, 200)
        assert stored.format == "PNG"


def test_logo_that_is_not_an_image_is_refused(admin_client: Client, media_root: Any) -> None:
    """A file pretending to be an image is refused with a plain message, and nothing saves."""
    fake = SimpleUploadedFile("logo.png", b"not really a picture", content_type="image/png")
    response = admin_client.post(reverse("organisation_admin:add"), _organisation_data(logo=fake))
    assertContains(
        response, "The logo must be a PNG, JPEG or WebP image. This file is not an image."
    )
    assert not Organisation.objects.exists()


def test_editing_without_a_new_logo_keeps_the_old_one(
    admin_client: Client, media_root: Any
) -> None:
    """Saving the form without choosing a file leaves the logo as it was."""
    admin_client.post(reverse("organisation_admin:add"), _organisation_data(logo=_png((50, 50))))
    organisation = Organisation.objects.get()
    stored = organisation.logo.name
    data = _organisation_data(
        name=organisation.name, slug=organisation.slug, safeguarding_contact_name="Sam Jones"
    )
    response = admin_client.post(reverse("organisation_admin:edit", args=[organisation.pk]), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name == stored
    assert organisation.safeguarding_contact_name == "Sam Jones"


# Deleting -----------------------------------------------------------------------------------


def test_organisation_with_members_cannot_be_deleted(admin_client: Client) -> None:
    """Deleting an organisation that still has members is refused with the reason."""
    organisation = OrganisationFactory.create(name="Lewisham CSC")
    MembershipFactory.create_batch(3, organisation=organisation)
    url = reverse("organisation_admin:delete", args=[organisation.pk])

    page = admin_client.get(url)
    assertContains(page, "Lewisham CSC cannot be deleted while it is still used by 3 memberships.")
    assertNotContains(page, "Yes, delete")

    response = admin_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation_admin:edit", args=[organisation.pk])
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    shown = admin_client.get(response["Location"])
    assertContains(shown, "still used by 3 memberships")


def test_organisation_with_sites_below_it_cannot_be_deleted(admin_client: Client) -> None:
    """A trust with hospital sites below it is kept until the sites are moved."""
    trust = OrganisationFactory.create(name="South London Trust")
    OrganisationFactory.create(parent=trust)
    response = admin_client.get(reverse("organisation_admin:delete", args=[trust.pk]))
    assertContains(response, "still used by 1 organisation.")


def test_organisation_without_members_can_be_deleted(admin_client: Client) -> None:
    """An organisation nobody belongs to is deleted with its domains and headcounts."""
    organisation = OrganisationFactory.create()
    EmailDomainFactory.create(organisation=organisation)
    response = admin_client.post(reverse("organisation_admin:delete", args=[organisation.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.exists()
    assert not EmailDomain.objects.exists()


@pytest.mark.usefixtures("organisation_pages_at_once")
def test_organisation_deleted_takes_its_unpublished_page_and_editors_group(
    admin_client: Client,
) -> None:
    """The draft page and editors' group made with an organisation do not stop its deletion."""
    organisation = OrganisationFactory.create()
    editors = OrganisationEditors.objects.get(organisation=organisation)
    draft = OrganisationPage.objects.get(organisation=organisation, live=False)
    response = admin_client.post(reverse("organisation_admin:delete", args=[organisation.pk]))
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert not OrganisationPage.objects.filter(pk=draft.pk).exists()
    assert not Group.objects.filter(pk=editors.group_id).exists()


@pytest.mark.usefixtures("organisation_pages_at_once")
def test_organisation_with_a_published_page_cannot_be_deleted(admin_client: Client) -> None:
    """Published words are never deleted as a side effect of deleting an organisation."""
    page = organisation_page()
    response = admin_client.post(reverse("organisation_admin:delete", args=[page.organisation_id]))
    assert response.status_code == 302
    assert Organisation.objects.filter(pk=page.organisation_id).exists()
    shown = admin_client.get(response["Location"])
    assertContains(shown, "cannot be deleted while it is still used by 1 organisation page.")
    assert OrganisationEditors.objects.filter(organisation_id=page.organisation_id).exists()


def test_job_role_in_use_cannot_be_deleted(admin_client: Client) -> None:
    """A job role people hold is kept, with the reason given."""
    role = JobRoleFactory.create(name="Social worker")
    MembershipFactory.create(job_role=role)
    response = admin_client.post(reverse("jobrole_admin:delete", args=[role.pk]))
    assert response.status_code == 302
    assert JobRole.objects.filter(pk=role.pk).exists()
    shown = admin_client.get(response["Location"])
    assertContains(shown, "Social worker cannot be deleted while it is still used by 1 membership.")


def test_job_role_add_and_repeat(admin_client: Client) -> None:
    """Job roles are added once per sector."""
    data = {"name": "Health visitor", "sector": Sector.HEALTH_TRUST, "description": ""}
    assert admin_client.post(reverse("jobrole_admin:add"), data).status_code == 302
    again = admin_client.post(reverse("jobrole_admin:add"), data)
    assertContains(again, "This job role already exists for this sector.")
    assert JobRole.objects.count() == 1


# Who gets in --------------------------------------------------------------------------------


def test_partnership_menu_is_shown_to_the_team(admin_client: Client) -> None:
    """The team finds organisations and job roles under "Partnership" in the admin menu."""
    response = admin_client.get(reverse("wagtailadmin_home"))
    assertContains(response, "Partnership")
    assertContains(response, reverse("organisation_admin:index"))
    assertContains(response, reverse("jobrole_admin:index"))


def test_admin_access_alone_does_not_open_organisations(client: Client) -> None:
    """Someone allowed into the admin for other work (say, editing pages) still cannot list,
    add or change organisations: the model permissions decide."""
    editors = Group.objects.create(name="Page editors")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory.create(is_staff=True)
    user.groups.add(editors)
    enrol_totp(user)  # anyone who can use the content admin must use MFA
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    for url in (
        reverse("organisation_admin:index"),
        reverse("organisation_admin:add"),
        reverse("jobrole_admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(
        reverse("organisation_admin:add"), _organisation_data(name="Made-up Agency")
    )
    assert not Organisation.objects.exists()
