"""Who may edit which published pages: editors' groups, and what each role can do in the admin.

One small partnership (the "world") is built once for this module:

- Lewisham Children's Social Care ("a") with a published page and escalation guide, a web
  editor, a training coordinator who is not a web editor, and a practitioner;
- Lewisham Police ("b") with its own published page and guide, and no editors here;
- the partnership team, and a partnership-wide procedure under /procedures/.

The matrix reads "role, page: expected". Each person's groups are synced directly, as the
signals do on commit; the tests further down check that memberships and accounts keep the
groups in step on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import User
from cms.models import EscalationGuidePage, OrganisationEditors, OrganisationPage
from cms.services.editors import (
    PARTNERSHIP_GROUP_NAME,
    page_editors_sync_all,
    page_editors_sync_for_user,
)
from organisations.enums import Sector
from organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.cms.admin_forms import edit_form_data, new_guide_form_data, signed_in
from tests.cms.factories import (
    guide_page,
    home_page,
    organisation_index,
    organisation_page,
    procedure_index,
    procedure_page,
    publish,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory

# The world ----------------------------------------------------------------------------------


@dataclass
class World:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def user(self, name: str) -> User:
        """A fresh copy, so no cached roles or page permissions carry over between tests."""
        return User.objects.get(pk=self.users[name].pk)

    def page(self, name: str) -> Page:
        return Page.objects.get(pk=self.pages[name].pk).specific


def _build_world() -> World:
    world = World()
    a = OrganisationFactory.create(name="Lewisham Children's Social Care", slug="lewisham-csc")
    b = OrganisationFactory.create(name="Lewisham Police", slug="police", sector=Sector.POLICE)
    world.organisations = {"a": a, "b": b}
    org_a, org_b = organisation_page(a), organisation_page(b)
    world.pages = {
        "org-a": org_a,
        "guide-a": guide_page(org_a),
        "org-b": org_b,
        "guide-b": guide_page(org_b),
        "home": home_page(),
        "partners": organisation_index(),
        "procedures": procedure_index(),
        "partnership-procedure": procedure_page(),
    }
    world.users = {
        "editor-a": MembershipFactory.create(organisation=a, web_editor=True).user,
        "partnership": UserFactory.create(partnership_team=True),
        "coordinator-a": MembershipFactory.create(organisation=a, coordinator=True).user,
        "practitioner": MembershipFactory.create(organisation=a).user,
    }
    for name in ("editor-a", "partnership", "coordinator-a"):
        enrol_totp(world.users[name])
    # Signals sync each person's groups on commit, which never comes here: sync them directly.
    for user in world.users.values():
        page_editors_sync_for_user(user=user)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The partnership above, built once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


PAGES = (
    "org-a",
    "guide-a",
    "org-b",
    "guide-b",
    "home",
    "partners",
    "procedures",
    "partnership-procedure",
)
ROLES = ("editor-a", "partnership", "coordinator-a", "practitioner")

# Pages each role may edit (open in the admin and save drafts of).
CAN_EDIT = {
    "editor-a": {"org-a", "guide-a"},
    "partnership": set(PAGES),
    "coordinator-a": set(),
    "practitioner": set(),
}
# Pages each role may publish straight away. Nobody outside the partnership team may.
CAN_PUBLISH = {
    "editor-a": set(),
    "partnership": set(PAGES),
    "coordinator-a": set(),
    "practitioner": set(),
}
# Pages each role may add a page under (guides and procedures have no pages under them).
CAN_ADD_UNDER = {
    "editor-a": {"org-a"},
    "partnership": {"org-a", "org-b", "home", "partners", "procedures"},
    "coordinator-a": set(),
    "practitioner": set(),
}
# Who gets into Wagtail's admin at all.
ADMIN_USERS = {"editor-a", "partnership"}

MATRIX = [pytest.param(role, page, id=f"{role}-{page}") for role in ROLES for page in PAGES]


# The matrix ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "page"), MATRIX)
def test_page_permissions(world: World, role: str, page: str) -> None:
    """Each role may edit, publish and add under exactly the pages in the tables above."""
    permissions = world.page(page).permissions_for_user(world.user(role))
    assert permissions.can_edit() is (page in CAN_EDIT[role])
    assert permissions.can_publish() is (page in CAN_PUBLISH[role])
    assert permissions.can_add_subpage() is (page in CAN_ADD_UNDER[role])


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "page"), MATRIX)
def test_admin_edit_view(world: World, client: Client, role: str, page: str) -> None:
    """The admin opens a page's editor for those who may edit it. Wagtail sends an admin user
    who may not back to the dashboard, and anyone else to sign in (never showing the form)."""
    client.force_login(world.user(role))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[world.pages[page].pk]))
    if page in CAN_EDIT[role]:
        assert response.status_code == 200
        assertContains(response, 'id="page-edit-form"')
    elif role in ADMIN_USERS:
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_refused_editor_is_told_why(world: World, client: Client) -> None:
    """An editor who opens another organisation's page is told they may not, on the dashboard."""
    client.force_login(world.user("editor-a"))
    response = client.get(
        reverse("wagtailadmin_pages:edit", args=[world.pages["org-b"].pk]), follow=True
    )
    assertContains(response, "Sorry, you do not have permission to access this area.")


