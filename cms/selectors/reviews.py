"""Which review reminders are due, and who they go to. No side effects.

The rules for when each reminder is due are in `cms.services.reviews`, which sends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from django.db.models import Exists, OuterRef

from cms.enums import REVIEW_DUE_SOON_DAYS, ReviewReminderKind
from cms.models.pages import EscalationGuidePage, ProcedurePage
from cms.models.reviews import ReviewReminder

if TYPE_CHECKING:
    from accounts.models import User
    from cms.models.pages import ReviewedPage

# The "on the date" reminder still goes for this many days from the review date (the date
# itself and the 6 days after): long enough to make up for sweeps missed while the system was
# down, short enough that the first sweep after deployment does not email the owner of every
# page that went overdue months ago. Those pages show as overdue to readers and in the
# partnership's table of published guides.
DUE_REMINDER_DAYS = 7

# The pages that have a review owner and a review date.
REVIEWED_PAGE_MODELS: tuple[type[ReviewedPage], ...] = (EscalationGuidePage, ProcedurePage)

# Who a reminder went to, which the email explains: the owner, or whoever stands in for one.
SentTo = Literal["owner", "web_editors", "partnership_team"]


@dataclass(frozen=True)
class ReviewReminderDue:
    """One reminder about one review date of one live page, not yet sent."""

    page: ReviewedPage
    kind: ReviewReminderKind


@dataclass(frozen=True)
class ReviewReminderRecipients:
    """The people a reminder goes to, and why them: `former_owner` is the owner they stand in
    for, when the page has one who can no longer be reminded."""

    users: list[User]
    sent_to: SentTo
    former_owner: User | None = None


def review_dates_reminded_on(*, kind: ReviewReminderKind, today: date) -> tuple[date, date]:
    """The first and last review dates (inclusive) that a reminder of `kind` is due for today.

    "Due soon" covers the 30 days before the review date, "due" the date itself and the days
    after it in `DUE_REMINDER_DAYS`. The two never overlap, so a page is due at most one
    reminder on any day; a page published with a review date less than 30 days away gets its
    "due soon" reminder at once.
    """
    if kind == ReviewReminderKind.DUE_SOON:
        return today + timedelta(days=1), today + timedelta(days=REVIEW_DUE_SOON_DAYS)
    return today - timedelta(days=DUE_REMINDER_DAYS - 1), today


def review_reminders_due(*, today: date) -> list[ReviewReminderDue]:
    """Reminders due today and not yet sent, about live guides and procedures, soonest review
    date first. Four queries (two kinds of page, two kinds of reminder) however many pages.

    Only the published version counts: a page's own row holds what is live, and a new review
    date saved as a draft changes nothing until it is published. Private pages are included:
    someone still has to keep them up to date.
    """
    due: list[ReviewReminderDue] = []
    for kind in ReviewReminderKind:
        first, last = review_dates_reminded_on(kind=kind, today=today)
        sent = ReviewReminder.objects.filter(
            page_id=OuterRef("pk"), kind=kind, next_review=OuterRef("next_review")
        )
        for model in REVIEWED_PAGE_MODELS:
            pages = (
                model.objects.live()
                .filter(next_review__range=(first, last))
                .filter(~Exists(sent))
                .select_related("review_owner", "organisation")
                .order_by("next_review", "pk")
            )
            due.extend(ReviewReminderDue(page=page, kind=kind) for page in pages)
    due.sort(key=lambda reminder: (reminder.page.next_review, reminder.page.pk))
    return due


def review_reminder_recipients(
    *, page: ReviewedPage, today: date
) -> ReviewReminderRecipients | None:
    """Who is reminded about `page`: its review owner, while their account is active and, for an
    organisation's page, while they still work there (or are in the partnership team).

    Otherwise the people who can edit it stand in: the organisation's current web editors, or,
    for a partnership-wide procedure (or an organisation with no web editor left), the
    partnership team, who publish everything. None when there is nobody at all.
    """
    from accounts.models import User
    from organisations.models import Membership

    owner = page.review_owner
    if owner is not None and _can_still_own(owner, page, today):
        return ReviewReminderRecipients(users=[owner], sent_to="owner")
    if page.organisation_id is not None:
        editors = Membership.objects.current(today).filter(
            organisation_id=page.organisation_id, is_web_editor=True
        )
        users = list(
            User.objects.filter(is_active=True, pk__in=editors.values("user_id")).order_by("email")
        )
        if users:
            return ReviewReminderRecipients(users=users, sent_to="web_editors", former_owner=owner)
    team = list(User.objects.filter(is_active=True, is_partnership_team=True).order_by("email"))
    if team:
        return ReviewReminderRecipients(users=team, sent_to="partnership_team", former_owner=owner)
    return None


def _can_still_own(owner: User, page: ReviewedPage, today: date) -> bool:
    """An owner who has left the organisation (the admin keeps them chosen until an editor
    picks someone else) can no longer change its page, so is not the one to remind."""
    from organisations.models import Membership

    if not owner.is_active:
        return False
    if page.organisation_id is None or owner.is_partnership_team:
        return True
    return (
        Membership.objects.current(today)
        .filter(user=owner, organisation_id=page.organisation_id)
        .exists()
    )
