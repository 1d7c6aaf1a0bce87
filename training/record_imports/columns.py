"""The columns of a file of historic completions.

Headers are matched after normalising (lower case, anything but letters and digits becomes
"_"), as in the people import, so "Completed on", "completed_on" and "COMPLETED-ON" are the same
column, and the usual other names people give a column are accepted too.
"""

from __future__ import annotations

from organisations.imports.columns import Column, normalise_header

EMAIL = Column(
    "email",
    "Email address",
    "The person's email address, as it is on their account. They must be a current member of "
    "the organisation whose training records you look after.",
    "sam.taylor@agency.example",
    required=True,
    aliases=("e_mail", "email_address", "e_mail_address", "work_email", "work_email_address"),
)
TITLE = Column(
    "title",
    "Course or activity",
    "The name of the course or activity.",
    "Working together to safeguard children",
    required=True,
    aliases=(
        "course",
        "course_title",
        "course_name",
        "activity",
        "activity_title",
        "course_or_activity",
        "course_or_activity_title",
        "training",
        "training_title",
        "name_of_course",
    ),
)
STANDARD = Column(
    "standard",
    "Standard",
    "The training standard it meets, by name or short name. Separate more than one with a "
    "semicolon (;).",
    "Safeguarding children level 2",
    required=True,
    aliases=("standards", "training_standard", "training_standards"),
)
COMPLETED_ON = Column(
    "completed_on",
    "Completed on",
    "The day it was completed, like 31/01/2024 or 2024-01-31. It cannot be in the future or "
    "before 1990.",
    "31/01/2024",
    required=True,
    aliases=("completed", "date_completed", "completion_date", "date_of_completion", "date"),
)
CPD_HOURS = Column(
    "cpd_hours",
    "CPD hours",
    "How many hours of continuing professional development it counts for, from 0 to 100, "
    "like 3 or 1.5.",
    "3",
    required=True,
    aliases=("cpd", "hours", "cpd_hour", "duration_hours"),
)
PROVIDER = Column(
    "provider",
    "Provider",
    "Who ran it. It can be left blank.",
    "Lewisham Safeguarding Children Partnership",
    aliases=("training_provider", "provided_by", "delivered_by", "organiser"),
)

RECORD_COLUMNS = (EMAIL, TITLE, STANDARD, COMPLETED_ON, CPD_HOURS, PROVIDER)


def header_lookup() -> dict[str, str]:
    """Every accepted (normalised) header, mapped to its column name."""
    return {
        normalise_header(spelling): column.name
        for column in RECORD_COLUMNS
        for spelling in column.accepted_headers
    }
