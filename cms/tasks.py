"""Background jobs for the published pages. Each is a beat job that calls a service.

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
