"""The seed step for what has happened since the pages were published: who has confirmed reading
which edition, the review reminders already sent, and a change waiting for approval.

Reading varies by organisation, from about a fifth of staff to most of them, as it does when a
partnership starts asking people to confirm. Where a guide or the information-sharing protocol
has a second edition, some people confirmed the first and not yet the second, so they are asked
again. The demo accounts each have a story (docs/demo-data.md, "Published pages"):
practitioner@demo.example confirmed the first edition of children's social care's guide but not
the second ("changed since you confirmed") and has not read the information-sharing protocol;
the service's other demo accounts have read the current guide.

The hospital's web editor has proposed a change to its guide (a new duty line at stage 2, within
4 hours) and submitted it for the partnership's approval two days ago, so
partnership@demo.example finds it waiting in the admin. It is the hospital's rather than
children's social care's so that editor@demo.example starts with nothing in progress and can
edit their own guide and submit it.

Rows are written once per page: a page anyone has already confirmed gets no confirmations and no
reminders, and a page with any approval history gets no new change, so a second run adds
nothing.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from django.utils import timezone
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from cms.enums import REVIEW_DUE_SOON_DAYS, ReviewReminderKind, TimescaleUnit
from cms.models import (
    Acknowledgement,
    EscalationGuidePage,
    ProcedureIndexPage,
    ProcedurePage,
    ReviewedPage,
    ReviewReminder,
)
from demo.cms.contacts import contact
from demo.cms.guides import within
from demo.cms.procedures import COMMUNICATING, INFORMATION_SHARING, RESOLVING_DIFFERENCES
from demo.cms.publishing import LONDON, history_date
from demo.cms.site import REVIEW_PERIOD, agencies_load
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from organisations.models import Membership

PRACTITIONER = "practitioner@demo.example"
# The practitioner's colleagues among the demo accounts have read their current guide.
READ_CURRENT_GUIDE = [
    "manager@demo.example",
    "coordinator@demo.example",
    "editor@demo.example",
    "partnership@demo.example",
]
# Share of an organisation's staff who have confirmed its guide's current edition.
GUIDE_READING_RATE = (0.2, 0.85)
# More people had confirmed a first edition, read for a whole year, than the newer one so far.
EARLIER_EDITION_EXTRA = 0.15
EARLIER_EDITION_MOST = 0.95
# Share of each organisation's staff who have confirmed each partnership procedure.
PROCEDURE_READING_RATES = {
    INFORMATION_SHARING: (0.25, 0.6),
    COMMUNICATING: (0.1, 0.35),
    RESOLVING_DIFFERENCES: (0.15, 0.45),
}
# The practitioner has read these procedures, and not the information-sharing protocol.
PRACTITIONER_READ = {COMMUNICATING, RESOLVING_DIFFERENCES}
# Nobody confirms the moment a page is published.
FIRST_READER_AFTER = timedelta(minutes=20)
# Review reminders go out with the daily sweep (config/settings.py, 07:15).
REMINDER_TIME = time(7, 15)

PENDING_CHANGE_ORGANISATION = orgs.HOSPITAL
PENDING_CHANGE_DAYS_AGO = 2
PENDING_CHANGE_HOUR = 11


def _share(rng: random.Random, people: list[int], rate: float) -> set[int]:
    return set(rng.sample(people, round(len(people) * rate)))


def _moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment after `start`, more likely soon after it (people read when told, or later)."""
    start += FIRST_READER_AFTER
    if end <= start:
        return start
    return start + (end - start) * rng.random() ** 2


