"""Checking every row of a file of completions, and planning the record each one becomes.

Everything the checks need is fetched up front with a fixed number of queries (four for each
500 people in the file), so checking 5,000 rows costs about the same as checking five:

- the importer's view of the organisation's memberships for the addresses in the file (with
  whether the importer may manage each one: `organisations.permissions`);
- the training standards;
- the records those people already hold, with their standards, so a row that is already on
  someone's record is reported rather than added twice.

Every problem is a whole sentence that names the row as the person sees it in their
spreadsheet, and every problem of every row is listed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from organisations.enums import MEMBER_PHRASES, MembershipKind
from organisations.imports.parsing import ROW_NUMBER, VALUES
from organisations.imports.validation import email_is_valid, email_normalise
from organisations.models import Organisation
from organisations.permissions import memberships_manageable_by, memberships_visible_to
from training.models import TrainingRecord, TrainingStandard
from training.record_imports.values import ValueProblem, completion_date_read, cpd_hours_read
from training.services.records import record_expiry

if TYPE_CHECKING:
    from organisations.permissions import Viewer

# Lookups by address or person go out in chunks so no query carries more parameters than a
# database allows (SQLite's limit is 999 on older builds).
LOOKUP_CHUNK = 500
TITLE_MAX_LENGTH = 200  # as on TrainingRecord.title
PROVIDER_MAX_LENGTH = 200  # as on ExternalEvidence.provider
STANDARD_SEPARATOR = ";"

OUTCOME_ADD = "add"

# When someone holds more than one current membership here that the importer manages (staff and
# a governor of the same school), the record goes on the first of these.
KIND_PREFERENCE = (MembershipKind.STAFF, MembershipKind.VOLUNTEER, MembershipKind.GOVERNOR)

# Who looks after the training records of each kind of member, for the "not yours" message.
KEEPERS = {
    MembershipKind.STAFF: "the training coordinator",
    MembershipKind.VOLUNTEER: "the training coordinator",
    MembershipKind.GOVERNOR: "the clerk to governors",
}

T = TypeVar("T")
# A person's piece of training as compared with others: user, title, date, standards.
RecordKey = tuple[int, str, date, tuple[int, ...]]


@dataclass
class RowPlan:
    """The training record one good row becomes."""

    row: int
    membership_id: int
    user_id: int
    title: str
    standard_ids: tuple[int, ...]
    completed_on: date
    cpd_hours: Decimal
    provider: str
    expires_on: date | None

    @property
    def key(self) -> RecordKey:
        return (self.user_id, title_key(self.title), self.completed_on, self.standard_ids)


@dataclass
class ValidationResult:
    plans: list[RowPlan]
    problems: list[dict[str, object]] = field(default_factory=list)
    # The name of the person each row was matched to, for the preview.
    people: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def outcomes(self) -> dict[int, str]:
        return {plan.row: OUTCOME_ADD for plan in self.plans}


@dataclass(frozen=True)
class _Member:
    """One of the organisation's memberships, as the importer sees it."""

    membership_id: int
    user_id: int
    kind: str
    name: str
    start_date: date
    end_date: date | None
    manageable: bool

    def is_current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    @property
    def preference(self) -> tuple[int, date, int]:
        return (
            KIND_PREFERENCE.index(MembershipKind(self.kind)),
            self.start_date,
            self.membership_id,
        )


@dataclass(frozen=True)
class _Standard:
    pk: int
    name: str
    validity_months: int | None


@dataclass
class _Known:
    """What the database already holds about the people and standards in the file."""

    members: dict[str, list[_Member]]  # address -> memberships here the importer may see
    standards: dict[str, _Standard]  # case-folded name and slug -> standard


def title_key(title: str) -> str:
    """A title as compared: spaces collapsed, case ignored."""
    return " ".join(title.split()).casefold()


