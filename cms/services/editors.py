"""Who may edit which published pages, kept in step with memberships and the partnership team.

Wagtail decides page permissions from groups (`GroupPagePermission`), so each organisation has
its own editors' group, with add and edit permission on its `OrganisationPage` and everything
below it, and add/edit/choose permission on its own image and document collection. Nobody in
those groups may publish: publishing goes through the partnership team's approval (the
"Partnership approval" workflow, `cms.services.site_tree`). The partnership team's group may
publish anywhere.

Group membership follows roles: a person is in an organisation's editors' group while they hold a
current membership there flagged "web editor", and in the partnership group while their account
is marked partnership team. `page_editors_sync_for_user` runs when either changes (signals) and
for everyone once a day (memberships end by date, with no save to react to).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    PAGE_PERMISSION_CODENAMES,
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

from cms.models.editors import OrganisationEditors

if TYPE_CHECKING:
    from accounts.models import User
    from cms.models.pages import OrganisationPage
    from organisations.models import Organisation

logger = logging.getLogger(__name__)

PARTNERSHIP_GROUP_NAME = "Partnership team (publishing)"
# Organisation editors draft and submit; they never publish or unlock others' locks.
ORGANISATION_PAGE_PERMISSIONS = ("add_page", "change_page")
# Images and documents an editor may upload and use on their pages.
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


def _permissions(pairs: tuple[tuple[str, str], ...]) -> list[Permission]:
    """The permissions named by (app label, codename), in one query, in the order given."""
    wanted = Q()
    for app_label, codename in pairs:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(wanted).select_related("content_type")
    }
    return [found[pair] for pair in pairs]


def _page_permissions(codenames: tuple[str, ...]) -> list[Permission]:
    return _permissions(tuple(("wagtailcore", codename) for codename in codenames))


def _collection_permissions() -> list[Permission]:
    return _permissions(COLLECTION_PERMISSIONS)


def editors_group_name(organisation: Organisation) -> str:
    # Group names are unique and at most 150 characters; the organisation's id keeps them apart.
    return f"Web editors: {organisation.name}"[:140] + f" #{organisation.pk}"


@transaction.atomic
def organisation_editors_ensure(*, organisation: Organisation) -> OrganisationEditors:
    """The organisation's editors' group and collection, made if missing. Safe to repeat."""
    existing = OrganisationEditors.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    group = Group.objects.create(name=editors_group_name(organisation))
    root = Collection.get_first_root_node()
    collection = root.add_child(instance=Collection(name=f"{organisation.name}"[:255]))
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection=collection, permission=permission)
            for permission in _collection_permissions()
        ]
    )
    editors = OrganisationEditors.objects.create(
        organisation=organisation, group=group, collection=collection
    )
    logger.info("Editors' group made", extra={"organisation": organisation.pk, "group": group.pk})
    return editors


@transaction.atomic
def organisation_page_provision(*, organisation: Organisation) -> OrganisationPage | None:
    """Editors' group, and a draft page for the editors to write, for a new organisation.

    The draft is not published: the organisation's editors fill it in and submit it for the
    partnership team's approval. Returns None when the site has no organisation index page.
    """
    from cms.models.pages import OrganisationIndexPage, OrganisationPage

    organisation_editors_ensure(organisation=organisation)
    page = OrganisationPage.objects.filter(organisation=organisation).first()
    if page is None:
        index = OrganisationIndexPage.objects.first()
        if index is None:
            return None
        page = index.add_child(
            instance=OrganisationPage(
                title=organisation.name,
                slug=_free_slug(index, organisation.slug),
                organisation=organisation,
                summary=f"{organisation.name} is a member of the partnership.",
                live=False,
            )
        )
        # Saving the new page granted its editors their permissions (cms.signals).
        page.save_revision(log_action=True)
    else:
        organisation_page_permissions_grant(page=page)
    return page


def _free_slug(parent: Page, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def organisation_page_permissions_grant(*, page: OrganisationPage) -> None:
    """Give the page's organisation's editors add and edit permission on it and below it.

    Any other organisation's editors lose theirs on this page: the partnership team may change
    which organisation a page is about, and the old organisation's editors must not keep it.
    """
    editors = organisation_editors_ensure(organisation=page.organisation)
    GroupPagePermission.objects.filter(
        page=page,
        group__in=OrganisationEditors.objects.exclude(pk=editors.pk).values("group"),
    ).delete()
    _page_permissions_give(group=editors.group, page=page, codenames=ORGANISATION_PAGE_PERMISSIONS)


def _page_permissions_give(*, group: Group, page: Page, codenames: tuple[str, ...]) -> None:
    """Give `group` these permissions on `page` (and below), adding only those it lacks."""
    held = set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission_id", flat=True
        )
    )
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=page, permission=permission)
            for permission in _page_permissions(codenames)
            if permission.pk not in held
        ]
    )


def partnership_group_ensure(*, home: Page) -> Group:
    """The partnership team's publishing group, with every page permission from `home` down."""
    group, _ = Group.objects.get_or_create(name=PARTNERSHIP_GROUP_NAME)
    _page_permissions_give(group=group, page=home, codenames=tuple(PAGE_PERMISSION_CODENAMES))
    root = Collection.get_first_root_node()
    for permission in _collection_permissions():
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=permission
        )
    return group