class _Reading:
    """The acknowledgements of one run, one per person, page and edition."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.rows: dict[tuple[int, int, int], datetime] = {}

    def add(
        self, page: ReviewedPage, editions: list[datetime], edition: int, users: Iterable[int]
    ) -> None:
        """`users` confirmed `edition` of `page` between its publication and the next one's."""
        if edition < 1 or edition > len(editions):
            return
        end = editions[edition] if edition < len(editions) else self.now
        for user_id in sorted(users):
            at = _moment_between(self.rng, editions[edition - 1], end)
            self.rows.setdefault((user_id, page.pk, edition), at)

    def page_read(
        self,
        page: ReviewedPage | None,
        editions: list[datetime],
        people: list[int],
        rate: float,
        *,
        read_current: Iterable[int] = (),
        read_earlier_only: Iterable[int] = (),
        not_read: Iterable[int] = (),
    ) -> None:
        """A share `rate` of `people` confirmed the current edition and, when there is an
        earlier one, a slightly larger share confirmed that. `read_current`, `read_earlier_only`
        and `not_read` are the demo accounts' stories."""
        current = _share(self.rng, people, rate) | set(read_current)
        earlier_rate = min(EARLIER_EDITION_MOST, rate + EARLIER_EDITION_EXTRA)
        earlier = _share(self.rng, people, earlier_rate) | set(read_earlier_only)
        current -= set(read_earlier_only) | set(not_read)
        earlier -= set(not_read)
        if page is None:
            return
        self.add(page, editions, page.edition, current)
        self.add(page, editions, page.edition - 1, earlier)

    def write(self, skip_pages: set[int]) -> list[Acknowledgement]:
        rows = [
            Acknowledgement(user_id=user_id, page_id=page_id, edition=edition, acknowledged_at=at)
            for (user_id, page_id, edition), at in self.rows.items()
            if page_id not in skip_pages
        ]
        return Acknowledgement.objects.bulk_create(rows, batch_size=1000)


def _editions(pages: list[ReviewedPage]) -> dict[int, list[datetime]]:
    """When each edition of each page was published: its publications in order (the demo
    marks none as a small correction, so the n-th publication is edition n)."""
    published: dict[int, list[datetime]] = {page.pk: [] for page in pages}
    entries = (
        PageLogEntry.objects.filter(page_id__in=list(published), action="wagtail.publish")
        .order_by("timestamp", "pk")
        .values_list("page_id", "timestamp")
    )
    for page_id, timestamp in entries:
        published[page_id].append(timestamp)
    return published


def acknowledgements_seed(seed: DemoSeed, rng: random.Random) -> list[Acknowledgement]:
    """Confirmations of every guide and procedure nobody has confirmed yet."""
    agencies = agencies_load(seed)
    organisation_ids = [agency.organisation.pk for agency in agencies.values()]
    guides = {
        guide.organisation_id: guide
        for guide in EscalationGuidePage.objects.live().filter(organisation_id__in=organisation_ids)
    }
    procedures = {
        procedure.slug: procedure
        for procedure in ProcedurePage.objects.live().child_of(ProcedureIndexPage.objects.get())
    }
    pages: list[ReviewedPage] = [*guides.values(), *procedures.values()]
    editions = _editions(pages)
    staff = {
        slug: sorted({membership.user_id for membership in members})
        for slug, members in seed.staff.items()
    }
    demo = {email: membership.user_id for email, membership in seed.demo_memberships.items()}
    practitioner = demo[PRACTITIONER]
    reading = _Reading(rng, timezone.now())
    for slug, agency in agencies.items():
        people = staff.get(slug, [])
        guide = guides.get(agency.organisation.pk)
        own = [demo[email] for email in READ_CURRENT_GUIDE if demo[email] in people]
        reading.page_read(
            guide,
            editions.get(guide.pk, []) if guide else [],
            people,
            rng.uniform(*GUIDE_READING_RATE),
            read_current=own,
            read_earlier_only=[practitioner] if practitioner in people else [],
        )
        for procedure_slug, rates in PROCEDURE_READING_RATES.items():
            procedure = procedures.get(procedure_slug)
            in_story = practitioner in people and procedure_slug in PRACTITIONER_READ
            reading.page_read(
                procedure,
                editions.get(procedure.pk, []) if procedure else [],
                people,
                rng.uniform(*rates),
                read_current=[practitioner] if in_story else [],
                not_read=[] if in_story else [practitioner],
            )
    confirmed = set(
        Acknowledgement.objects.filter(page_id__in=[page.pk for page in pages]).values_list(
            "page_id", flat=True
        )
    )
    return reading.write(skip_pages=confirmed)


