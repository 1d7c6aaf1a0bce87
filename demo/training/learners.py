"""The people who may book, read once as light rows, and who each course is meant for.

The programme step books hundreds of places and the large programme tens of thousands, so the
partnership's memberships are read in one query into `Learner` rows rather than loaded as
model instances. Which job roles go on which course follows the competency framework: level 2
for everyone in contact with children or parents, level 3 for those who assess, plan and
intervene (see DOMAIN.md, "Training standards").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from demo.training import courses as c
from demo.training.courses import CourseSpec
from organisations.enums import MembershipKind
from organisations.models import Membership

LEVEL_3_ROLES = frozenset(
    {
        # Children's social care
        "Team manager",
        "Senior social worker",
        "Social worker",
        "Family support worker",
        "Independent reviewing officer",
        "Child protection conference chair",
        # Police
        "Detective sergeant",
        "Detective constable",
        "Police sergeant",
        "Police constable",
        "Safer schools officer",
        # Health
        "Health visitor",
        "Community nursery nurse",
        "School nurse",
        "Midwife",
        "Paediatrician",
        "CAMHS practitioner",
        "Clinical psychologist",
        "Mental health nurse",
        "Safeguarding adviser",
        "Named nurse for safeguarding",
        "GP",
        # Schools
        "Headteacher",
        "Designated safeguarding lead",
        "Deputy headteacher",
        "Head of year",
        "Special educational needs coordinator",
        "Learning mentor",
        # Voluntary sector
        "Senior youth worker",
        "Youth worker",
        "Parent advocate",
        "Project worker",
    }
)
LEVEL_2_ROLES = LEVEL_3_ROLES | {
    "Police community support officer",
    "Staff nurse",
    "Practice nurse",
    "Healthcare assistant",
    "Receptionist",
    "Practice manager",
    "Phase leader",
    "Teacher",
    "Teaching assistant",
    "Family support volunteer",
    "Youth work volunteer",
}
# The designated safeguarding lead and the deputies, who are usually senior leaders.
DSL_ROLES = frozenset(
    {
        "Designated safeguarding lead",
        "Deputy headteacher",
        "Headteacher",
        "Special educational needs coordinator",
    }
)
# Who sits on a school's recruitment panels.
RECRUITMENT_ROLES = frozenset(
    {"Headteacher", "Deputy headteacher", "School business manager", "Phase leader", "Head of year"}
)


@dataclass(frozen=True)
class Learner:
    """One current membership, through which its person may book."""

    membership_id: int
    user_id: int
    email: str
    organisation_id: int
    organisation_slug: str
    sector: str
    kind: str
    job_role: str
    line_manager_user_id: int | None
    start_date: date
    is_coordinator: bool
    is_clerk: bool


def learners_load(*, on: date) -> list[Learner]:
    """Every current membership of an active person, ordered by email address so that random
    choices made from the list are the same on every database."""
    rows = (
        Membership.objects.current(on)
        .filter(user__is_active=True)
        .order_by("user__email", "organisation__slug", "kind")
        .values_list(
            "pk",
            "user_id",
            "user__email",
            "organisation_id",
            "organisation__slug",
            "organisation__sector",
            "kind",
            "job_role__name",
            "line_manager__user_id",
            "start_date",
            "is_coordinator",
            "is_clerk",
        )
    )
    return [
        Learner(
            membership_id=pk,
            user_id=user_id,
            email=email,
            organisation_id=organisation_id,
            organisation_slug=slug,
            sector=sector,
            kind=kind,
            job_role=job_role or "",
            line_manager_user_id=line_manager_user_id,
            start_date=start_date,
            is_coordinator=is_coordinator,
            is_clerk=is_clerk,
        )
        for (
            pk,
            user_id,
            email,
            organisation_id,
            slug,
            sector,
            kind,
            job_role,
            line_manager_user_id,
            start_date,
            is_coordinator,
            is_clerk,
        ) in rows
    ]


def _roles(names: frozenset[str]) -> Callable[[Learner], bool]:
    return lambda learner: learner.kind != MembershipKind.GOVERNOR and learner.job_role in names


def _governor(learner: Learner) -> bool:
    return learner.kind == MembershipKind.GOVERNOR


# Who each course is meant for, beyond the course's own audience sectors.
INTENDED_FOR: dict[str, Callable[[Learner], bool]] = {
    c.WORKING_TOGETHER: _roles(LEVEL_2_ROLES),
    c.INFORMATION_SHARING: _roles(LEVEL_2_ROLES),
    c.LEVEL_1_ELEARNING: lambda learner: learner.kind != MembershipKind.GOVERNOR,
    c.NEGLECT: _roles(LEVEL_3_ROLES),
    c.DOMESTIC_ABUSE: _roles(LEVEL_3_ROLES),
    c.CP_CONFERENCES: _roles(LEVEL_3_ROLES),
    c.CONTEXTUAL_SAFEGUARDING: _roles(LEVEL_3_ROLES),
    c.CHILD_SEXUAL_ABUSE: _roles(LEVEL_3_ROLES),
    c.PRACTICE_REVIEWS: _roles(LEVEL_3_ROLES),
    c.DSL_NEW_TO_ROLE: _roles(DSL_ROLES),
    c.SAFER_RECRUITMENT: _roles(RECRUITMENT_ROLES),
    c.GOVERNORS: _governor,
}


def may_book(learner: Learner, spec: CourseSpec) -> bool:
    """Whether the course is open to the learner's sector (the rule bookings enforce)."""
    return not spec.audience_sectors or learner.sector in spec.audience_sectors


def is_intended_for(learner: Learner, spec: CourseSpec) -> bool:
    """Whether the demo would book this learner on the course: open to them, and meant for
    people in their role."""
    return may_book(learner, spec) and INTENDED_FOR[spec.slug](learner)
