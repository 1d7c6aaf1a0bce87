"""Planning each person's training history so their statuses come out as drawn.

For each standard a person's requirements call for (a standard before those it meets, so level
3's records count towards levels 2 and 1), `HistoryPlan` works out the status the records so
far give (`demo.training.statuses`). If the standard is not met, it draws what should be true —
in date, due soon, overdue or missing — and dates records to match: the latest training so that
it expires when the status needs, then the cycles before it, back five years. New starters
inside their grace period are mostly left untrained.

The draw is steered towards the organisation's share of requirements met
(`ORGANISATION_QUALITY`): each row the organisation is above or below its share moves the
chance, so records the earlier steps made count towards the share instead of adding to it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from compliance.enums import ComplianceStatus
from demo.organisations import organisations as orgs
from demo.organisations.context import RANDOM_SEED
from demo.training import standards as std
from demo.training.activities import (
    CHOICES,
    DAY,
    DSL_REFRESHER,
    GOVERNORS_TRAINING,
    LEVEL_3_DAYS,
    LEVEL_3_PLANS,
    SCHOOL_UPDATE,
    Activity,
    school_update_title,
    training_day,
    training_day_before,
)
from demo.training.dates import months_after
from demo.training.statuses import MET, Member, Past, Rule, Standard, status_on
from organisations.enums import MembershipKind

HISTORY_YEARS = 5
# Each organisation's share of requirements met (in date or due soon). Boards of governors lag
# a little behind their school's staff. Organisations not named draw theirs from QUALITY_RANGE.
# Records the earlier steps made can put an organisation above its share, never below.
ORGANISATION_QUALITY = {
    orgs.ICB: 0.92,
    orgs.CAIT: 0.9,
    orgs.HOSPITAL_TRUST: 0.86,
    orgs.HOSPITAL: 0.84,
    orgs.MENTAL_HEALTH_TRUST: 0.72,
    orgs.CHILDRENS_SOCIAL_CARE: 0.7,
    orgs.MET_POLICE: 0.55,
    orgs.BARNARDOS: 0.85,
    orgs.YOUTH_CHARITY: 0.55,
    orgs.DEMO_SCHOOL: 0.8,
}
QUALITY_RANGE = (0.6, 0.9)
GOVERNOR_QUALITY_GAP = 0.03
# How far the chance moves for each row an organisation is off its share.
STEERING = 0.25
# Of the requirements met, the share drawn as due soon (expiring within the window).
DUE_SOON_SHARE = 0.08
# Of those not met, the share who never trained (missing) rather than lapsed (overdue).
MISSING_SHARE = 0.3
# Of those missing level 3, the share with some hours, not enough (their levels 1 and 2 are met).
PARTIAL_HOURS_SHARE = 0.2
# New starters inside their grace period who have already done their training.
NEW_STARTER_TRAINED_SHARE = 0.25
# The chance each earlier cycle of training is on record, going back from the latest.
EARLIER_CYCLE_SHARE = 0.8
# School staff's updates on record: the latest and up to two Septembers before.
SCHOOL_UPDATES_KEPT = 3
# Those who lapsed did so up to eighteen months ago.
OVERDUE_DAYS = (1, 540)
# A story's school update falls on the September training day unless that was longer ago.
SUMMER_TERM_DAYS = 240
# Level 3's hours are spread over at most two years after the day they started to count.
HOURS_SPREAD_DAYS = 2 * 365


def organisation_quality(slug: str, *, governors: bool) -> float:
    """The organisation's share of requirements met, for its staff or its governors."""
    quality = ORGANISATION_QUALITY.get(slug)
    if quality is None:
        quality = random.Random(f"{RANDOM_SEED}-compliance-{slug}").uniform(*QUALITY_RANGE)
    return quality - GOVERNOR_QUALITY_GAP if governors else quality


@dataclass
class Planned:
    """A record to write."""

    user_id: int
    membership_id: int | None
    activity: Activity
    completed_on: date
    title: str = ""


@dataclass(frozen=True)
class When:
    """`months` before the demo's day, then `days` later: a date in a demo account's story."""

    months: int
    days: int = 0

    def on(self, today: date) -> date:
        return months_after(today + timedelta(days=self.days), -self.months)


