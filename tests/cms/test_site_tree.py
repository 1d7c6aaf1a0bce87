"""The fixed page tree, the partnership's publishing group and its workflow, made after migrate."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import HomePage, OrganisationIndexPage, ProcedureIndexPage
from cms.services.editors import PARTNERSHIP_GROUP_NAME, page_editors_sync_for_user
from cms.services.site_tree import WORKFLOW_NAME, site_tree_ensure
from tests.accounts.factories import UserFactory
from tests.cms.factories import guide_page, home_page, procedure_page

pytestmark = pytest.mark.django_db

COUNTED = (
    Page,
    Site,
    Group,
    GroupPagePermission,
    GroupCollectionPermission,
    Collection,
    Workflow,
    Task,
    WorkflowTask,
    WorkflowPage,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_migrate_leaves_a_home_page_serving_the_default_site() -> None:
    """A migrated database already has the home page as the default site's root, with the
    partner and procedure index pages under it."""
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.live
    assert {type(page) for page in home.get_children().specific()} == {
        OrganisationIndexPage,
        ProcedureIndexPage,
    }
    assert [page.url_path for page in home.get_children().order_by("path")] == [
        "/home/partners/",
        "/home/procedures/",
    ]


def test_running_it_again_makes_nothing_new() -> None:
    """site_tree_ensure can run after every migrate: a second and third run change nothing."""
    home = home_page()
    before = _counts()
    assert site_tree_ensure() == home
    assert site_tree_ensure() == home
    assert _counts() == before


def test_it_replaces_wagtails_welcome_page() -> None:
    """On a database as Wagtail's own migrations leave it (a "Welcome" page as the default
    site's root), the welcome page is replaced by our home page and the site points at it."""
    home_page().delete()  # takes the index pages, the site and the workflow link with it
    root = Page.get_first_root_node()
    welcome = root.add_child(instance=Page(title="Welcome to your new Wagtail site!", slug="home"))
    Site.objects.create(hostname="localhost", port=80, root_page=welcome, is_default_site=True)

    home = site_tree_ensure()

    assert not Page.objects.filter(pk=welcome.pk).exists()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert OrganisationIndexPage.objects.child_of(home).exists()
    assert ProcedureIndexPage.objects.child_of(home).exists()
    assert WorkflowPage.objects.get(page=home).workflow.name == WORKFLOW_NAME
    group = Group.objects.get(name=PARTNERSHIP_GROUP_NAME)
    assert GroupPagePermission.objects.filter(
        group=group, page=home, permission__codename="publish_page"
    ).exists()


def test_it_makes_a_default_site_when_there_is_none() -> None:
    """With no site at all, a default site is made with the home page as its root."""
    Site.objects.all().delete()
    home = site_tree_ensure()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk


def test_pages_under_the_home_page_go_through_partnership_approval() -> None:
    """Guides and procedures anywhere under the home page use the "Partnership approval"
    workflow, whose one task is approved by the partnership team's group."""
    for page in (guide_page(), procedure_page()):
        workflow = page.get_workflow()
        assert workflow is not None
        assert workflow.name == WORKFLOW_NAME
    task = GroupApprovalTask.objects.get(workflow_tasks__workflow__name=WORKFLOW_NAME)
    assert list(task.groups.values_list("name", flat=True)) == [PARTNERSHIP_GROUP_NAME]


@pytest.mark.parametrize("group_name", ["Editors", "Moderators"])
def test_wagtails_sample_groups_grant_no_page_rights(group_name: str) -> None:
    """Wagtail's sample "Editors" and "Moderators" groups are given rights over the whole tree
    by its first migration; those are taken away, so putting someone in one by hand lets them
    edit and publish nothing."""
    root = Page.get_first_root_node()
    assert not GroupPagePermission.objects.filter(page=root).exists()
    # Made by Wagtail's migration; made again if a transactional test run earlier in this
    # process emptied the tables (its flush runs no migrations).
    group, _ = Group.objects.get_or_create(name=group_name)
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )

    site_tree_ensure()

    assert not GroupPagePermission.objects.filter(page=root).exists()
    user: Any = UserFactory.create()
    user.groups.add(group)
    page_editors_sync_for_user(user=user)  # leaves groups it does not manage alone
    permissions = guide_page().permissions_for_user(user)
    assert not permissions.can_edit()
    assert not permissions.can_publish()
