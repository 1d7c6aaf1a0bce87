"""Wagtail's page chooser (the "choose a page" window behind internal links) shows a web editor
only pages they may edit, and pages already published: never another organisation's drafts.

One small partnership is built once for this module:

- organisation A, published, with a web editor and a draft procedure of its own;
- organisation B, published, with a published guide and a draft procedure never published;
- organisation C, just added, whose page is still the draft made for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.models import Page

from accounts.models import User
from cms.models import OrganisationPage
from tests.accounts.factories import UserFactory, enrol_totp
from tests.cms.admin_forms import web_editor
from tests.cms.factories import guide_page, organisation_index, organisation_page, procedure_page
from tests.organisations.factories import OrganisationFactory

OWN_DRAFT = "Early help referrals in Deptford"
THEIR_DRAFT = "Stop and search referrals in Sydenham"
THEIR_GUIDE = "How to escalate a concern at Lewisham Police"
NEW_ORGANISATION = "Catford Nursery School"


@dataclass
class World:
    pages: dict[str, int]
    editor: User
    partnership: User

    def page(self, name: str) -> Page:
        return Page.objects.get(pk=self.pages[name])


def _build_world() -> World:
    a = OrganisationFactory.create(name="Deptford Family Hub", slug="deptford")
    b = OrganisationFactory.create(name="Lewisham Police", slug="police")
    c = OrganisationFactory.create(name=NEW_ORGANISATION, slug="catford-nursery")
    org_a, org_b = organisation_page(a), organisation_page(b)
    guide_page(org_b, title=THEIR_GUIDE)
    own_draft = procedure_page(org_a, live=False, title=OWN_DRAFT)
    their_draft = procedure_page(org_b, live=False, title=THEIR_DRAFT)
    partnership = UserFactory.create(partnership_team=True)
    enrol_totp(partnership)
    return World(
        pages={
            "partners": organisation_index().pk,
            "org-a": org_a.pk,
            "org-b": org_b.pk,
            "org-c": OrganisationPage.objects.get(organisation=c).pk,
            "own-draft": own_draft.pk,
            "their-draft": their_draft.pk,
        },
        editor=web_editor(a),
        partnership=partnership,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The partnership above, built once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _browse(client: Client, world: World, parent: str | None = None) -> Any:
    if parent is None:
        return client.get(reverse("wagtailadmin_choose_page"))
    return client.get(reverse("wagtailadmin_choose_page_child", args=[world.pages[parent]]))


def _search(client: Client, query: str) -> Any:
    return client.get(reverse("wagtailadmin_choose_page_search"), {"q": query})


@pytest.mark.django_db
def test_browsing_shows_an_editor_published_pages_and_their_own_drafts(
    world: World, client: Client
) -> None:
    """Under the partners' index an editor sees the published organisations but not the one
    whose page is still a draft; under another organisation's page, its published guide but not
    its draft; under their own page, their own draft."""
    client.force_login(world.editor)
    assert _browse(client, world).status_code == 200
    partners = _browse(client, world, "partners")
    assert partners.status_code == 200
    assertContains(partners, "Lewisham Police")
    assertNotContains(partners, NEW_ORGANISATION)
    theirs = _browse(client, world, "org-b")
    assertContains(theirs, THEIR_GUIDE)
    assertNotContains(theirs, THEIR_DRAFT)
    assertContains(_browse(client, world, "org-a"), OWN_DRAFT)


@pytest.mark.django_db
@pytest.mark.parametrize("draft", ["org-c", "their-draft"])
def test_an_editor_cannot_browse_from_another_organisations_draft(
    world: World, client: Client, draft: str
) -> None:
    """Asking the chooser to open another organisation's draft by its number shows nothing of
    it: the draft's title would be the first row."""
    client.force_login(world.editor)
    response = _browse(client, world, draft)
    assert response.status_code == 404
    assertNotContains(response, NEW_ORGANISATION, status_code=404)
    assertNotContains(response, THEIR_DRAFT, status_code=404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("referrals", OWN_DRAFT, THEIR_DRAFT),
        ("Catford", None, NEW_ORGANISATION),
        ("escalate", THEIR_GUIDE, None),
    ],
)
def test_searching_finds_an_editor_published_pages_and_their_own_drafts(
    world: World, client: Client, query: str, shown: str | None, hidden: str | None
) -> None:
    """Search in the chooser finds the same pages browsing shows."""
    client.force_login(world.editor)
    response = _search(client, query)
    assert response.status_code == 200
    if shown:
        assertContains(response, shown)
    if hidden:
        assertNotContains(response, hidden)


@pytest.mark.django_db
def test_the_partnership_team_still_chooses_any_page(world: World, client: Client) -> None:
    """The partnership team may edit every page, so they see every draft too."""
    client.force_login(world.partnership)
    assertContains(_browse(client, world, "partners"), NEW_ORGANISATION)
    assertContains(_browse(client, world, "org-b"), THEIR_DRAFT)
    assertContains(_browse(client, world, "org-c"), NEW_ORGANISATION)
    assertContains(_search(client, "referrals"), THEIR_DRAFT)
