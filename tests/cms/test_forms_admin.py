"""The admin's page forms: who may be chosen as review owner, the "small correction" tick, and
the organisation a page is about."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.models import Page

from accounts.models import User
from cms.forms.admin import review_owner_choices
from cms.models import OrganisationPage
from tests.accounts.factories import UserFactory
from tests.cms.admin_forms import edit_form_data, partnership_team_member, web_editor
from tests.cms.factories import (
    guide_page,
    organisation_index,
    organisation_page,
    procedure_index,
    procedure_page,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _form(page: Page, user: User | None = None, data: dict[str, Any] | None = None) -> Any:
    """The admin's form for `page`, as the edit view builds it."""
    specific = page.specific
    form_class = type(specific).get_edit_handler().get_form_class()
    return form_class(
        data, instance=specific, parent_page=specific.get_parent().specific, for_user=user
    )


# Review owners ------------------------------------------------------------------------------


@pytest.fixture
def people() -> dict[str, Any]:
    """An organisation with staff in every situation, another organisation, and the team."""
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    other = OrganisationFactory.create(name="Lewisham Police")
    long_ago = timezone.localdate() - dt.timedelta(days=400)

    def member(name: str, *, is_active: bool = True, **fields: Any) -> User:
        first_name, last_name = name.split()
        user = UserFactory.create(first_name=first_name, last_name=last_name, is_active=is_active)
        fields.setdefault("organisation", organisation)
        return MembershipFactory.create(user=user, **fields).user

    return {
        "organisation": organisation,
        "staff": member("Sam Staff"),
        "volunteer": member("Val Volunteer", volunteer=True),
        "coordinator": member("Cora Coordinator", coordinator=True),
        "governor": member("Gil Governor", governor=True),
        "left": member(
            "Len Leaver", start_date=long_ago, end_date=long_ago + dt.timedelta(days=100)
        ),
        "inactive": member("Ivy Inactive", is_active=False),
        "other-organisation": member("Otto Other", organisation=other),
        "partnership": UserFactory.create(partnership_team=True),
        "former-partnership": UserFactory.create(partnership_team=True, is_active=False),
    }


def _names(people: dict[str, Any], users: Any) -> set[str]:
    by_pk = {person.pk: name for name, person in people.items() if isinstance(person, User)}
    return {by_pk[pk] for pk in users.values_list("pk", flat=True)}


def test_review_owners_of_an_organisations_guide(people: dict[str, Any]) -> None:
    """A guide's review owner is one of the organisation's current staff or volunteers, never
    a governor, someone who has left, a closed account or another organisation's staff."""
    page = organisation_page(people["organisation"])
    assert _names(people, review_owner_choices(page)) == {"staff", "volunteer", "coordinator"}


def test_review_owners_of_a_partnership_procedure(people: dict[str, Any]) -> None:
    """A partnership-wide procedure is owned by someone in the partnership team."""
    assert _names(people, review_owner_choices(procedure_index())) == {"partnership"}


def test_the_guide_form_offers_those_people(people: dict[str, Any]) -> None:
    """The admin form's list is the same, for new guides and procedures under the organisation."""
    page = organisation_page(people["organisation"])
    guide = guide_page(page, live=False)
    assert _names(people, _form(guide).fields["review_owner"].queryset) == {
        "staff",
        "volunteer",
        "coordinator",
    }
    procedure = procedure_page(page, live=False)
    assert _names(people, _form(procedure).fields["review_owner"].queryset) == {
        "staff",
        "volunteer",
        "coordinator",
    }


def test_an_owner_who_has_left_stays_chosen(people: dict[str, Any]) -> None:
    """The owner already chosen stays in the list after leaving, so opening the form does not
    silently drop them; nobody else who has left is offered."""
    guide = guide_page(organisation_page(people["organisation"]), review_owner=people["left"])
    queryset = _form(guide).fields["review_owner"].queryset
    assert _names(people, queryset) == {"staff", "volunteer", "coordinator", "left"}


