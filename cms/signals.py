"""Keeps editors' groups and guides' organisations in step. Receivers only call services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, post_page_move

from cms.models.pages import EscalationGuidePage, OrganisationPage, ProcedurePage, ReviewedPage
from organisations.models import Membership, Organisation
from organisations.signals import organisation_deleting, organisation_removable_dependents


@receiver(post_save, sender=Organisation, dispatch_uid="cms_organisation_created")
def organisation_created(
    sender: Any, instance: Organisation, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new organisation gets its editors' group and draft page just after it is committed,
    by a task: making them is about 90 queries of Wagtail page, revision and permission work,
    which would otherwise be paid by every insert (the admin, the demo, every test factory).
    The nightly `page_editors_sync_task` makes any that were missed."""
    if created and not raw:
        from cms.tasks import organisation_page_provision_task

        organisation_id = instance.pk
        transaction.on_commit(lambda: organisation_page_provision_task.delay(organisation_id))


@receiver(post_save, sender=OrganisationPage, dispatch_uid="cms_organisation_page_saved")
def organisation_page_saved(
    sender: Any,
    instance: OrganisationPage,
    created: bool,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    # A new page, or a saved organisation (the page row changes on publication, and for a
    # draft on each save); saves of other fields alone (locks, revisions) change nothing here.
    if raw or (update_fields is not None and "organisation" not in update_fields):
        return
    from cms.services.editors import organisation_page_permissions_grant

    organisation_page_permissions_grant(page=instance)


def _sync_user_on_commit(user_id: int) -> None:
    def sync() -> None:
        from django.contrib.auth import get_user_model

        from cms.services.editors import page_editors_sync_for_user

        user = get_user_model().objects.filter(pk=user_id).first()
        if user is not None:
            page_editors_sync_for_user(user=user)

    transaction.on_commit(sync)


# What a row held when it was loaded, so a save that changes nothing about editing rights
# (most saves: a new job role, a password, a sign-in) queues no work.
USER_WATCHED = ("is_partnership_team", "is_active")


@receiver(post_init, sender=Membership, dispatch_uid="cms_membership_loaded")
def membership_loaded(sender: Any, instance: Membership, **kwargs: Any) -> None:
    instance._cms_was_web_editor = instance.is_web_editor  # type: ignore[attr-defined]


@receiver(post_save, sender=Membership, dispatch_uid="cms_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="cms_membership_deleted")
def membership_changed(sender: Any, instance: Membership, raw: bool = False, **kwargs: Any) -> None:
    """A web editor's membership changed (flag, dates, or gone): recheck their groups."""
    was_editor = getattr(instance, "_cms_was_web_editor", False)
    if not raw and (instance.is_web_editor or was_editor):
        _sync_user_on_commit(instance.user_id)
    instance._cms_was_web_editor = instance.is_web_editor  # type: ignore[attr-defined]


@receiver(post_init, sender=settings.AUTH_USER_MODEL, dispatch_uid="cms_user_loaded")
def user_loaded(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._cms_loaded = tuple(getattr(instance, name) for name in USER_WATCHED)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="cms_user_saved")
def user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Joining or leaving the partnership team, or being deactivated, changes their groups."""
    now = tuple(getattr(instance, name) for name in USER_WATCHED)
    before = getattr(instance, "_cms_loaded", None)
    instance._cms_loaded = now
    if raw or (created and not instance.is_partnership_team) or (not created and now == before):
        return
    _sync_user_on_commit(instance.pk)


@receiver(page_published, dispatch_uid="cms_page_published")
def page_was_published(sender: Any, instance: Any, revision: Any, **kwargs: Any) -> None:
    if isinstance(instance, ReviewedPage):
        from cms.services.reading import edition_after_publish

        edition_after_publish(page=instance)


@receiver(post_page_move, dispatch_uid="cms_page_moved")
def page_was_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    specific = instance.specific
    if isinstance(specific, (EscalationGuidePage, ProcedurePage)):
        specific.save(update_fields=["organisation"])


@receiver(organisation_removable_dependents, dispatch_uid="cms_organisation_removable")
def organisation_removable(sender: Any, organisation: Organisation, **kwargs: Any) -> list[Any]:
    """The draft page made with the organisation goes with it (never one that was published)."""
    from cms.services.organisation_removal import organisation_unpublished_page

    draft = organisation_unpublished_page(organisation)
    return [] if draft is None else [draft]


@receiver(organisation_deleting, dispatch_uid="cms_organisation_deleting")
def organisation_being_deleted(sender: Any, organisation: Organisation, **kwargs: Any) -> None:
    from cms.services.organisation_removal import organisation_pages_discard

    organisation_pages_discard(organisation=organisation)