def chunks(items: Iterable[T], size: int = LOOKUP_CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def rows_validate(
    *,
    organisation: Organisation,
    importer: Viewer,
    rows: list[dict[str, object]],
    on: date | None = None,
) -> ValidationResult:
    """Check every row and plan the good ones. Nothing is written.

    `importer` is whoever uploads or confirms the file: a row's person must be a current
    member of `organisation` whose membership they may manage.
    """
    on = on or timezone.localdate()
    values_by_row = [_row_read(raw) for raw in rows]
    emails = {email_normalise(values.get("email", "")) for _, values in values_by_row}
    emails.discard("")
    members = _members_fetch(organisation=organisation, importer=importer, emails=emails)
    known = _Known(members=members, standards=_standards_fetch())

    checker = _RowChecker(organisation=organisation, known=known, on=on)
    checked = [checker.check(number, values) for number, values in values_by_row]
    # Every row whose person, title, standards and date could be read is compared, even one
    # with another problem (a provider too long), so fixing that does not reveal a new one.
    existing = _existing_fetch([plan for plan, _ in checked if plan is not None])

    result = ValidationResult(plans=[], people=checker.people)
    first_row_of: dict[RecordKey, int] = {}
    for (number, values), (plan, problems) in zip(values_by_row, checked, strict=True):
        if plan is not None:
            first = first_row_of.setdefault(plan.key, number)
            if first != number:
                problems.append(
                    f"Row {number} repeats row {first}: the same person, course, date and "
                    "standards. Take one of them out."
                )
            elif plan.key in existing:
                problems.append(
                    f"Row {number}: {email_normalise(values['email'])} already has this "
                    f"training on their record (“{plan.title}” with the same standards, "
                    f"completed on {date_format(plan.completed_on, 'j F Y')}), so it would be "
                    "counted twice. Take this row out."
                )
        result.problems += [{"row": number, "message": message} for message in problems]
        if plan is not None and not problems:
            result.plans.append(plan)
    return result


def _row_read(raw: dict[str, object]) -> tuple[int, dict[str, str]]:
    """A stored row: its spreadsheet number and its cells as text."""
    number, values = raw[ROW_NUMBER], raw[VALUES]
    if not isinstance(number, int) or not isinstance(values, dict):
        raise TypeError("An import row must have a row number and a dictionary of values.")
    return number, {str(key): " ".join(str(value or "").split()) for key, value in values.items()}


def _members_fetch(
    *, organisation: Organisation, importer: Viewer, emails: set[str]
) -> dict[str, list[_Member]]:
    # Only memberships the importer may already see are looked at, so a message never tells
    # them about someone they could not otherwise find. Addresses are compared in lower case on
    # both sides, whatever case an older account was saved in.
    manageable = memberships_manageable_by(importer).filter(pk=OuterRef("pk"))
    visible = (
        memberships_visible_to(importer)
        .filter(organisation=organisation)
        .annotate(address=Lower("user__email"), manageable=Exists(manageable))
        .order_by()
    )
    members: dict[str, list[_Member]] = {}
    for chunk in chunks(sorted(emails)):
        found = visible.filter(address__in=chunk).values_list(
            "address",
            "pk",
            "user_id",
            "kind",
            "user__first_name",
            "user__last_name",
            "start_date",
            "end_date",
            "manageable",
        )
        for address, pk, user_id, kind, first, last, start, end, may_manage in found:
            name = f"{first} {last}".strip()
            members.setdefault(address, []).append(
                _Member(pk, user_id, kind, name, start, end, may_manage)
            )
    return members


def _standards_fetch() -> dict[str, _Standard]:
    """Every standard by its name and its short name (slug), case ignored."""
    standards: dict[str, _Standard] = {}
    for pk, name, slug, months in TrainingStandard.objects.values_list(
        "pk", "name", "slug", "validity_months"
    ):
        standard = _Standard(pk, name, months)
        standards[slug.casefold()] = standard
        standards[title_key(name)] = standard
    return standards


def _existing_fetch(plans: list[RowPlan]) -> set[RecordKey]:
    """The training the file's people already have, on the dates the file covers."""
    if not plans:
        return set()
    earliest = min(plan.completed_on for plan in plans)
    latest = max(plan.completed_on for plan in plans)
    through = TrainingRecord.standards.through
    existing: set[RecordKey] = set()
    for chunk in chunks(sorted({plan.user_id for plan in plans})):
        records = TrainingRecord.objects.filter(
            user_id__in=chunk, completed_on__range=(earliest, latest)
        ).order_by()
        standards: dict[int, list[int]] = {}
        for record_id, standard_id in through.objects.filter(
            trainingrecord__in=records
        ).values_list("trainingrecord_id", "trainingstandard_id"):
            standards.setdefault(record_id, []).append(standard_id)
        for pk, user_id, title, completed_on in records.values_list(
            "pk", "user_id", "title", "completed_on"
        ):
            key = tuple(sorted(standards.get(pk, ())))
            existing.add((user_id, title_key(title), completed_on, key))
    return existing


@dataclass
class _RowChecker:
    organisation: Organisation
    known: _Known
    on: date
    people: dict[int, str] = field(default_factory=dict)

    def check(self, row: int, values: dict[str, str]) -> tuple[RowPlan | None, list[str]]:
        """The plan for one row (None when a value could not be read) and its problems."""
        problems: list[str] = []
        member = self._member_check(row, values.get("email", ""), problems)
        title = values.get("title", "")
        if not title:
            problems.append(f"Row {row} has no course or activity title.")
        elif len(title) > TITLE_MAX_LENGTH:
            problems.append(
                f"Row {row}: the course or activity title is longer than {TITLE_MAX_LENGTH} "
                "characters."
            )
        standards = self._standards_check(row, values.get("standard", ""), problems)
        completed_on = self._read(
            problems,
            lambda: completion_date_read(values.get("completed_on", ""), row=row, today=self.on),
        )
        cpd_hours = self._read(
            problems, lambda: cpd_hours_read(values.get("cpd_hours", ""), row=row)
        )
        provider = values.get("provider", "")
        if len(provider) > PROVIDER_MAX_LENGTH:
            problems.append(
                f"Row {row}: the provider is longer than {PROVIDER_MAX_LENGTH} characters."
            )
        if (
            not title
            or member is None
            or standards is None
            or completed_on is None
            or cpd_hours is None
        ):
            return None, problems
        plan = RowPlan(
            row=row,
            membership_id=member.membership_id,
            user_id=member.user_id,
            title=title,
            standard_ids=tuple(sorted(s.pk for s in standards)),
            completed_on=completed_on,
            cpd_hours=cpd_hours,
            provider=provider,
            # The one expiry rule, as when a session is attended (training.services.records).
            expires_on=record_expiry(completed_on=completed_on, standards=standards),
        )
        return plan, problems

    @staticmethod
    def _read(problems: list[str], read: Callable[[], T]) -> T | None:
        try:
            return read()
        except ValueProblem as problem:
            problems.append(problem.message)
            return None

    def _member_check(self, row: int, text: str, problems: list[str]) -> _Member | None:
        email = email_normalise(text)
        if not email:
            problems.append(f"Row {row} has no email address.")
            return None
        if not email_is_valid(email):
            problems.append(f"Row {row}: “{email}” is not a valid email address.")
            return None
        organisation = self.organisation
        members = self.known.members.get(email, [])
        current = [m for m in members if m.is_current(self.on)]
        mine = sorted((m for m in current if m.manageable), key=lambda m: m.preference)
        if mine:
            self.people[row] = mine[0].name
            return mine[0]
        if current:
            kind = MembershipKind(current[0].kind)
            problems.append(
                f"Row {row}: {email} is {MEMBER_PHRASES[kind]} at {organisation}, whose training "
                f"records are kept by {KEEPERS[kind]}. Take this row out, or ask "
                f"{KEEPERS[kind]} to import it."
            )
        elif starting := [m for m in members if m.start_date > self.on]:
            starts = date_format(min(m.start_date for m in starting), "j F Y")
            problems.append(
                f"Row {row}: {email} does not start at {organisation} until {starts}. Import "
                "their training once they have started."
            )
        elif ended := [m.end_date for m in members if m.end_date is not None]:
            left = date_format(max(ended), "j F Y")
            problems.append(
                f"Row {row}: {email} left {organisation} on {left}, so their training cannot "
                "be imported here."
            )
        else:
            problems.append(
                f"Row {row}: we cannot find {email} among the people at {organisation} whose "
                f"training you look after. Check the address, or add them to {organisation} "
                "first."
            )
        return None

    def _standards_check(self, row: int, text: str, problems: list[str]) -> list[_Standard] | None:
        names = [name.strip() for name in text.split(STANDARD_SEPARATOR)]
        names = [name for name in names if name]
        if not names:
            problems.append(
                f"Row {row} has no standard. Give the standard the training meets, from the "
                "list on the upload page."
            )
            return None
        found: dict[int, _Standard] = {}
        unknown = False
        for name in names:
            standard = self.known.standards.get(title_key(name))
            if standard is not None:
                found[standard.pk] = standard
                continue
            unknown = True
            message = (
                f"Row {row}: “{name}” is not a training standard we know. Use a name from the "
                "list on the upload page."
            )
            close = difflib.get_close_matches(title_key(name), self.known.standards, n=1)
            if close:
                message += f" Did you mean “{self.known.standards[close[0]].name}”?"
            problems.append(message)
        return None if unknown else list(found.values())
