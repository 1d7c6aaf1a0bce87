"""What each sector's people must hold: the partnership's training requirements, as data.

Following DOMAIN.md ("Training standards", "Governors"):

- **Health** (trusts, the integrated care board, GP practices) by the intercollegiate levels:
  level 1 for all staff, level 2 for staff in contact with children or parents, level 3 for
  practitioners who assess, plan and intervene (the named and designated professionals hold
  level 3 here; the demo has no level 4 or 5 standards).
- **Schools** by Keeping Children Safe in Education, without levels: every member of staff has
  the safeguarding induction and then an update every year; the designated safeguarding lead
  and the deputy heads (the usual deputy DSLs) renew the DSL training every two years.
- **Governors**: governor safeguarding every two years; the chair and the safeguarding link
  governor also take the course for chairs and link governors, which covers the governors' one.
  DOMAIN.md describes an extra course rather than a shorter renewal, so it is its own standard.
- **Children's social care and police** by the local pathway: level 1 for everyone, level 2 for
  most practitioners and their managers, level 3 for social workers, detectives and specialists.
- **Voluntary sector and early years**: level 1 for staff and volunteers, level 2 for those
  working with children (in early years, everyone).

The levels are layered: someone who needs level 3 also needs levels 2 and 1, which their level 3
training meets. New staff have 3 months' grace, governors 6. Every requirement applies from 1
September three years before the demo's day, when the partnership adopted its framework, so the
history before it counts and nobody already in post is still in their grace period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.models import Requirement
from demo.organisations.context import DemoSeed
from demo.training import standards as std
from organisations.enums import GovernorRole, MembershipKind, Sector
from training.models import TrainingStandard

# How long new starters have before a missing requirement counts against them.
STAFF_GRACE_MONTHS = 3
# Governors join mid-year and train at the next evening session: a longer grace.
GOVERNOR_GRACE_MONTHS = 6
# The partnership adopted its framework this many years before the demo's day (on 1 September).
ADOPTED_YEARS_AGO = 3

HEALTH_TRUST_LEVEL_3 = (
    "Head of safeguarding children",
    "Named nurse for safeguarding",
    "Named midwife for safeguarding",
    "Named doctor for safeguarding",
    "Health visitor",
    "Community nursery nurse",
    "School nurse",
    "Midwife",
    "Paediatrician",
    "Consultant psychiatrist",
    "Clinical psychologist",
    "Mental health nurse",
    "CAMHS practitioner",
    "Safeguarding adviser",
)
HEALTH_TRUST_LEVEL_2 = (*HEALTH_TRUST_LEVEL_3, "Staff nurse", "Team leader", "Service manager")
ICB_LEVEL_3 = (
    "Designated nurse for safeguarding children",
    "Designated doctor for safeguarding children",
    "Named GP for safeguarding",
    "Safeguarding adviser",
)
GP_LEVEL_3 = ("GP", "Practice nurse")
GP_LEVEL_2 = (*GP_LEVEL_3, "Practice manager", "Healthcare assistant", "Receptionist")
SOCIAL_CARE_LEVEL_3 = (
    "Team manager",
    "Senior social worker",
    "Social worker",
    "Family support worker",
    "Independent reviewing officer",
    "Child protection conference chair",
)
SOCIAL_CARE_LEVEL_2 = (
    *SOCIAL_CARE_LEVEL_3,
    "Service manager",
    "Quality assurance officer",
    "Safeguarding adviser",
    "Learning and development coordinator",
    "Partnership training officer",
    "Safeguarding partnership manager",
)
POLICE_LEVEL_3 = (
    "Detective inspector",
    "Detective sergeant",
    "Detective constable",
    "Safer schools officer",
)
POLICE_LEVEL_2 = (
    *POLICE_LEVEL_3,
    "Chief inspector",
    "Police sergeant",
    "Police constable",
    "Police community support officer",
)
VOLUNTARY_LEVEL_2 = (
    "Service manager",
    "Senior youth worker",
    "Youth worker",
    "Project worker",
    "Parent advocate",
    "Family support worker",
    "Family support volunteer",
    "Youth work volunteer",
)
# KCSIE: the DSL and their deputies; in the demo's schools the deputy heads are the deputies.
SCHOOL_DSL_ROLES = ("Designated safeguarding lead", "Deputy headteacher")


@dataclass(frozen=True)
class RequirementSpec:
    """One requirement. Blank sector, kind or role, and no job roles, match everyone."""

    name: str
    standard: str
    sector: str = ""
    membership_kind: str = ""
    governor_role: str = ""
    job_roles: tuple[str, ...] = ()
    grace_months: int = STAFF_GRACE_MONTHS
    renewal_months: int | None = None


def _levels(
    label: str,
    sector: Sector,
    *,
    level_2: tuple[str, ...] | None,
    level_3: tuple[str, ...] | None,
    level_2_for: str,
    level_3_for: str = "",
    level_1_for: str = "all staff",
) -> list[RequirementSpec]:
    """Levels 1 to 3 for one sector: level 1 for everyone, levels 2 and 3 for the job roles
    given (`()` for everyone, None for nobody)."""
    specs = [RequirementSpec(f"{label}: level 1 for {level_1_for}", std.LEVEL_1, sector)]
    if level_2 is not None:
        specs.append(
            RequirementSpec(
                f"{label}: level 2 for {level_2_for}", std.LEVEL_2, sector, job_roles=level_2
            )
        )
    if level_3 is not None:
        specs.append(
            RequirementSpec(
                f"{label}: level 3 for {level_3_for}", std.LEVEL_3, sector, job_roles=level_3
            )
        )
    return specs


REQUIREMENTS: list[RequirementSpec] = [
    *_levels(
        "Health trusts",
        Sector.HEALTH_TRUST,
        level_2=HEALTH_TRUST_LEVEL_2,
        level_3=HEALTH_TRUST_LEVEL_3,
        level_2_for="staff in contact with children or parents",
        level_3_for="practitioners",
    ),
    *_levels(
        "Integrated care board",
        Sector.INTEGRATED_CARE_BOARD,
        level_2=ICB_LEVEL_3,
        level_3=ICB_LEVEL_3,
        level_2_for="safeguarding professionals",
        level_3_for="safeguarding professionals",
    ),
    *_levels(
        "GP practices",
        Sector.GP_PRACTICE,
        level_2=GP_LEVEL_2,
        level_3=GP_LEVEL_3,
        level_2_for="staff in contact with patients",
        level_3_for="GPs and practice nurses",
    ),
    *_levels(
        "Children's social care",
        Sector.CHILDRENS_SOCIAL_CARE,
        level_2=SOCIAL_CARE_LEVEL_2,
        level_3=SOCIAL_CARE_LEVEL_3,
        level_2_for="practitioners and managers",
        level_3_for="social workers and specialists",
    ),
    *_levels(
        "Police",
        Sector.POLICE,
        level_2=POLICE_LEVEL_2,
        level_3=POLICE_LEVEL_3,
        level_2_for="officers",
        level_3_for="detectives and specialists",
    ),
    *_levels(
        "Voluntary sector",
        Sector.VOLUNTARY,
        level_2=VOLUNTARY_LEVEL_2,
        level_3=None,
        level_1_for="staff and volunteers",
        level_2_for="those working with children",
    ),
    *_levels(
        "Early years",
        Sector.EARLY_YEARS,
        level_2=(),
        level_3=None,
        level_1_for="staff and volunteers",
        level_2_for="staff and volunteers",
    ),
    RequirementSpec(
        "Schools: safeguarding induction and annual update for all staff",
        std.SCHOOL_UPDATE,
        Sector.SCHOOL,
        MembershipKind.STAFF,
    ),
    RequirementSpec(
        "Schools: designated safeguarding lead training for the DSL and deputies",
        std.DSL,
        Sector.SCHOOL,
        MembershipKind.STAFF,
        job_roles=SCHOOL_DSL_ROLES,
    ),
    RequirementSpec(
        "Governors: safeguarding training",
        std.GOVERNOR,
        membership_kind=MembershipKind.GOVERNOR,
        grace_months=GOVERNOR_GRACE_MONTHS,
    ),
    RequirementSpec(
        "Chair of governors: safeguarding for chairs and link governors",
        std.GOVERNOR_LEADERSHIP,
        membership_kind=MembershipKind.GOVERNOR,
        governor_role=GovernorRole.CHAIR,
        grace_months=GOVERNOR_GRACE_MONTHS,
    ),
    RequirementSpec(
        "Safeguarding link governor: safeguarding for chairs and link governors",
        std.GOVERNOR_LEADERSHIP,
        membership_kind=MembershipKind.GOVERNOR,
        governor_role=GovernorRole.SAFEGUARDING_LINK,
        grace_months=GOVERNOR_GRACE_MONTHS,
    ),
]


def requirements_apply_from(today: date) -> date:
    """1 September, `ADOPTED_YEARS_AGO` years before the demo's day."""
    return date(today.year - ADOPTED_YEARS_AGO, 9, 1)


def training_requirements_seed(seed: DemoSeed) -> None:
    """Each requirement, keyed on its name. An existing one keeps whatever the partnership team
    has changed since, job roles included."""
    standards = {s.slug: s for s in TrainingStandard.objects.all()}
    existing = set(Requirement.objects.values_list("name", flat=True))
    applies_from = requirements_apply_from(seed.today)
    for spec in REQUIREMENTS:
        if spec.name in existing:
            continue
        requirement = Requirement(
            name=spec.name,
            standard=standards[spec.standard],
            sector=spec.sector,
            membership_kind=spec.membership_kind,
            governor_role=spec.governor_role,
            renewal_months=spec.renewal_months,
            grace_months=spec.grace_months,
            applies_from=applies_from,
        )
        requirement.full_clean()
        requirement.save()
        requirement.job_roles.set(seed.job_role(spec.sector, name) for name in spec.job_roles)
    seed.log(f"Training requirements: {len(REQUIREMENTS)}")