@pytest.mark.django_db
def test_editor_opens_the_admin_at_their_own_pages(world: World, client: Client) -> None:
    """A web editor (with MFA) gets into the admin; the page explorer shows their organisation's
    page and not the other organisation's."""
    client.force_login(world.user("editor-a"))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    response = client.get(reverse("wagtailadmin_explore", args=[world.pages["org-a"].pk]))
    assertContains(response, "How to escalate a concern at Lewisham Children")
    assertNotContains(response, "Lewisham Police")
    response = client.get(reverse("wagtailadmin_explore", args=[world.pages["partners"].pk]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_editor_cannot_publish_even_by_asking(world: World, client: Client) -> None:
    """Pressing "Publish" (posting action-publish) as an editor only saves a draft: the live
    guide is unchanged and no new version goes live."""
    guide = world.page("guide-a")
    client.force_login(world.user("editor-a"))
    data = edit_form_data(client, guide, summary="Changed without approval.")
    data["action-publish"] = "action-publish"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[guide.pk]), data)
    assert response.status_code == 302
    live = EscalationGuidePage.objects.get(pk=guide.pk)
    assert live.summary == "For staff whose safeguarding concern is not being acted on."
    assert live.has_unpublished_changes
    assert live.edition == 1
    assert live.get_latest_revision_as_object().summary == "Changed without approval."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "model"),
    [
        ("org-b", "procedurepage"),
        ("procedures", "procedurepage"),
        ("partners", "organisationpage"),
        ("home", "standardpage"),
    ],
)
def test_editor_cannot_add_pages_elsewhere(
    world: World, client: Client, page: str, model: str
) -> None:
    """The "add page" form, for a kind of page that belongs there, is refused under another
    organisation's page and the partnership's own pages; posting it anyway makes nothing."""
    url = reverse("wagtailadmin_pages:add", args=["cms", model, world.pages[page].pk])
    client.force_login(world.user("editor-a"))
    before = Page.objects.count()
    assert client.get(url)["Location"] == reverse("wagtailadmin_home")
    response = client.post(url, {"title": "Sneaked in", "slug": "sneaked-in"})
    assert response["Location"] == reverse("wagtailadmin_home")
    assert Page.objects.count() == before


@pytest.mark.django_db
def test_site_wide_report_is_for_the_partnership_team_only(world: World, client: Client) -> None:
    """The "Page types usage" report names pages from every organisation, so only the
    partnership team sees it in the menu or may open it; editors still see reports on their
    own pages."""
    report = reverse("wagtailadmin_reports:page_types_usage")
    results = reverse("wagtailadmin_reports:page_types_usage_results")
    client.force_login(world.user("editor-a"))
    response = client.get(reverse("wagtailadmin_home"))
    assertNotContains(response, report)
    assertContains(response, reverse("wagtailadmin_reports:aging_pages"))
    assert client.get(report).status_code == 404
    assert client.get(results).status_code == 404
    client.force_login(world.user("partnership"))
    response = client.get(reverse("wagtailadmin_home"))
    assertContains(response, report)
    assert client.get(report).status_code == 200
    assert client.get(results).status_code == 200


