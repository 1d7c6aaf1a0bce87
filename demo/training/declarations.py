"""Governors' yearly declarations that they have read the statutory guidance.

Keeping children safe in education is revised every September, so the current edition
(`ComplianceRules.guidance_edition`) came into force on 1 September of its year. Most governors
declared last year's edition; a share that follows their board's record has declared this
year's, the rest have not yet. When the edition's name does not end in its year, only this
year's is declared, over the last two months.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from datetime import time as clock

from compliance.models import ComplianceRules, GovernorDeclaration
from demo.training.bookings import BATCH_SIZE
from demo.training.dates import at, months_after
from demo.training.history_plans import organisation_quality
from demo.training.records import created_at_kept
from demo.training.statuses import Member
from organisations.enums import MembershipKind

# Of governors in post then, those who declared last year's edition, in its first four months.
DECLARED_LAST_YEAR_SHARE, LAST_YEAR_DAYS = 0.85, 120
# Those who have declared this year's: this share on a board meeting TYPICAL_BOARD of its
# requirements, more on a better one, fewer on a worse.
DECLARED_SHARE, TYPICAL_BOARD = 0.6, 0.7
# When the edition's year is not known, it came into force this long ago.
UNDATED_EDITION_DAYS = 60


def editions(current: str, *, today: date) -> tuple[date, str | None]:
    """When the current edition came into force, and last year's edition's name (when the
    current one's name ends in its year)."""
    found = re.fullmatch(r"(.*?)(\d{4})", current.strip())
    if found is None or date(int(found.group(2)), 9, 1) > today:
        return today - timedelta(days=UNDATED_EDITION_DAYS), None
    year = int(found.group(2))
    return date(year, 9, 1), f"{found.group(1)}{year - 1}"


def declarations_write(
    rng: random.Random, members: list[Member], *, today: date, not_declared: set[int]
) -> int:
    """Declarations for the governors among `members`; those in `not_declared` (membership
    ids) have not declared this year's edition. Returns how many were written."""
    current = ComplianceRules.load().guidance_edition
    in_force, previous = editions(current, today=today)
    last_year = months_after(in_force, -12)
    rows: list[GovernorDeclaration] = []

    def declare(member: Member, edition: str, start: date, end: date) -> None:
        start = max(start, member.start_date)
        if start > end:
            return
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        rows.append(
            GovernorDeclaration(
                membership_id=member.membership_id,
                edition=edition,
                declared_on=day,
                created_at=at(day, clock(20, 15)),
            )
        )

    for member in members:
        if member.kind != MembershipKind.GOVERNOR:
            continue
        if previous and rng.random() < DECLARED_LAST_YEAR_SHARE:
            declare(member, previous, last_year, last_year + timedelta(days=LAST_YEAR_DAYS))
        board = organisation_quality(member.organisation_slug, governors=True)
        share = DECLARED_SHARE + board - TYPICAL_BOARD
        if member.membership_id not in not_declared and rng.random() < share:
            declare(member, current, in_force, today)
    with created_at_kept(GovernorDeclaration):
        GovernorDeclaration.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)