def _managed_group_ids() -> set[int]:
    ids = set(OrganisationEditors.objects.values_list("group_id", flat=True))
    ids.update(Group.objects.filter(name=PARTNERSHIP_GROUP_NAME).values_list("pk", flat=True))
    return ids


def _wanted_group_ids(user: User) -> set[int]:
    from organisations.models import Membership

    if not user.is_active:
        return set()
    wanted = set(
        OrganisationEditors.objects.filter(
            organisation__in=Membership.objects.current()
            .filter(user=user, is_web_editor=True)
            .values("organisation")
        ).values_list("group_id", flat=True)
    )
    if user.is_partnership_team:
        wanted.update(
            Group.objects.filter(name=PARTNERSHIP_GROUP_NAME).values_list("pk", flat=True)
        )
    return wanted


@transaction.atomic
def page_editors_sync_for_user(*, user: User) -> None:
    """Put the person in exactly the editors' groups their roles give them today.

    Groups this module does not manage (made by hand in the admin) are left alone.
    """
    managed = _managed_group_ids()
    wanted = _wanted_group_ids(user)
    held = set(user.groups.filter(pk__in=managed).values_list("pk", flat=True))
    if held - wanted:
        user.groups.remove(*(held - wanted))
    if wanted - held:
        user.groups.add(*(wanted - held))
    if held != wanted:
        logger.info(
            "Editors' groups changed",
            extra={
                "user": user.pk,
                "added": sorted(wanted - held),
                "removed": sorted(held - wanted),
            },
        )


def page_editors_sync_all() -> int:
    """Sync everyone who holds, or should hold, a managed group. Returns how many were checked.

    Memberships end by date with no save to react to, so this runs every night.
    """
    from organisations.models import Membership

    User = get_user_model()
    organisation_pages_provision_missing()
    managed = _managed_group_ids()
    # Subqueries rather than joins or UNION: one row per person, and SQLite refuses a UNION of
    # querysets that carry a default ordering (memberships do).
    candidates = User.objects.filter(
        Q(pk__in=User.groups.through.objects.filter(group_id__in=managed).values("user_id"))
        | Q(is_partnership_team=True)
        | Q(pk__in=Membership.objects.filter(is_web_editor=True).values("user_id"))
    )
    checked = 0
    for user in candidates.iterator():
        page_editors_sync_for_user(user=user)
        checked += 1
    return checked


def organisation_pages_provision_missing() -> int:
    """Editors' groups and draft pages for every organisation that lacks either (made before
    groups existed, or whose provisioning task never ran). Idempotent. Returns how many."""
    from cms.models.pages import OrganisationPage
    from organisations.models import Organisation

    missing = Organisation.objects.filter(
        Q(editors__isnull=True)
        | ~Q(
            pk__in=OrganisationPage.objects.filter(organisation__isnull=False).values(
                "organisation_id"
            )
        )
    ).order_by("pk")
    count = 0
    for organisation in missing:
        organisation_page_provision(organisation=organisation)
        count += 1
    return count