def review_reminders_seed(seed: DemoSeed, *, page_ids: set[int]) -> int:
    """The reminders the daily sweep would already have sent for pages overdue or due soon, so
    the demo's first sweep sends none twice. Only for `page_ids`, the pages the demo has just
    given a history: on a later run, reminders are the sweep's business."""
    due_by = seed.today + timedelta(days=REVIEW_DUE_SOON_DAYS)
    pages: list[ReviewedPage] = [
        *EscalationGuidePage.objects.live().filter(pk__in=page_ids, next_review__lte=due_by),
        *ProcedurePage.objects.live().filter(pk__in=page_ids, next_review__lte=due_by),
    ]
    made = 0
    for page in pages:
        sent = {
            ReviewReminderKind.DUE_SOON: page.next_review - timedelta(days=REVIEW_DUE_SOON_DAYS),
            ReviewReminderKind.DUE: page.next_review,
        }
        owner = page.review_owner
        for kind, day in sent.items():
            if day >= seed.today:
                continue
            _, created = ReviewReminder.objects.get_or_create(
                page_id=page.pk,
                kind=kind,
                next_review=page.next_review,
                defaults={
                    "recipients": owner.email if owner else "",
                    "sent_at": datetime.combine(day, REMINDER_TIME, tzinfo=LONDON),
                },
            )
            made += created
    return made


def pending_change_seed(seed: DemoSeed) -> bool:
    """The hospital's web editor's change to its guide, submitted for approval and waiting."""
    organisation = seed.organisations[PENDING_CHANGE_ORGANISATION]
    guide = EscalationGuidePage.objects.live().filter(organisation=organisation).first()
    if guide is None or WorkflowState.objects.for_instance(guide).exists():
        return False
    editor = (
        Membership.objects.current()
        .filter(organisation=organisation, is_web_editor=True)
        .select_related("user")
        .order_by("user__email")
        .first()
    )
    author = editor.user if editor else guide.review_owner
    workflow = guide.get_workflow()
    if author is None or workflow is None:
        return False
    agency = agencies_load(seed)[PENDING_CHANGE_ORGANISATION]
    stages = [dict(item) for item in guide.stages.raw_data]
    duty_line = copy.deepcopy(stages[1])
    duty_line["value"].update(
        title="Phone the safeguarding children team's duty line",
        who=contact(
            "Safeguarding children duty adviser",
            phone=agency.phone(3),
            email=agency.email("safeguarding.duty"),
            hours="Monday to Friday, 8am to 6pm",
        ),
        timescale=within(4, TimescaleUnit.HOURS),
        what_to_do=[
            "Tell your ward manager or team leader, then phone the duty line together.",
            "The duty adviser decides with you whether to take it further, and records it.",
            "Outside the duty line's hours, ask your manager and the on-call consultant "
            "paediatrician.",
        ],
    )
    stages[1] = duty_line
    at = datetime.combine(
        seed.today - timedelta(days=PENDING_CHANGE_DAYS_AGO),
        time(PENDING_CHANGE_HOUR),
        tzinfo=LONDON,
    )
    guide.stages = stages
    guide.last_reviewed = at.date()
    guide.next_review = at.date() + REVIEW_PERIOD
    guide.save_revision(user=author, log_action=True)
    state = workflow.start(guide, author)
    history_date(guide, at=at)
    WorkflowState.objects.filter(pk=state.pk).update(created_at=at)
    TaskState.objects.filter(workflow_state=state).update(started_at=at)
    return True


def page_reading_seed(seed: DemoSeed) -> None:
    """Confirmations of reading, review reminders already sent, and one change to approve."""
    rng = seed.rng("page reading")
    written = acknowledgements_seed(seed, rng)
    pages = {acknowledgement.page_id for acknowledgement in written}
    reminders = review_reminders_seed(seed, page_ids=pages)
    pending = pending_change_seed(seed)
    if not (written or pending):
        seed.log("Reading: already there")
        return
    first = min((acknowledgement.acknowledged_at for acknowledgement in written), default=None)
    since = f" since {first.astimezone(LONDON):%B %Y}" if first else ""
    seed.log(
        f"Reading: {len(written)} confirmations of {len(pages)} guides and procedures{since}, "
        f"{reminders} review reminders already sent"
        + (", 1 change waiting for the partnership's approval" if pending else "")
    )