class HistoryPlan:
    """Records planned person by person, each status checked as the database would work it out.

    `pasts` holds the records that exist already; `planned` collects the records to write.
    """

    def __init__(
        self,
        *,
        rng: random.Random,
        today: date,
        due_soon: int,
        activities: dict[str, Activity],
        standards: dict[int, Standard],
        rules: list[Rule],
        pasts: dict[int, list[Past]] | None = None,
    ) -> None:
        self.rng = rng
        self.today = today
        self.due_soon = due_soon
        self.horizon = months_after(today, -12 * HISTORY_YEARS)
        self.activities = activities
        self.standards = standards
        self.rules = rules
        self.pasts: dict[int, list[Past]] = defaultdict(list, pasts or {})
        self.planned: list[Planned] = []
        # (organisation id, governors?) → [rows met, rows counted]
        self.counts: dict[tuple[int, bool], list[int]] = defaultdict(lambda: [0, 0])
        self._rules_for: dict[tuple[str, str, str, int | None], list[Rule]] = {}
        # A standard before those it covers, so level 3's records count before level 2's.
        self._order = {s.pk: -len(s.covers) for s in standards.values()}

    # Reading ----------------------------------------------------------------------------

    def rules_for(self, member: Member) -> list[Rule]:
        key = (member.sector, member.kind, member.governor_role, member.job_role_id)
        if key not in self._rules_for:
            self._rules_for[key] = [r for r in self.rules if r.applies_to(member)]
        return self._rules_for[key]

    def status(self, member: Member, rule: Rule) -> str:
        standard = self.standards[rule.standard_id]
        pasts = self.pasts[member.user_id]
        return status_on(pasts, standard, rule, member, on=self.today, due_soon=self.due_soon)

    def count(self, member: Member, rule: Rule) -> None:
        """Count the row towards its organisation's share (new starters are not counted)."""
        status = self.status(member, rule)
        if status == ComplianceStatus.NEW_STARTER:
            return
        counts = self.counts[self._counted_in(member)]
        counts[0] += status in MET
        counts[1] += 1

    @staticmethod
    def _counted_in(member: Member) -> tuple[int, bool]:
        return member.organisation_id, member.kind == MembershipKind.GOVERNOR

    # People -----------------------------------------------------------------------------

    def person(self, memberships: list[Member]) -> None:
        """Plan one person's records, standard by standard, and count their rows."""
        needs: dict[int, list[tuple[Member, Rule]]] = defaultdict(list)
        for member in memberships:
            for rule in self.rules_for(member):
                needs[rule.standard_id].append((member, rule))
        for standard_id in sorted(needs, key=self._order.__getitem__):
            rows = needs[standard_id]
            self._standard_plan(*rows[0])
            for member, rule in rows:
                self.count(member, rule)

    def story(self, memberships: list[Member], history: tuple[tuple[str, When], ...]) -> None:
        """A person with fixed records (a demo account's story): nothing is drawn."""
        for key, when in history:
            day = when.on(self.today)
            member = next((m for m in memberships if self._for_governors(key, m)), memberships[0])
            title = ""
            if key == SCHOOL_UPDATE:
                # On the September training day before, unless that was most of a year ago
                # (in the summer term: then at a catch-up on the day).
                september = training_day_before(day)
                day = september if (day - september).days <= SUMMER_TERM_DAYS else day
                title = school_update_title(day)
            self.add(member, key, day, title=title)
        for member in memberships:
            for rule in self.rules_for(member):
                self.count(member, rule)

    @staticmethod
    def _for_governors(key: str, member: Member) -> bool:
        return (key in GOVERNORS_TRAINING) == (member.kind == MembershipKind.GOVERNOR)

    # Planning ---------------------------------------------------------------------------

    def add(self, member: Member, key: str, day: date, *, title: str = "") -> None:
        """A record of the activity on the day; through the membership if it had started."""
        activity = self.activities[key]
        membership_id = member.membership_id if day >= member.start_date else None
        self.planned.append(Planned(member.user_id, membership_id, activity, day, title))
        meets = frozenset().union(*(self.standards[s].covers for s in activity.standard_ids))
        self.pasts[member.user_id].append(Past(day, activity.hours, meets))

    def _choose(self, slug: str) -> str:
        keys, weights = zip(*CHOICES[slug], strict=True)
        return self.rng.choices(keys, weights=weights)[0]

    def _standard_plan(self, member: Member, rule: Rule) -> None:
        status = self.status(member, rule)
        if status in MET:
            return
        standard = self.standards[rule.standard_id]
        if standard.slug not in CHOICES:
            # A standard the partnership team has added since: the demo has no training for it.
            return
        hours_rule = self._by_hours(standard)
        renewal = rule.renewal_months or standard.validity_months
        if renewal is None:
            # Needed once, never renewed: one record at some point in the five years.
            self.add(member, self._choose(standard.slug), self._day_within(HISTORY_YEARS * 365))
            return
        if status == ComplianceStatus.NEW_STARTER:
            if self.rng.random() < NEW_STARTER_TRAINED_SHARE:
                self._since_start_plan(member, standard)
            return
        target = self._target(member)
        if target == ComplianceStatus.MISSING:
            if hours_rule and self.rng.random() < PARTIAL_HOURS_SHARE:
                self.add(member, self.rng.choice(LEVEL_3_DAYS), self._day_within(3 * 365))
            return
        expires = self._expiry(target, renewal, standard)
        effective = min(months_after(expires, -renewal), self.today - timedelta(days=1))
        if hours_rule:
            # Lapsed: nothing in the last cycle, so the lower levels it meets lapsed too.
            lapsed = expires <= self.today
            self._hours_plan(
                member, effective, before=months_after(self.today, -renewal) if lapsed else None
            )
        elif standard.slug == std.SCHOOL_UPDATE:
            self._school_updates_plan(member, effective)
        else:
            self._cycles_plan(member, standard, effective, renewal)

    @staticmethod
    def _by_hours(standard: Standard) -> bool:
        """Level 3 with its hours rule, planned from several pieces of training."""
        return standard.slug == std.LEVEL_3 and standard.hours_required is not None

    def _target(self, member: Member) -> str:
        """What should be true, drawn for the organisation and steered towards its share."""
        governors = member.kind == MembershipKind.GOVERNOR
        quality = organisation_quality(member.organisation_slug, governors=governors)
        met, counted = self.counts[self._counted_in(member)]
        chance = min(0.97, max(0.03, quality + STEERING * (quality * counted - met)))
        if self.rng.random() < chance:
            if self.rng.random() < DUE_SOON_SHARE:
                return ComplianceStatus.DUE_SOON
            return ComplianceStatus.IN_DATE
        if self.rng.random() < MISSING_SHARE:
            return ComplianceStatus.MISSING
        return ComplianceStatus.OVERDUE

    def _day_within(self, days: int) -> date:
        return self.today - timedelta(days=self.rng.randint(1, days))

    def _expiry(self, target: str, renewal: int, standard: Standard) -> date:
        """When the latest training expires, for the status drawn."""
        today, rng = self.today, self.rng
        if target == ComplianceStatus.DUE_SOON:
            return today + timedelta(days=rng.randint(5, max(5, self.due_soon - 5)))
        if target == ComplianceStatus.OVERDUE:
            return today - timedelta(days=rng.randint(*OVERDUE_DAYS))
        # Level 3's hours need room after the day they started to count.
        margin = 60 if standard.hours_required is not None else 7
        latest = months_after(today - timedelta(days=margin), renewal)
        earliest = today + timedelta(days=self.due_soon + 10)
        return earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))

    def _since_start_plan(self, member: Member, standard: Standard) -> None:
        """A new starter who has trained already, in their first weeks."""
        days = (self.today - member.start_date).days
        if days < 3:
            return
        effective = member.start_date + timedelta(days=self.rng.randint(1, days // 3))
        if self._by_hours(standard):
            self._hours_plan(member, effective)
        elif standard.slug == std.SCHOOL_UPDATE:
            self.add(member, SCHOOL_UPDATE, effective, title=school_update_title(effective))
        else:
            self.add(member, self._choose(standard.slug), effective)

    def _hours_plan(self, member: Member, effective: date, *, before: date | None = None) -> None:
        """Level 3: activities from the effective day on that add up to the hours, those after
        it fewer (and before `before`, when given), and sometimes an earlier cycle."""
        first, rest = self.rng.choice(LEVEL_3_PLANS)
        room = min(((before or self.today) - effective).days - 1, HOURS_SPREAD_DAYS)
        if room >= len(rest):
            offsets = sorted(self.rng.sample(range(1, room + 1), k=len(rest)))
        else:
            first, rest, offsets = DAY, (DAY,), [max(1, room)]
        self.add(member, self._level_3(first), effective)
        for key, offset in zip(rest, offsets, strict=True):
            self.add(member, self._level_3(key), effective + timedelta(days=offset))
        earlier = months_after(effective, -36) + timedelta(days=self.rng.randint(-60, 60))
        if earlier >= self.horizon and self.rng.random() < EARLIER_CYCLE_SHARE:
            self.add(member, self.rng.choice(LEVEL_3_DAYS), earlier)

    def _level_3(self, key: str) -> str:
        return self.rng.choice(LEVEL_3_DAYS) if key == DAY else key

    def _school_updates_plan(self, member: Member, effective: date) -> None:
        """The update on the September training day when that is within a month of the date
        drawn, and the Septembers before it."""
        september = training_day_before(effective)
        near = months_after(effective, -1) <= september
        latest = september if near else effective
        days = [latest]
        year = training_day_before(latest).year
        while len(days) < SCHOOL_UPDATES_KEPT and self.rng.random() < EARLIER_CYCLE_SHARE:
            year -= 1
            # Most on the training day, a few on the next, some at a catch-up in October.
            days.append(training_day(year) + timedelta(days=self.rng.choice((0, 0, 0, 1, 35))))
        for day in days:
            if day >= self.horizon:
                self.add(member, SCHOOL_UPDATE, day, title=school_update_title(day))

    def _cycles_plan(
        self, member: Member, standard: Standard, effective: date, renewal: int
    ) -> None:
        """The latest training and the cycles before it, back to the five years' start. A DSL's
        first course is the one for those new to the role; later ones are refreshers."""
        days = [effective]
        while self.rng.random() < EARLIER_CYCLE_SHARE:
            earlier = months_after(days[-1], -renewal) + timedelta(days=self.rng.randint(-45, 30))
            if earlier < self.horizon:
                break
            days.append(earlier)
        for n, day in enumerate(reversed(days)):
            key = DSL_REFRESHER if standard.slug == std.DSL and n > 0 else None
            self.add(member, key or self._choose(standard.slug), day)
