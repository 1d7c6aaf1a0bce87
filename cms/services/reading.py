"""Editions of guides and procedures, and people confirming they have read them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from cms.models.reading import Acknowledgement

if TYPE_CHECKING:
    from accounts.models import User
    from cms.models.pages import ReviewedPage

logger = logging.getLogger(__name__)


def edition_after_publish(*, page: ReviewedPage) -> None:
    """A published version is a new edition, unless its editor marked it a small correction.

    The first publication is always edition 1. The "small correction" tick is cleared on the
    live page so the next version starts unticked.
    """
    model = type(page)
    if page.minor_change and page.edition > 0:
        model.objects.filter(pk=page.pk).update(minor_change=False)
    else:
        model.objects.filter(pk=page.pk).update(edition=F("edition") + 1, minor_change=False)
    page.refresh_from_db(fields=["edition", "minor_change"])
    logger.info("Page published", extra={"page": page.pk, "edition": page.edition})


@transaction.atomic
def page_acknowledge(*, page: ReviewedPage, user: User) -> Acknowledgement:
    """Record that `user` has read and understood the current edition of `page`. Idempotent."""
    if not page.live or page.edition < 1:
        raise ValidationError("You can only confirm you have read a published page.")
    acknowledgement, created = Acknowledgement.objects.get_or_create(
        user=user, page_id=page.pk, edition=page.edition
    )
    if created:
        logger.info(
            "Page acknowledged", extra={"page": page.pk, "edition": page.edition, "user": user.pk}
        )
    return acknowledgement
