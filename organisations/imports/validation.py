"""Checking every row of an import against the organisation, and planning what each becomes.

Everything the checks need is fetched up front with a fixed number of queries (a few per 500
rows), so checking 5,000 rows costs about the same as checking five. Every problem is a whole
sentence that names the row as the person sees it in their spreadsheet.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Invitation, User
from organisations.enums import MEMBER_PHRASES, GovernorCategory, GovernorRole, MembershipKind
from organisations.imports.columns import normalise_header
from organisations.imports.dates import date_parse
from organisations.imports.parsing import ROW_NUMBER, VALUES, words_list
from organisations.models import Membership, Organisation
from organisations.selectors import job_roles_for

# Lookups by email go out in chunks so no query carries more parameters than a database allows.
LOOKUP_CHUNK = 500
NAME_MAX_LENGTH = 150  # as on accounts.User
EMAIL_MAX_LENGTH = 254  # as on accounts.User

OUTCOME_ADD = "add"
OUTCOME_INVITE = "invite"

T = TypeVar("T")


@dataclass
class RowPlan:
    """What one good row becomes: an invitation (people with an account accept it by signing
    in). `user_id` stays unset: nobody is added to an organisation without agreeing."""

    row: int
    email: str
    first_name: str
    last_name: str
    start_date: date
    user_id: int | None = None
    job_role_id: int | None = None
    line_manager_id: int | None = None
    # A manager who is in the same file: linked once their membership exists.
    line_manager_email: str = ""
    governor_category: str = ""
    governor_role: str = ""
    term_end: date | None = None

    @property
    def outcome(self) -> str:
        return OUTCOME_ADD if self.user_id else OUTCOME_INVITE


@dataclass
class ValidationResult:
    plans: list[RowPlan]
    problems: list[dict[str, object]] = field(default_factory=list)
    notes: list[dict[str, object]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def add_count(self) -> int:
        return sum(plan.outcome == OUTCOME_ADD for plan in self.plans)

    @property
    def invite_count(self) -> int:
        return sum(plan.outcome == OUTCOME_INVITE for plan in self.plans)

    def outcomes(self) -> dict[int, str]:
        return {plan.row: plan.outcome for plan in self.plans}


@dataclass
class _Known:
    """What the database already holds about the people in the file."""

    users: dict[str, tuple[int, bool]]  # email -> (user id, is active)
    members: set[str]  # emails with an open membership of this kind here
    invited: set[str]  # emails with an open invitation of this kind here
    managers: dict[str, int]  # email -> current staff membership id here
    job_roles: dict[str, tuple[int, str]]  # case-folded name -> (id, name)
    domains: list[str]


def email_normalise(value: str) -> str:
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    return value.strip().lower()


def email_is_valid(email: str) -> bool:
    if len(email) > EMAIL_MAX_LENGTH:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1]


def _chunks(items: Iterable[T], size: int = LOOKUP_CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _known_fetch(
    *, organisation: Organisation, kind: str, emails: set[str], manager_emails: set[str], on: date
) -> _Known:
    # Addresses are compared in lower case on both sides, as the unique indexes on users and
    # invitations compare them, whatever case an older row was saved in.
    users: dict[str, tuple[int, bool]] = {}
    members: set[str] = set()
    invited: set[str] = set()
    managers: dict[str, int] = {}
    all_users = User.objects.annotate(address=Lower("email"))
    open_memberships = (
        Membership.objects.filter(organisation=organisation, kind=kind)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .annotate(address=Lower("user__email"))
    )
    open_invitations = Invitation.objects.filter(
        organisation=organisation, kind=kind, accepted_at__isnull=True, revoked_at__isnull=True
    ).annotate(address=Lower("email"))
    for chunk in _chunks(sorted(emails)):
        users.update(
            (address, (pk, active))
            for address, pk, active in all_users.filter(address__in=chunk).values_list(
                "address", "pk", "is_active"
            )
        )
        members.update(open_memberships.filter(address__in=chunk).values_list("address", flat=True))
        invited.update(open_invitations.filter(address__in=chunk).values_list("address", flat=True))
    current_staff = (
        Membership.objects.current(on)
        .staff()
        .filter(organisation=organisation)
        .annotate(address=Lower("user__email"))
    )
    for chunk in _chunks(sorted(manager_emails)):
        managers.update(current_staff.filter(address__in=chunk).values_list("address", "pk"))
    job_roles = {
        name.casefold(): (pk, name)
        for pk, name in job_roles_for(organisation=organisation).values_list("pk", "name")
    }
    domains = list(organisation.email_domains.values_list("domain", flat=True))
    return _Known(users, members, invited, managers, job_roles, domains)


def _choice_lookup(
    choices: Iterable[tuple[str, str]], extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Every spelling of a choice we accept ("Co-opted", "co_opted", "Co-opted governor")."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        for spelling in (value, label, label.removesuffix(" governor")):
            lookup[normalise_header(spelling)] = value
    lookup.update(extra or {})
    return lookup


CATEGORY_LOOKUP = _choice_lookup(GovernorCategory.choices, {"la": GovernorCategory.LOCAL_AUTHORITY})
ROLE_LOOKUP = _choice_lookup(
    GovernorRole.choices,
    {
        "chair_of_governors": GovernorRole.CHAIR,
        "vice_chair_of_governors": GovernorRole.VICE_CHAIR,
        "safeguarding_governor": GovernorRole.SAFEGUARDING_LINK,
    },
)
CATEGORY_WORDS = words_list(
    [label.removesuffix(" governor").lower() for _, label in GovernorCategory.choices], "or"
)
ROLE_WORDS = words_list([label.lower() for _, label in GovernorRole.choices], "or")


def rows_validate(
    *,
    organisation: Organisation,
    kind: str,
    rows: list[dict[str, object]],
    on: date | None = None,
) -> ValidationResult:
    """Check every row and plan the good ones. Nothing is written."""
    on = on or timezone.localdate()
    values_by_row = [_row_read(raw) for raw in rows]
    emails = {email_normalise(values.get("email", "")) for _, values in values_by_row}
    emails.discard("")
    manager_emails = {
        email_normalise(values.get("line_manager_email", "")) for _, values in values_by_row
    }
    manager_emails.discard("")
    known = _known_fetch(
        organisation=organisation, kind=kind, emails=emails, manager_emails=manager_emails, on=on
    )
    # First row of each email address in the file, for duplicates and same-file managers.
    first_row_of: dict[str, int] = {}
    for number, values in values_by_row:
        first_row_of.setdefault(email_normalise(values.get("email", "")), number)

    checker = _RowChecker(organisation=organisation, kind=kind, known=known, on=on)
    result = ValidationResult(plans=[])
    for number, values in values_by_row:
        plan, problems, notes = checker.check(number, values, first_row_of)
        result.problems += [{"row": number, "message": message} for message in problems]
        result.notes += [{"row": number, "message": message} for message in notes]
        if plan is not None and not problems:
            result.plans.append(plan)
    return result


def _row_read(raw: dict[str, object]) -> tuple[int, dict[str, str]]:
    """A stored row: its spreadsheet number and its cells as text."""
    number, values = raw[ROW_NUMBER], raw[VALUES]
    if not isinstance(number, int) or not isinstance(values, dict):
        raise TypeError("An import row must have a row number and a dictionary of values.")
    return number, {str(key): str(value or "").strip() for key, value in values.items()}


@dataclass
class _RowChecker:
    organisation: Organisation
    kind: str
    known: _Known
    on: date

    def check(
        self, row: int, values: dict[str, str], first_row_of: dict[str, int]
    ) -> tuple[RowPlan | None, list[str], list[str]]:
        """The plan for one row, its problems and its notes."""
        problems: list[str] = []
        notes: list[str] = []
        first_name = values.get("first_name", "")
        last_name = values.get("last_name", "")
        for label, name in (("first name", first_name), ("last name", last_name)):
            if not name:
                problems.append(f"Row {row} has no {label}.")
            elif len(name) > NAME_MAX_LENGTH:
                problems.append(
                    f"Row {row}: the {label} is longer than {NAME_MAX_LENGTH} characters."
                )
        email = email_normalise(values.get("email", ""))
        if self._email_check(row, email, first_row_of, problems) is not None:
            # Joining changes what they see and whose requirements they count towards, so
            # someone with an account is invited like everyone else and must accept.
            notes.append(
                f"Row {row}: {email} already has an account, so they will be asked to sign in "
                f"and accept. They join {self.organisation} when they do."
            )

        start_date = self._date_read(row, values.get("start_date", ""), "start date", problems)
        plan = RowPlan(
            row=row,
            email=email,
            first_name=first_name,
            last_name=last_name,
            start_date=start_date or self.on,
        )
        if self.kind == MembershipKind.GOVERNOR:
            self._governor_check(row, values, plan, problems, started=start_date)
        else:
            self._job_role_check(row, values.get("job_role", ""), plan, problems)
            self._line_manager_check(
                row, values.get("line_manager_email", ""), plan, first_row_of, problems, notes
            )
        return plan, problems, notes

    def _email_check(
        self, row: int, email: str, first_row_of: dict[str, int], problems: list[str]
    ) -> int | None:
        if not email:
            problems.append(f"Row {row} has no email address.")
            return None
        if not email_is_valid(email):
            problems.append(f"Row {row}: “{email}” is not a valid email address.")
            return None
        first = first_row_of[email]
        if first != row:
            problems.append(
                f"Row {row} has the same email address as row {first} ({email}). "
                "Each person can only be in the file once."
            )
        member = MEMBER_PHRASES[MembershipKind(self.kind)]
        if email in self.known.members:
            problems.append(f"Row {row}: {email} is already {member} at {self.organisation}.")
        elif email in self.known.invited:
            problems.append(
                f"Row {row}: {email} has already been invited to join {self.organisation} as "
                f"{member}. Send the invitation again from the invitations page instead."
            )
        domains = self.known.domains
        if self.kind == MembershipKind.STAFF and domains and email_domain(email) not in domains:
            endings = " or ".join(f"@{domain}" for domain in sorted(domains))
            problems.append(
                f"Row {row}: {email} is not a work email address for {self.organisation}. "
                f"Staff must use an address ending {endings}."
            )
        user = self.known.users.get(email)
        if user is None:
            return None
        user_id, is_active = user
        if not is_active:
            problems.append(
                f"Row {row}: the account for {email} has been switched off. Ask the partnership "
                "team to switch it back on, or take this row out."
            )
        return user_id

    def _date_read(self, row: int, text: str, label: str, problems: list[str]) -> date | None:
        if not text:
            return None
        parsed = date_parse(text)
        if parsed is None:
            problems.append(
                f"Row {row}: the {label} “{text}” is not a date we can read. "
                "Write it like 25/11/2026."
            )
        return parsed

    def _job_role_check(self, row: int, text: str, plan: RowPlan, problems: list[str]) -> None:
        if not text:
            return
        found = self.known.job_roles.get(" ".join(text.split()).casefold())
        if found is not None:
            plan.job_role_id = found[0]
            return
        message = (
            f"Row {row}: “{text}” is not a job role we know. It must match a job role in the "
            "list on the upload page."
        )
        close = difflib.get_close_matches(text.casefold(), self.known.job_roles, n=1, cutoff=0.75)
        if close:
            message += f" Did you mean “{self.known.job_roles[close[0]][1]}”?"
        problems.append(message)

    def _line_manager_check(
        self,
        row: int,
        text: str,
        plan: RowPlan,
        first_row_of: dict[str, int],
        problems: list[str],
        notes: list[str],
    ) -> None:
        manager_email = email_normalise(text)
        if not manager_email:
            return
        if manager_email == plan.email:
            problems.append(f"Row {row}: a person cannot be their own line manager.")
            return
        if manager_email in self.known.managers:
            plan.line_manager_id = self.known.managers[manager_email]
            return
        manager_row = first_row_of.get(manager_email)
        if self.kind == MembershipKind.STAFF and manager_row is not None:
            # Everyone in the file is invited (people with an account too), so nobody in it
            # is a member yet.
            notes.append(
                f"Row {row}: their line manager (row {manager_row}) is being invited in this "
                "file, so they cannot be linked yet. Set the line manager on this person's "
                "page once both have joined."
            )
            return
        where = " or in this file" if self.kind == MembershipKind.STAFF else ""
        problems.append(
            f"Row {row}: the line manager {manager_email} is not a current member of staff at "
            f"{self.organisation}{where}."
        )

    def _governor_check(
        self,
        row: int,
        values: dict[str, str],
        plan: RowPlan,
        problems: list[str],
        *,
        started: date | None,
    ) -> None:
        category = values.get("category", "")
        if not category:
            problems.append(f"Row {row} has no governor category. Use {CATEGORY_WORDS}.")
        elif (value := CATEGORY_LOOKUP.get(normalise_header(category))) is None:
            problems.append(
                f"Row {row}: “{category}” is not a governor category. Use {CATEGORY_WORDS}."
            )
        else:
            plan.governor_category = value
        role = values.get("role", "")
        if role:
            if (value := ROLE_LOOKUP.get(normalise_header(role))) is None:
                problems.append(
                    f"Row {row}: “{role}” is not a governor role. Use {ROLE_WORDS}, or leave it "
                    "blank."
                )
            else:
                plan.governor_role = value
        term_end = self._date_read(row, values.get("term_end", ""), "term end date", problems)
        plan.term_end = term_end
        if term_end is None or term_end >= plan.start_date:
            return
        ends = date_format(term_end, "j F Y")
        if started is None:
            problems.append(
                f"Row {row}: the term of office ends ({ends}) before today, when this governor "
                "would start. Check the term end date, or add a start date."
            )
        else:
            starts = date_format(started, "j F Y")
            problems.append(
                f"Row {row}: the term of office ends ({ends}) before the start date ({starts})."
            )