# Organisations get a group, a collection and a page ----------------------------------------


def _editors(organisation: Organisation) -> OrganisationEditors:
    return OrganisationEditors.objects.select_related("group", "collection").get(
        organisation=organisation
    )


def _page_permissions(group: Group) -> set[tuple[int, str]]:
    return set(
        GroupPagePermission.objects.filter(group=group).values_list(
            "page_id", "permission__codename"
        )
    )


@pytest.mark.django_db
def test_new_organisation_gets_a_group_a_collection_and_a_draft_page() -> None:
    """A new organisation has an editors' group that may add and edit on its own (draft) page
    and nowhere else, never publish, and may upload to its own collection of files."""
    organisation = OrganisationFactory.create(name="Brockley Primary School", slug="brockley")
    editors = _editors(organisation)
    page = OrganisationPage.objects.get(organisation=organisation)
    assert not page.live
    assert page.get_parent().specific_class is type(organisation_index())
    assert page.title == "Brockley Primary School"
    assert _page_permissions(editors.group) == {(page.pk, "add_page"), (page.pk, "change_page")}
    assert editors.collection.get_parent() == Collection.get_first_root_node()
    assert set(
        GroupCollectionPermission.objects.filter(group=editors.group).values_list(
            "collection_id", "permission__codename"
        )
    ) == {
        (editors.collection.pk, codename)
        for codename in (
            "add_image",
            "change_image",
            "choose_image",
            "add_document",
            "change_document",
            "choose_document",
        )
    }


@pytest.mark.django_db
def test_making_an_organisation_grants_its_editors_in_a_few_queries() -> None:
    """The group's permissions are looked up and added in bulk, and granted once: 118 queries
    for a new organisation became 92 (the rest is Wagtail's page, revision, search and
    reference-index work, which varies with what the tree already holds). Counted here are
    the queries this code owns, which do not vary."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    OrganisationFactory.create()
    with CaptureQueriesContext(connection) as captured:
        OrganisationFactory.create()
    sql = [query["sql"] for query in captured.captured_queries]
    assert sum('FROM "auth_permission"' in q for q in sql) == 2  # page and collection rights
    assert (
        sum(q.startswith('INSERT INTO "wagtailcore_groupcollectionpermission"') for q in sql) == 1
    )
    assert sum(q.startswith('INSERT INTO "wagtailcore_grouppagepermission"') for q in sql) == 1
    assert sum('FROM "wagtailcore_grouppagepermission"' in q for q in sql) <= 2


@pytest.mark.django_db
def test_organisation_added_in_the_admin_gets_its_editors_and_page(client: Client) -> None:
    """The partnership team adding an organisation in the admin gets the same group and page."""
    signed_in(client, UserFactory.create(partnership_team=True))
    data = nested_form_data(
        {
            "name": "Goldsmiths Nursery",
            "slug": "",
            "sector": Sector.EARLY_YEARS,
            "is_statutory_partner": "",
            "parent": "",
            "safeguarding_contact_name": "",
            "safeguarding_contact_email": "",
            "safeguarding_contact_phone": "",
            "email_domains": inline_formset([]),
            "headcounts": inline_formset([]),
        }
    )
    response = client.post(reverse("organisation_admin:add"), data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Goldsmiths Nursery")
    page = OrganisationPage.objects.get(organisation=organisation)
    assert page.slug == "goldsmiths-nursery"
    assert _page_permissions(_editors(organisation).group) == {
        (page.pk, "add_page"),
        (page.pk, "change_page"),
    }


@pytest.mark.django_db
def test_a_page_given_to_another_organisation_changes_editors() -> None:
    """When the partnership team publishes a page as another organisation's, that
    organisation's editors may edit it and the first organisation's may not."""
    page = organisation_page()
    first = page.organisation
    second = OrganisationFactory.create()
    OrganisationPage.objects.get(organisation=second).delete()  # `second` had no page yet
    page.organisation = second
    publish(page)
    assert _page_permissions(_editors(first).group) == set()
    assert _page_permissions(_editors(second).group) == {
        (page.pk, "add_page"),
        (page.pk, "change_page"),
    }


@pytest.mark.django_db
def test_partnership_group_may_do_everything_from_the_home_page_down() -> None:
    """The partnership team's group holds every page permission, on the home page only."""
    group = Group.objects.get(name=PARTNERSHIP_GROUP_NAME)
    home = home_page()
    assert _page_permissions(group) == {
        (home.pk, codename)
        for codename in (
            "add_page",
            "change_page",
            "publish_page",
            "bulk_delete_page",
            "lock_page",
            "unlock_page",
        )
    }


