"""The job roles of each sector, as the partnership's training requirements will name them."""

from __future__ import annotations

from dataclasses import dataclass

from demo.organisations.context import DemoSeed
from organisations.enums import MembershipKind, Sector
from organisations.models import JobRole

ANY_SECTOR = ""


@dataclass(frozen=True)
class JobRoleSpec:
    name: str
    sector: str
    description: str = ""


def _roles(sector: str, *specs: str | tuple[str, str]) -> list[JobRoleSpec]:
    return [
        JobRoleSpec(spec, sector)
        if isinstance(spec, str)
        else JobRoleSpec(spec[0], sector, description=spec[1])
        for spec in specs
    ]


JOB_ROLES: list[JobRoleSpec] = [
    *_roles(
        ANY_SECTOR,
        "Business support officer",
        ("Learning and development coordinator", "Plans and records the team's training."),
        ("Safeguarding adviser", "Advises colleagues on safeguarding concerns and referrals."),
        ("Safeguarding partnership manager", "Leads the partnership's business unit."),
        ("Partnership training officer", "Runs the partnership's multi-agency training."),
    ),
    *_roles(
        Sector.CHILDRENS_SOCIAL_CARE,
        "Service manager",
        "Team manager",
        "Senior social worker",
        "Social worker",
        "Family support worker",
        (
            "Independent reviewing officer",
            "Chairs reviews of children in care and of child protection plans.",
        ),
        (
            "Child protection conference chair",
            "Chairs initial and review child protection conferences.",
        ),
        "Quality assurance officer",
    ),
    *_roles(
        Sector.POLICE,
        "Chief inspector",
        "Detective inspector",
        "Detective sergeant",
        "Detective constable",
        "Police sergeant",
        "Police constable",
        "Police community support officer",
        ("Safer schools officer", "A police officer attached to a group of schools."),
    ),
    *_roles(
        Sector.HEALTH_TRUST,
        "Head of safeguarding children",
        ("Named nurse for safeguarding", "The trust's lead nurse for safeguarding children."),
        ("Named midwife for safeguarding", "The trust's lead midwife for safeguarding children."),
        ("Named doctor for safeguarding", "The trust's lead doctor for safeguarding children."),
        "Service manager",
        "Team leader",
        "Health visitor",
        "Community nursery nurse",
        "School nurse",
        "Midwife",
        "Paediatrician",
        "Staff nurse",
        "Consultant psychiatrist",
        "Clinical psychologist",
        "Mental health nurse",
        ("CAMHS practitioner", "Works in child and adolescent mental health services."),
    ),
    *_roles(
        Sector.INTEGRATED_CARE_BOARD,
        (
            "Designated nurse for safeguarding children",
            "Leads safeguarding children across the local health system.",
        ),
        (
            "Designated doctor for safeguarding children",
            "Gives clinical leadership on safeguarding children across the local health system.",
        ),
        ("Named GP for safeguarding", "Supports the borough's GP practices on safeguarding."),
    ),
    *_roles(
        Sector.GP_PRACTICE,
        "GP",
        "Practice nurse",
        "Practice manager",
        "Healthcare assistant",
        "Receptionist",
    ),
    *_roles(
        Sector.SCHOOL,
        "Headteacher",
        "Deputy headteacher",
        (
            "Designated safeguarding lead",
            "Takes lead responsibility for safeguarding and child protection in the school.",
        ),
        "Special educational needs coordinator",
        "School business manager",
        "Phase leader",
        "Head of year",
        "Teacher",
        "Teaching assistant",
        "Learning mentor",
        ("Clerk to governors", "Advises the governing board and keeps its records."),
    ),
    *_roles(
        Sector.VOLUNTARY,
        "Service manager",
        "Senior youth worker",
        "Youth worker",
        "Project worker",
        ("Parent advocate", "Supports parents through child protection processes."),
        "Family support worker",
        "Family support volunteer",
        "Youth work volunteer",
    ),
]

# People in these roles give their time: their membership is a volunteer's, not staff.
VOLUNTEER_ROLES = frozenset({"Family support volunteer", "Youth work volunteer"})


def membership_kind_for(job_role_name: str) -> MembershipKind:
    return MembershipKind.VOLUNTEER if job_role_name in VOLUNTEER_ROLES else MembershipKind.STAFF


def job_roles_seed(seed: DemoSeed) -> None:
    """Every job role in `JOB_ROLES`, keyed on name and sector."""
    for spec in JOB_ROLES:
        role, _ = JobRole.objects.get_or_create(
            name=spec.name, sector=spec.sector, defaults={"description": spec.description}
        )
        seed.job_roles[(spec.sector, spec.name)] = role
    seed.log(f"Job roles: {len(JOB_ROLES)}")
