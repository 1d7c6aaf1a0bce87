"""Compliance reminders to people, and monthly digests to coordinators and clerks, each sent
exactly once (see docs/notifications.md, "Compliance reminders and digests").

Two beat sweeps (`compliance.tasks`) find what is due in a few set-based queries over
`requirement_rows` and queue one send task for each reminder or digest:

- to the person, about one requirement of one membership: a first and a second reminder before
  their training expires (`ComplianceRules.first_reminder_days`, `second_reminder_days`), one on
  the day it expires, and one when a requirement they do not meet starts to apply to them;
- to each coordinator and clerk, once a month: their organisation's staff and volunteers (or
  their board's governors) whose training is overdue or missing.

Exactly once: one transaction inserts the sent-log row (`ComplianceNotice`, unique per
membership, requirement, kind and key; `ComplianceDigest`, unique per recipient, kind and month)
and sends the email. A second run finds the row, or hits the unique constraint, and sends
nothing; a run that fails before commit leaves no row, so the retry or the next sweep sends.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from compliance.db_functions import AddMonths
from compliance.enums import ComplianceNoticeKind, ComplianceStatus, DigestKind
from compliance.models import (
    AppliedRequirement,
    ComplianceDigest,
    ComplianceNotice,
    ComplianceRules,
)
from compliance.selectors.statuses import ComplianceDay, requirement_rows, with_dates
from organisations.enums import (
    MEMBER_PHRASES,
    SECTORS_WITH_GOVERNORS,
    GovernorCategory,
    GovernorRole,
    MembershipKind,
)
from organisations.models import Membership, MembershipQuerySet
from organisations.permissions import CLERK_KINDS, COORDINATOR_KINDS, memberships_visible_to
from outbox.messages import absolute_url, email_render
from training.models import TrainingRecord

logger = logging.getLogger(__name__)

# An expiry is told for a week after the day: long enough to make up for a sweep missed while
# the system was down, short enough that the first sweep after deployment does not email
# everyone whose training expired years ago.
EXPIRED_NOTICE_DAYS = 7
# A requirement is "new" to someone for 30 days after it starts to apply to them (their start
# date or the requirement's, whichever is later); after that it is on their page and in their
# coordinator's digest, but no longer news.
NEW_REQUIREMENT_DAYS = 30
# A digest lists this many people by name; the rest are counted and are on the compliance page.
DIGEST_PEOPLE_LISTED = 50

# A new requirement is told only to people who do not meet it.
NOT_MET_STATUSES = (
    ComplianceStatus.MISSING,
    ComplianceStatus.NEW_STARTER,
    ComplianceStatus.OVERDUE,
)
# Digests list the people past their grace period: new starters still have time.
DIGEST_STATUSES = (ComplianceStatus.OVERDUE, ComplianceStatus.MISSING)

EXPIRY_KINDS = frozenset(
    {
        ComplianceNoticeKind.FIRST_REMINDER,
        ComplianceNoticeKind.SECOND_REMINDER,
        ComplianceNoticeKind.EXPIRED,
    }
)

# Which memberships each digest is about.
DIGEST_MEMBERSHIP_KINDS: dict[DigestKind, tuple[MembershipKind, ...]] = {
    DigestKind.COORDINATOR: COORDINATOR_KINDS,
    DigestKind.CLERK: CLERK_KINDS,
}


# Where each digest sends its reader for the whole list.
DIGEST_PAGES = {
    DigestKind.COORDINATOR: "compliance:organisation",
    DigestKind.CLERK: "compliance:board",
}


# What the sweep reads of each reminder due, in NoticeDue's order.
NOTICE_FIELDS = ("membership_id", "requirement_id", "notice_kind", "notice_key")


@dataclass(frozen=True)
class NoticeDue:
    """One reminder the sweep found due and not yet sent."""

    membership_id: int
    requirement_id: int
    kind: ComplianceNoticeKind
    key: date


@dataclass(frozen=True)
class DigestDue:
    """One digest the sweep found due and not yet sent this month."""

    recipient_id: int
    kind: DigestKind
    month: date


def _day_and_rules(today: date | None) -> tuple[ComplianceDay, ComplianceRules]:
    """The day reminders are worked out for (today, in London, by default), and the rules."""
    rules = ComplianceRules.load()
    day = ComplianceDay(on=today or timezone.localdate(), due_soon_days=rules.due_soon_days)
    return day, rules


# Reminders to people ---------------------------------------------------------------------------


def _starts_on() -> Greatest:
    """The day the requirement began to apply to the membership."""
    return Greatest(F("membership__start_date"), F("requirement__applies_from"))


def _after_joins(expression: Any) -> Window:
    """The row's `expression` (its status, a date), worked out once the rows are joined and
    the cheap filters applied, for queries over many people.

    Filtered directly, a row's status or dates make PostgreSQL work them out while it is still
    pairing every requirement with every membership (before it rules out other sectors), and
    several times a row: over 20 seconds for a partnership of 20,000 people. Django filters on a
    window function in an outer query (`SELECT * FROM (…) WHERE …`), and a window over the row
    alone (one row for each membership and requirement) is the value itself, so wrapped in one
    the value is worked out once for each row that remains: about 2 seconds.

    `select_related` does not work with such an outer query: read its rows with `values()`.
    Sending a reminder looks at one membership, which the database finds first anyway, and uses
    the plain value.
    """
    return Window(Max(expression), partition_by=[F("membership_id"), F("requirement_id")])


def _expiry_kind(expires_on: str, day: ComplianceDay, rules: ComplianceRules) -> Case:
    """The reminder due for training expiring on the date in field `expires_on`, inside the
    windows. They do not overlap, so a row is due at most one: when a sweep missed the first
    window, the second reminder goes and the first never does."""
    second_from = day.on + timedelta(days=rules.second_reminder_days)
    return Case(
        When(**{f"{expires_on}__lte": day.on}, then=Value(ComplianceNoticeKind.EXPIRED.value)),
        When(
            **{f"{expires_on}__lte": second_from},
            then=Value(ComplianceNoticeKind.SECOND_REMINDER.value),
        ),
        default=Value(ComplianceNoticeKind.FIRST_REMINDER.value),
        output_field=CharField(),
    )


def _expiry_candidates(
    day: ComplianceDay, rules: ComplianceRules, *, sweep: bool = False
) -> QuerySet[AppliedRequirement]:
    """Rows whose training expires inside a reminder window, each with the one reminder it is
    due (`notice_kind`) and its key (`notice_key`, the expiry date). Training that had already
    expired when the requirement began to apply is told by the new-requirement reminder.

    For a `sweep`, it leaves out the reminders already sent to the person (their expiry counts
    as none, through `told`); see `_after_joins`.
    """
    # The first and last expiry dates reminded of today.
    window = (
        day.on - timedelta(days=EXPIRED_NOTICE_DAYS - 1),
        day.on + timedelta(days=rules.first_reminder_days),
    )
    # Cheap, to narrow the rows first: the person has a record that would expire inside the
    # window. A row's expiry is one of their records' completion plus the renewal months, so
    # no row failing this can be due.
    renewal = Coalesce(
        OuterRef("requirement__renewal_months"), OuterRef("standard__validity_months")
    )
    expiring_record = (
        TrainingRecord.objects.filter(user_id=OuterRef("user_id"), completed_on__lte=day.on)
        .annotate(would_expire_on=AddMonths(F("completed_on"), renewal))
        .filter(Q(would_expire_on__range=window))
    )
    rows = with_dates(requirement_rows(day).filter(Exists(expiring_record)), day)
    expires_on: Any = F("expires_on")
    if sweep:
        # Already told: the person has had this reminder about this expiry, through this
        # membership or another (someone who is staff in one organisation and a governor in
        # another, needing the same requirement for both, hears once). A notice's kind follows
        # from its key (the expiry), so the dates are worked out once here, for the key.
        told = ComplianceNotice.objects.filter(
            membership__user_id=OuterRef("user_id"),
            requirement_id=OuterRef("requirement_id"),
            key=OuterRef("expires_on"),
        ).filter(kind=_expiry_kind("key", day, rules))
        expires_on = Case(
            When(Exists(told), then=None), default=F("expires_on"), output_field=DateField()
        )
    return (
        rows.annotate(
            starts_on=_starts_on(), due_on=_after_joins(expires_on) if sweep else expires_on
        )
        .annotate(notice_kind=_expiry_kind("due_on", day, rules), notice_key=F("due_on"))
        .filter(due_on__range=window, due_on__gte=F("starts_on"))
    )


def _new_requirement_candidates(
    day: ComplianceDay, *, sweep: bool = False
) -> QuerySet[AppliedRequirement]:
    """Rows whose requirement began to apply within the last `NEW_REQUIREMENT_DAYS` days and
    which the person does not meet; the key is the day it began to apply. For a `sweep`, not
    those already told; see `_after_joins`."""
    since = day.on - timedelta(days=NEW_REQUIREMENT_DAYS)
    rows = (
        with_dates(requirement_rows(day), day)
        .annotate(starts_on=_starts_on())
        .filter(starts_on__gt=since)
        .annotate(
            status_now=_after_joins(F("status")) if sweep else F("status"),
            notice_kind=Value(ComplianceNoticeKind.NEW_REQUIREMENT.value, CharField()),
            notice_key=F("starts_on"),
        )
    )
    if sweep:
        rows = rows.filter(~_told_of_new_requirement())
    return rows.filter(Q(status_now__in=NOT_MET_STATUSES))


def _candidates(
    kind: ComplianceNoticeKind, day: ComplianceDay, rules: ComplianceRules
) -> QuerySet[AppliedRequirement]:
    if kind in EXPIRY_KINDS:
        return _expiry_candidates(day, rules).filter(Q(notice_kind=kind.value))
    return _new_requirement_candidates(day)


def _told_of_new_requirement() -> Exists:
    """The person has had the new-requirement reminder with this key, through this membership
    or another (see `_expiry_candidates`)."""
    return Exists(
        ComplianceNotice.objects.filter(
            membership__user_id=OuterRef("user_id"),
            requirement_id=OuterRef("requirement_id"),
            kind=ComplianceNoticeKind.NEW_REQUIREMENT,
            key=OuterRef("notice_key"),
        )
    )


def compliance_notices_due(*, today: date | None = None) -> list[NoticeDue]:
    """The reminders due today and not yet sent. Two queries whatever the number of people:
    one for the three expiry reminders, one for new requirements."""
    day, rules = _day_and_rules(today)
    due: list[NoticeDue] = []
    for candidates in (
        _expiry_candidates(day, rules, sweep=True),
        _new_requirement_candidates(day, sweep=True),
    ):
        found = candidates.order_by("membership_id", "requirement_id").values_list(*NOTICE_FIELDS)
        due += [
            NoticeDue(
                membership_id=membership_id,
                requirement_id=requirement_id,
                kind=ComplianceNoticeKind(kind),
                key=key,
            )
            for membership_id, requirement_id, kind, key in found
        ]
    return due


def compliance_notices_sweep(*, today: date | None = None) -> int:
    """Queue the reminders due today. Returns how many.

    Safe to run twice at once: both may queue the same reminder, and the sent-log lets only one
    of them send it.
    """
    from compliance.tasks import compliance_notice_send_task

    due = compliance_notices_due(today=today)
    for notice in due:
        compliance_notice_send_task.delay(
            notice.membership_id, notice.requirement_id, notice.kind.value, notice.key.isoformat()
        )
    if due:
        logger.info("compliance reminders due", extra={"count": len(due)})
    return len(due)


def compliance_notice_send(
    *,
    membership_id: int,
    requirement_id: int,
    kind: ComplianceNoticeKind | str,
    key: date,
    today: date | None = None,
) -> bool:
    """Email one reminder about one requirement to the person, once. Returns whether it went.

    Nothing is sent when the reminder no longer applies on the day it is sent (the person
    renewed their training, left, or a later reminder is now due instead), or when the person
    has already had it.
    """
    kind = ComplianceNoticeKind(kind)
    day, rules = _day_and_rules(today)
    log_extra = {
        "membership_id": membership_id,
        "requirement_id": requirement_id,
        "kind": kind.value,
        "key": key.isoformat(),
    }
    try:
        with transaction.atomic():
            # Locked, so two sends to the same person (the same reminder twice, or through two
            # memberships) take turns and the second sees the first's log row.
            person = (
                User.objects.select_for_update(of=("self",))
                .filter(memberships=membership_id, is_active=True)
                .first()
            )
            if person is None:
                logger.info("compliance reminder no longer applies", extra=log_extra)
                return False
            if ComplianceNotice.objects.filter(
                membership__user=person, requirement_id=requirement_id, kind=kind, key=key
            ).exists():
                logger.info("compliance reminder already sent", extra=log_extra)
                return False
            row = (
                _candidates(kind, day, rules)
                .filter(membership_id=membership_id, requirement_id=requirement_id)
                .filter(Q(notice_key=key))
                .select_related("membership__organisation", "requirement", "standard")
                .first()
            )
            if row is None:
                logger.info("compliance reminder no longer applies", extra=log_extra)
                return False
            ComplianceNotice.objects.create(
                membership_id=membership_id,
                requirement_id=requirement_id,
                kind=kind,
                key=key,
                recipient=person.email,
            )
            _notice_message(row=row, kind=kind, recipient=person, day=day).send()
    except IntegrityError:
        logger.info("compliance reminder already sent", extra=log_extra)
        return False
    logger.info("compliance reminder sent", extra=log_extra)
    return True


def _notice_message(
    *, row: AppliedRequirement, kind: ComplianceNoticeKind, recipient: User, day: ComplianceDay
) -> EmailMessage:
    membership = row.membership
    expires_on: date | None = row.expires_on  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "recipient": recipient,
        "membership": membership,
        "organisation": membership.organisation,
        "member_phrase": MEMBER_PHRASES[MembershipKind(membership.kind)],
        "requirement": row.requirement,
        "standard": row.standard,
        "status": ComplianceStatus(row.status),  # type: ignore[attr-defined]
        "effective_on": row.effective_on,  # type: ignore[attr-defined]
        "expires_on": expires_on,
        "grace_ends_on": row.grace_ends_on,  # type: ignore[attr-defined]
        "starts_on": row.starts_on,  # type: ignore[attr-defined]
        "days_left": (expires_on - day.on).days if expires_on else None,
        "today": day.on,
        "my_training_url": absolute_url(reverse("compliance:my_training")),
        "catalogue_url": absolute_url(
            reverse("training:catalogue"), {"standard": row.standard.slug}
        ),
    }
    return _email(f"compliance_{kind.value}", context, to=recipient.email)


def _email(template: str, context: dict[str, Any], *, to: str) -> EmailMessage:
    return email_render(f"compliance/email/{template}", context, to=to)


# Monthly digests to coordinators and clerks ----------------------------------------------------


def _digest_recipients(kind: DigestKind, day: ComplianceDay) -> MembershipQuerySet:
    """Current memberships that carry the digest's role where it means something (a clerk
    flag counts only in an organisation with a governing board), of active accounts."""
    recipients = Membership.objects.current(day.on).filter(user__is_active=True)
    if kind == DigestKind.COORDINATOR:
        return recipients.filter(is_coordinator=True)
    return recipients.filter(is_clerk=True, organisation__sector__in=SECTORS_WITH_GOVERNORS)


def _digest_rows(kind: DigestKind, day: ComplianceDay) -> QuerySet[AppliedRequirement]:
    """Overdue and missing rows of the kinds of membership the digest is about. (Filtered
    plainly: the sweep asks whether each organisation has one, and stops at the first.)"""
    return requirement_rows(day).filter(
        Q(status__in=DIGEST_STATUSES), membership__kind__in=DIGEST_MEMBERSHIP_KINDS[kind]
    )


def compliance_digests_due(*, today: date | None = None) -> list[DigestDue]:
    """The digests due this month and not yet sent: to each coordinator and clerk whose
    organisation has someone overdue or missing. One query a kind of digest."""
    day, _ = _day_and_rules(today)
    month = day.on.replace(day=1)
    due: list[DigestDue] = []
    for kind in DigestKind:
        sent = ComplianceDigest.objects.filter(recipient=OuterRef("pk"), kind=kind, month=month)
        someone_overdue = _digest_rows(kind, day).filter(
            membership__organisation=OuterRef("organisation")
        )
        recipient_ids = (
            _digest_recipients(kind, day)
            .filter(~Exists(sent), Exists(someone_overdue))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        due += [DigestDue(recipient_id=pk, kind=kind, month=month) for pk in recipient_ids]
    return due


def compliance_digests_sweep(*, today: date | None = None) -> int:
    """Queue this month's digests not yet sent. Returns how many.

    It runs daily: a digest goes on the first day of the month the sweep runs, or later in the
    month when nobody was overdue until then, and never twice in a month.
    """
    from compliance.tasks import compliance_digest_send_task

    due = compliance_digests_due(today=today)
    for digest in due:
        compliance_digest_send_task.delay(
            digest.recipient_id, digest.kind.value, digest.month.isoformat()
        )
    if due:
        logger.info("compliance digests due", extra={"count": len(due)})
    return len(due)


@dataclass
class DigestLine:
    """One requirement a person has not met."""

    requirement: str
    status: ComplianceStatus
    expires_on: date | None


@dataclass
class DigestPerson:
    """One person in a digest, with the requirements they have not met."""

    name: str
    role: str
    lines: list[DigestLine] = field(default_factory=list)


# What a digest shows of each row (one query: see `_after_joins`, and its word on values()).
DIGEST_FIELDS = (
    "membership_id",
    "membership__user__first_name",
    "membership__user__last_name",
    "membership__user__email",
    "membership__kind",
    "membership__job_role__name",
    "membership__governor_category",
    "membership__governor_role",
    "requirement__name",
    "status_now",
    "overdue_since",
)


def _digest_listing(
    kind: DigestKind, day: ComplianceDay, recipient: Membership
) -> QuerySet[AppliedRequirement, dict[str, Any]]:
    """The overdue and missing rows a digest lists: the recipient's organisation, the kinds of
    membership the digest is about, and only people the recipient may see; by name."""
    rows = (
        requirement_rows(day)
        .filter(
            membership__organisation=recipient.organisation_id,
            membership__kind__in=DIGEST_MEMBERSHIP_KINDS[kind],
            membership__in=memberships_visible_to(recipient.user),
        )
        .annotate(status_now=_after_joins(F("status")))
        .filter(status_now__in=DIGEST_STATUSES)
    )
    return (
        with_dates(rows, day)
        .annotate(
            # Worked out only for the overdue rows.
            overdue_since=Case(
                When(status_now=ComplianceStatus.OVERDUE, then=F("expires_on")),
                output_field=DateField(),
            )
        )
        .order_by(
            "membership__user__last_name",
            "membership__user__first_name",
            "membership_id",
            "requirement__name",
            "requirement_id",
        )
        .values(*DIGEST_FIELDS)
    )


def digest_people(rows: Iterable[dict[str, Any]]) -> list[DigestPerson]:
    """The rows (`DIGEST_FIELDS`, ordered by person) gathered one person (membership) a line."""
    people: dict[int, DigestPerson] = {}
    for row in rows:
        person = people.get(row["membership_id"])
        if person is None:
            name = f"{row['membership__user__first_name']} {row['membership__user__last_name']}"
            person = people[row["membership_id"]] = DigestPerson(
                name=name.strip() or row["membership__user__email"], role=_role_of(row)
            )
        person.lines.append(
            DigestLine(
                requirement=row["requirement__name"],
                status=ComplianceStatus(row["status_now"]),
                expires_on=row["overdue_since"],
            )
        )
    return list(people.values())


def _role_of(row: dict[str, Any]) -> str:
    """A governor's category and role, or someone's job role (or kind of membership)."""
    if row["membership__kind"] == MembershipKind.GOVERNOR:
        labels = [str(GovernorCategory(row["membership__governor_category"]).label)]
        if row["membership__governor_role"]:
            labels.append(str(GovernorRole(row["membership__governor_role"]).label))
        return ", ".join(labels)
    if row["membership__job_role__name"]:
        return str(row["membership__job_role__name"])
    return str(MembershipKind(row["membership__kind"]).label)


def compliance_digest_send(
    *,
    recipient_id: int,
    kind: DigestKind | str,
    month: date,
    today: date | None = None,
) -> bool:
    """Email one coordinator or clerk this month's digest, once. Returns whether it went.

    The digest lists only people the recipient may see (`memberships_visible_to`) in the
    organisation the role is held in. It takes the same number of queries whatever the number
    of people listed. Nothing is sent when nobody is overdue, when the recipient no longer holds
    the role, or when the month is over (the next sweep sends the new month's).
    """
    kind = DigestKind(kind)
    day, _ = _day_and_rules(today)
    log_extra = {"recipient_id": recipient_id, "kind": kind.value, "month": month.isoformat()}
    if month != day.on.replace(day=1):
        logger.info("compliance digest no longer applies", extra=log_extra)
        return False
    try:
        with transaction.atomic():
            # Locked, so a second send of the same digest waits for this one, then skips.
            recipient = (
                _digest_recipients(kind, day)
                .select_related("user", "organisation")
                .select_for_update(of=("self",))
                .filter(pk=recipient_id)
                .first()
            )
            if recipient is None:
                logger.info("compliance digest no longer applies", extra=log_extra)
                return False
            if ComplianceDigest.objects.filter(
                recipient=recipient, kind=kind, month=month
            ).exists():
                logger.info("compliance digest already sent", extra=log_extra)
                return False
            people = digest_people(_digest_listing(kind, day, recipient))
            if not people:
                logger.info("compliance digest has nobody to list", extra=log_extra)
                return False
            ComplianceDigest.objects.create(
                recipient=recipient, kind=kind, month=month, overdue_count=len(people)
            )
            _digest_message(recipient=recipient, kind=kind, people=people, day=day).send()
    except IntegrityError:
        logger.info("compliance digest already sent", extra=log_extra)
        return False
    logger.info("compliance digest sent", extra=log_extra | {"people": len(people)})
    return True


def _digest_message(
    *, recipient: Membership, kind: DigestKind, people: list[DigestPerson], day: ComplianceDay
) -> EmailMessage:
    organisation = recipient.organisation
    page = DIGEST_PAGES[kind]
    context: dict[str, Any] = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "recipient": recipient.user,
        "organisation": organisation,
        "people": people[:DIGEST_PEOPLE_LISTED],
        "count": len(people),
        "not_listed": max(len(people) - DIGEST_PEOPLE_LISTED, 0),
        "today": day.on,
        "compliance_url": absolute_url(reverse(page, kwargs={"slug": organisation.slug})),
    }
    return _email(f"compliance_digest_{kind.value}", context, to=recipient.user.email)