# Group membership follows roles -------------------------------------------------------------

OnCommit = Callable[..., Any]


def _groups(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _editors_group(organisation: Organisation) -> str:
    return _editors(organisation).group.name


@pytest.mark.django_db
def test_web_editor_joins_the_group_when_the_membership_is_saved(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    """Ticking "web editor" on a membership puts the person in the organisation's editors'
    group once the change is committed."""
    organisation = OrganisationFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        membership = MembershipFactory.create(organisation=organisation)
    assert _groups(membership.user) == set()
    with django_capture_on_commit_callbacks(execute=True):
        membership.is_web_editor = True
        membership.save()
        assert _groups(membership.user) == set()  # not before the commit
    assert _groups(membership.user) == {_editors_group(organisation)}


@pytest.mark.django_db
def test_web_editor_of_two_organisations_is_in_both_groups(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    """Someone who edits for two organisations is in both editors' groups, and only those."""
    first, second, other = OrganisationFactory.create_batch(3)
    user = UserFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        MembershipFactory.create(user=user, organisation=first, web_editor=True)
        MembershipFactory.create(user=user, organisation=second, web_editor=True)
        MembershipFactory.create(user=user, organisation=other)
    assert _groups(user) == {_editors_group(first), _editors_group(second)}


def _clear_flag(membership: Membership) -> None:
    membership.is_web_editor = False
    membership.save()


def _end_yesterday(membership: Membership) -> None:
    membership.start_date = timezone.localdate() - dt.timedelta(days=30)
    membership.end_date = timezone.localdate() - dt.timedelta(days=1)
    membership.save()


def _delete(membership: Membership) -> None:
    membership.delete()


def _deactivate_account(membership: Membership) -> None:
    user = membership.user
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [_clear_flag, _end_yesterday, _delete, _deactivate_account], ids=lambda f: f.__name__
)
def test_editor_leaves_the_group(
    django_capture_on_commit_callbacks: OnCommit, change: Callable[[Membership], None]
) -> None:
    """A web editor leaves the editors' group when the flag is cleared, the membership ends or
    is removed, or the account is deactivated, and can then edit nothing."""
    organisation = OrganisationFactory.create()
    page = organisation_page(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        membership = MembershipFactory.create(organisation=organisation, web_editor=True)
    assert page.permissions_for_user(User.objects.get(pk=membership.user_id)).can_edit()
    with django_capture_on_commit_callbacks(execute=True):
        change(membership)
    assert _groups(membership.user) == set()
    assert not page.permissions_for_user(User.objects.get(pk=membership.user_id)).can_edit()


@pytest.mark.django_db
def test_membership_ending_by_date_is_caught_by_the_nightly_sync(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    """A membership whose end date passes (with no save to react to) loses its group at the
    nightly `page_editors_sync_all`, which leaves current editors where they are."""
    organisation = OrganisationFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        leaving = MembershipFactory.create(
            organisation=organisation,
            web_editor=True,
            start_date=timezone.localdate() - dt.timedelta(days=30),
            end_date=timezone.localdate(),
        )
        staying = MembershipFactory.create(organisation=organisation, web_editor=True)
    group = _editors_group(organisation)
    assert _groups(leaving.user) == {group}
    # The next day: the same end date is now in the past.
    Membership.objects.filter(pk=leaving.pk).update(
        start_date=leaving.start_date - dt.timedelta(days=1),
        end_date=timezone.localdate() - dt.timedelta(days=1),
    )
    assert _groups(leaving.user) == {group}
    assert page_editors_sync_all() >= 2
    assert _groups(leaving.user) == set()
    assert _groups(staying.user) == {group}


@pytest.mark.django_db
def test_partnership_team_accounts_are_in_the_partnership_group(
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    """A partnership team account joins the publishing group, and leaves it when the flag is
    taken away."""
    with django_capture_on_commit_callbacks(execute=True):
        user = UserFactory.create(partnership_team=True)
    assert _groups(user) == {PARTNERSHIP_GROUP_NAME}
    with django_capture_on_commit_callbacks(execute=True):
        user.is_partnership_team = False
        user.save()
    assert _groups(user) == set()


@pytest.mark.django_db
def test_groups_made_by_hand_are_left_alone() -> None:
    """Syncing only touches editors' groups and the partnership group."""
    user = UserFactory.create()
    by_hand = Group.objects.create(name="Newsletter")
    user.groups.add(by_hand)
    page_editors_sync_for_user(user=user)
    assert _groups(user) == {"Newsletter"}


@pytest.mark.django_db
def test_nightly_sync_makes_missing_editors_groups() -> None:
    """An organisation without an editors' group (made before groups existed) gets one."""
    organisation = OrganisationFactory.create()
    editors = _editors(organisation)
    editors.delete()
    editors.group.delete()
    page_editors_sync_all()
    assert OrganisationEditors.objects.filter(organisation=organisation).exists()


# An editor at work --------------------------------------------------------------------------


@pytest.fixture
def new_organisation_editor(django_capture_on_commit_callbacks: OnCommit) -> Membership:
    """A web editor of an organisation whose page is still the draft made for it."""
    organisation = OrganisationFactory.create(name="Catford Youth Club", slug="catford-youth")
    with django_capture_on_commit_callbacks(execute=True):
        return MembershipFactory.create(organisation=organisation, web_editor=True)


@pytest.mark.django_db
def test_editor_adds_an_escalation_guide_under_their_page(
    client: Client, new_organisation_editor: Membership
) -> None:
    """An editor adds their organisation's escalation guide in the admin. Even with "Publish"
    pressed it is saved as a draft, belonging to their organisation, for approval."""
    parent = OrganisationPage.objects.get(organisation=new_organisation_editor.organisation)
    signed_in(client, new_organisation_editor.user)
    url = reverse("wagtailadmin_pages:add", args=["cms", "escalationguidepage", parent.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, new_guide_form_data(**{"action-publish": "action-publish"}))
    assert response.status_code == 302
    guide = EscalationGuidePage.objects.child_of(parent).get()
    assert not guide.live
    assert guide.edition == 0
    assert guide.organisation == new_organisation_editor.organisation
    assert guide.owner == new_organisation_editor.user
    assert guide.latest_revision is not None


@pytest.mark.django_db
def test_editor_cannot_delete_their_organisations_page(
    client: Client, new_organisation_editor: Membership
) -> None:
    """Wagtail would let an editor delete the unpublished draft made for their organisation;
    the organisation would be left without a page, so only the partnership team may."""
    page = OrganisationPage.objects.get(organisation=new_organisation_editor.organisation)
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    signed_in(client, new_organisation_editor.user)
    response = client.post(url, follow=True)
    assertContains(response, "Only the partnership team can delete an organisation")
    assert OrganisationPage.objects.filter(pk=page.pk).exists()

    signed_in(client, UserFactory.create(is_partnership_team=True))
    page_editors_sync_all()
    assert client.post(url).status_code == 302
    assert not OrganisationPage.objects.filter(pk=page.pk).exists()


@pytest.mark.django_db
def test_editor_still_deletes_their_own_draft_guide(
    client: Client, new_organisation_editor: Membership
) -> None:
    """The rule is only about organisation pages: an editor may delete a guide they drafted."""
    parent = OrganisationPage.objects.get(organisation=new_organisation_editor.organisation)
    guide = guide_page(parent, live=False)
    signed_in(client, new_organisation_editor.user)
    response = client.post(reverse("wagtailadmin_pages:delete", args=[guide.pk]))
    assert response.status_code == 302
    assert not EscalationGuidePage.objects.filter(pk=guide.pk).exists()