def test_the_admin_shows_the_review_owner_list(client: Client, people: dict[str, Any]) -> None:
    """In the admin, the editor's "Review owner" list names the organisation's staff only."""
    page = organisation_page(people["organisation"])
    client.force_login(web_editor(people["organisation"]))
    response = client.get(
        reverse("wagtailadmin_pages:add", args=["cms", "escalationguidepage", page.pk])
    )
    assertContains(response, "Sam Staff")
    assertContains(response, "Cora Coordinator")
    assertNotContains(response, "Gil Governor")
    assertNotContains(response, "Len Leaver")
    assertNotContains(response, "Otto Other")
    assertNotContains(response, "Ivy Inactive")


# "This is a small correction" ---------------------------------------------------------------


def test_small_correction_is_unticked_each_time_the_form_opens(client: Client) -> None:
    """A draft saved with the tick still opens unticked: each version is a new edition unless
    the editor says otherwise that time."""
    guide = guide_page()
    guide.minor_change = True
    guide.save_revision()
    assert guide.get_latest_revision_as_object().minor_change is True
    assert _form(guide.get_latest_revision_as_object()).initial["minor_change"] is False

    client.force_login(web_editor(guide.organisation))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[guide.pk]))
    assertContains(response, 'name="minor_change"')
    assert "minor_change" not in edit_form_data(client, guide)


def test_small_correction_is_not_offered_before_the_first_publication(client: Client) -> None:
    """A guide that has never been published has no "small correction" tick, when added or
    when its draft is edited: its first publication is edition 1 whatever."""
    page = organisation_page()
    client.force_login(web_editor(page.organisation))
    response = client.get(
        reverse("wagtailadmin_pages:add", args=["cms", "escalationguidepage", page.pk])
    )
    assert response.status_code == 200
    assertNotContains(response, 'name="minor_change"')

    draft = guide_page(page, live=False)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk]))
    assert response.status_code == 200
    assertNotContains(response, 'name="minor_change"')
    assert "minor_change" not in _form(draft).fields


# The organisation an organisation page is about ---------------------------------------------


def test_an_editor_cannot_change_which_organisation_the_page_is_about(client: Client) -> None:
    """The organisation field is shown but fixed for a web editor; posting another
    organisation changes nothing."""
    page = organisation_page()
    other = OrganisationFactory.create()
    OrganisationPage.objects.get(organisation=other).delete()  # so `other` is free to choose
    editor = web_editor(page.organisation)
    assert _form(page, editor).fields["organisation"].disabled

    client.force_login(editor)
    data = edit_form_data(client, page, organisation=str(other.pk), summary="New summary.")
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert response.status_code == 302
    latest = OrganisationPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.summary == "New summary."
    assert latest.organisation_id == page.organisation_id


def test_the_partnership_team_chooses_among_organisations_without_a_page() -> None:
    """The partnership team may change it, to an organisation that has no page yet."""
    page = organisation_page()
    free = OrganisationFactory.create()
    OrganisationPage.objects.get(organisation=free).delete()
    OrganisationFactory.create()  # has its own page, so is not offered
    field = _form(page, partnership_team_member()).fields["organisation"]
    assert not field.disabled
    assert set(field.queryset) == {page.organisation, free}


def test_a_new_organisation_page_offers_only_organisations_without_one() -> None:
    """Adding an organisation page by hand offers only organisations that have none."""
    taken = OrganisationFactory.create()
    free = OrganisationFactory.create()
    OrganisationPage.objects.get(organisation=free).delete()
    form_class = OrganisationPage.get_edit_handler().get_form_class()
    form = form_class(
        instance=OrganisationPage(),
        parent_page=organisation_index(),
        for_user=partnership_team_member(),
    )
    assert free in form.fields["organisation"].queryset
    assert taken not in form.fields["organisation"].queryset
