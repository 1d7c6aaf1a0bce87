"""The fixed part of the page tree, the partnership's publishing group and its workflow.

Run after every `migrate` (and after a test database is flushed), so a fresh database serves
a home page straight away: it replaces Wagtail's "Welcome" page with our `HomePage`, adds the
organisation and procedure index pages, and makes sure publishing under the home page goes
through the partnership team's approval. Safe to run again: it only makes what is missing
(and removes any page permission a group has been given over the whole tree).
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models.pages import HomePage, OrganisationIndexPage, ProcedureIndexPage
from cms.services.editors import partnership_group_ensure

logger = logging.getLogger(__name__)

WORKFLOW_NAME = "Partnership approval"
TASK_NAME = "Approval by the partnership team"


@transaction.atomic
def site_tree_ensure() -> HomePage:
    """Home page, index pages, the partnership group and the approval workflow.

    Also takes away the page permissions Wagtail's sample groups hold over the whole tree, so
    that only the groups in `cms.services.editors` give anyone the right to edit a page.
    """
    # Wagtail's page, image and document permissions are made in those apps' own post_migrate,
    # which may run after ours; make them now so the groups below can be given them.
    for label in ("wagtailcore", "wagtailimages", "wagtaildocs"):
        create_permissions(apps.get_app_config(label), verbosity=0)
    # Wagtail's migrations add the default locale and the root collection as data; a test
    # database flushed between transactional tests loses them, so make them again if missing.
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's own migrations add a plain "Welcome to Wagtail" page; ours takes its place.
        for page in root.get_children().filter(
            content_type__app_label="wagtailcore", content_type__model="page"
        ):
            if page.numchild == 0:
                page.delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(
                title=settings.PARTNERSHIP_NAME,
                slug="home",
                intro=(
                    "Safeguarding training, escalation routes and procedures for everyone "
                    "who works with children in the partnership."
                ),
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=settings.PARTNERSHIP_NAME,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    _index_ensure(home, OrganisationIndexPage, "Partner organisations", "partners")
    _index_ensure(home, ProcedureIndexPage, "Procedures", "procedures")
    group = partnership_group_ensure(home=home)
    _workflow_ensure(home, group)
    _root_page_permissions_remove(root)
    return home


def _index_ensure(home: HomePage, model: Any, title: str, slug: str) -> None:
    if model.objects.exists():
        return
    home.add_child(instance=model(title=title, slug=slug))


def _workflow_ensure(home: HomePage, group: Any) -> None:
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(group)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


def _root_page_permissions_remove(root: Page) -> None:
    """No group holds page permissions at the root: every right is given below the home page.

    Wagtail's first migration gives its sample "Editors" and "Moderators" groups rights over the
    whole tree, Moderators to publish. Anyone put into one of them by hand would be able to edit
    and publish every organisation's guide without the partnership team's approval.
    """
    removed, _ = GroupPagePermission.objects.filter(page=root).delete()
    if removed:
        logger.info("Page permissions at the root removed", extra={"count": removed})


def site_tree_after_migrate(**kwargs: Any) -> None:
    """post_migrate receiver: only once the whole project's tables exist."""
    site_tree_ensure()
