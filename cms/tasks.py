"""Background jobs for the published pages. Each takes ids (or nothing, for beat) and calls a
service.

Beat runs them once a day (config.settings.CELERY_BEAT_SCHEDULE). Each works out what is due
from the database when it runs, so nothing is scheduled ahead and a day missed is made up by
the next run.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cms.services import editors, reviews


@shared_task
def review_reminders_sweep_task() -> int:
    """Beat job: email review owners whose guides and procedures are due for review (London's
    today), each reminder once. Returns how many reminders went."""
    return reviews.review_reminders_send(today=timezone.localdate())


@shared_task
def page_editors_sync_task() -> int:
    """Beat job: put everyone in exactly the page editors' groups their roles give them today.

    Memberships end by date, with no save for a signal to react to, so a web editor who has
    left loses their editing rights here. Returns how many people were checked.
    """
    return editors.page_editors_sync_all()


@shared_task
def organisation_page_provision_task(organisation_id: int) -> bool:
    """A new organisation's editors' group and draft page (queued on commit by cms.signals).
    Returns whether there was an organisation to make them for."""
    from organisations.models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return False  # deleted before the task ran
    editors.organisation_page_provision(organisation=organisation)
    return True
