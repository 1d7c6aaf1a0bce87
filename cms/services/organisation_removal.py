"""What goes with an organisation when the partnership team deletes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from cms.models.editors import OrganisationEditors
from cms.models.pages import OrganisationPage

if TYPE_CHECKING:
    from organisations.models import Organisation


def organisation_unpublished_page(organisation: Organisation) -> OrganisationPage | None:
    """The organisation's page if it has never been published and has nothing under it.

    That is the draft made automatically when the organisation was created; it holds nobody's
    published words, so it may go with the organisation. A page that has ever been published
    keeps the organisation from being deleted (its `organisation` link is protected).
    """
    return (
        OrganisationPage.objects.filter(
            organisation=organisation, first_published_at__isnull=True, numchild=0
        )
        .order_by()
        .first()
    )


@transaction.atomic
def organisation_pages_discard(*, organisation: Organisation) -> None:
    """Remove the never-published draft page, the editors' group and their empty collection.

    Called just before the organisation itself is deleted, in the same transaction.
    """
    page = organisation_unpublished_page(organisation)
    if page is not None:
        page.delete()
    editors = OrganisationEditors.objects.filter(organisation=organisation).first()
    if editors is None:
        return
    group, collection = editors.group, editors.collection
    editors.delete()
    group.delete()
    if not collection.get_descendants().exists() and not _collection_used(collection):
        collection.delete()


def _collection_used(collection: object) -> bool:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return (
        get_image_model().objects.filter(collection=collection).exists()
        or get_document_model().objects.filter(collection=collection).exists()
    )
