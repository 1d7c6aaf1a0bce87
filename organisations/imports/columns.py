"""The columns of an import file, for staff and volunteers or for governors.

Headers are matched after normalising (lower case, anything but letters and digits becomes
"_"), so "First name", "first_name" and "FIRST-NAME" are the same column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from organisations.enums import MembershipKind


@dataclass(frozen=True)
class Column:
    """One column: its name in our template, the other headers that mean it, and an example."""

    name: str
    label: str
    description: str
    example: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def accepted_headers(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


FIRST_NAME = Column(
    "first_name",
    "First name",
    "Their first name.",
    "Sam",
    required=True,
    aliases=("firstname", "forename", "forenames", "given_name"),
)
LAST_NAME = Column(
    "last_name",
    "Last name",
    "Their last name.",
    "Taylor",
    required=True,
    aliases=("lastname", "surname", "family_name"),
)
EMAIL = Column(
    "email",
    "Email address",
    "Their email address. Staff must use an address on one of the organisation's email domains.",
    "sam.taylor@agency.example",
    required=True,
    aliases=("e_mail", "email_address", "e_mail_address", "work_email", "work_email_address"),
)
START_DATE = Column(
    "start_date",
    "Start date",
    "The day they started, for example 25/11/2026. Leave it blank for today.",
    "01/09/2026",
    aliases=("start", "started", "date_started", "appointed", "date_appointed"),
)
JOB_ROLE = Column(
    "job_role",
    "Job role",
    "Their job role, exactly as it appears in the list of job roles. It can be left blank.",
    "Social worker",
    aliases=("role", "job_title", "job"),
)
LINE_MANAGER_EMAIL = Column(
    "line_manager_email",
    "Line manager",
    "Their line manager's email address. The manager must already be a member of staff here, "
    "or be in the same file. It can be left blank.",
    "alex.morgan@agency.example",
    aliases=("line_manager", "manager", "manager_email", "line_manager_email_address"),
)
CATEGORY = Column(
    "category",
    "Category",
    "Parent, staff, local authority, foundation, co-opted or partner.",
    "Parent",
    required=True,
    aliases=("governor_category", "type", "governor_type", "category_of_governor"),
)
GOVERNOR_ROLE = Column(
    "role",
    "Role on the board",
    "Chair, vice-chair or safeguarding link governor. Leave it blank for other governors.",
    "Safeguarding link governor",
    aliases=("governor_role", "position"),
)
TERM_END = Column(
    "term_end",
    "Term of office ends",
    "The day their term of office ends, for example 31/08/2030. It can be left blank.",
    "31/08/2030",
    aliases=("term_ends", "term_end_date", "end_of_term", "term_of_office_ends"),
)

STAFF_COLUMNS = (FIRST_NAME, LAST_NAME, EMAIL, JOB_ROLE, LINE_MANAGER_EMAIL, START_DATE)
GOVERNOR_COLUMNS = (FIRST_NAME, LAST_NAME, EMAIL, CATEGORY, GOVERNOR_ROLE, TERM_END, START_DATE)


def columns_for(kind: str) -> tuple[Column, ...]:
    """Staff and volunteers share one layout; governors have their own."""
    return GOVERNOR_COLUMNS if kind == MembershipKind.GOVERNOR else STAFF_COLUMNS


def normalise_header(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")


def header_lookup(kind: str) -> dict[str, str]:
    """Every accepted (normalised) header for this kind, mapped to its column name."""
    return {
        spelling: column.name
        for column in columns_for(kind)
        for spelling in column.accepted_headers
    }
