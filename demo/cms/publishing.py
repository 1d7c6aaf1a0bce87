"""Publishing demo pages as named people, on the days the demo's story says they were published.

Pages are saved and published the way the admin does it (a revision saved by its author, then
published by the partnership team), so editions, the search index and the page history behave
as they do for real. Wagtail stamps everything with the current time; the seed then moves the
new history entries, revisions and publication times back to the planned moment, so the admin's
history reads "edited by the web editor, published by the partnership manager, eight months ago"
and readers' confirmations (dated over the months since) come after the edition they confirm.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from wagtail.models import Page, PageLogEntry

if TYPE_CHECKING:
    from accounts.models import User

# The partnership works in London; the demo's times are London times.
LONDON = ZoneInfo("Europe/London")
# Editors save their change a couple of hours before the partnership team approves it.
REVIEW_DELAY = timedelta(hours=2)
# Pages are published in office hours: from 10am, within the next six hours.
FIRST_PUBLISHING_HOUR = 10
PUBLISHING_WINDOW_MINUTES = 6 * 60


def weekday_on_or_before(day: date) -> date:
    """Nobody publishes guides at the weekend: Saturday and Sunday become the Friday before."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def moment_on(day: date, rng: random.Random) -> datetime:
    """A time in office hours on `day`, in London."""
    minutes = rng.randrange(PUBLISHING_WINDOW_MINUTES)
    start = datetime.combine(day, time(FIRST_PUBLISHING_HOUR), tzinfo=LONDON)
    return start + timedelta(minutes=minutes)


def history_date(page: Page, *, at: datetime) -> None:
    """Move the page's history, revisions and publication times that are later than `at` to
    `at`. Earlier ones (an edition published before) stay where they are."""
    PageLogEntry.objects.filter(page_id=page.pk, timestamp__gt=at).update(timestamp=at)
    page.revisions.filter(created_at__gt=at).update(created_at=at)
    for field in ("first_published_at", "last_published_at", "latest_revision_created_at"):
        Page.objects.filter(pk=page.pk, **{f"{field}__gt": at}).update(**{field: at})


def page_publish(page: Any, *, author: User, publisher: User, at: datetime) -> None:
    """Save the page as it stands as a revision by `author`, publish it as `publisher`, and date
    both: the edit shortly before `at`, the publication at `at`.

    The partnership team's publishing group is kept in step after the transaction commits
    (cms.signals), so within the seed nobody is in it yet: permission checks are skipped, as
    they are for any change made by code.
    """
    # Publishing validates the page; validating the revision as well would only double the time.
    revision = page.save_revision(user=author, log_action=True, clean=False)
    history_date(page, at=at - REVIEW_DELAY)
    revision.publish(user=publisher, skip_permission_checks=True)
    history_date(page, at=at)
    page.refresh_from_db()
