"""Each organisation's teams, who leads them, and how many people it employs in each role.

A `Workforce` lists the teams whose people are seeded and the organisation's real headcount per
job role, which is always larger: the demo holds a sample of each organisation, and coverage
figures divide trained people by headcount.

Teams are a line-management structure inside one organisation, not organisations of their own:
a team manager is the line manager of the team, and the organisation's head manages the team
managers. Children's Social Care's four teams (Referral and Assessment, Family Support and
Intervention, Child Protection, Quality Assurance) are built this way, so its coordinator sees
every social worker and each team manager sees their own team, as the permission rules
expect. The team's name is not stored (the models have no team yet); it only groups the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from organisations.enums import MembershipKind
from organisations.models import Membership, WorkforceHeadcount


@dataclass(frozen=True)
class Team:
    """A team: its manager's job role (None when it reports to the head) and its members."""

    name: str
    members: dict[str, int]
    manager: str | None = None


@dataclass(frozen=True)
class Workforce:
    """Who works in an organisation, as seeded, and how many it employs.

    `coordinator` is the job role of the person flagged as the organisation's training
    coordinator, `safeguarding_lead` the role whose holder is named as the safeguarding contact
    when the organisation has no team mailbox, and `web_editor` the role of its web editor.
    People added in bulk (`seed_demo --people`) report to new people in `manager_roles[0]`.
    """

    head: str
    teams: tuple[Team, ...]
    headcounts: dict[str, int]
    coordinator: str
    safeguarding_lead: str | None = None
    web_editor: str | None = None
    manager_roles: tuple[str, ...] = ()


CHILDRENS_SOCIAL_CARE = Workforce(
    head="Service manager",
    teams=(
        Team(
            "Referral and Assessment",
            {
                "Senior social worker": 2,
                "Social worker": 7,
                "Family support worker": 1,
                "Business support officer": 1,
            },
            manager="Team manager",
        ),
        Team(
            "Family Support and Intervention",
            {"Senior social worker": 1, "Social worker": 5, "Family support worker": 5},
            manager="Team manager",
        ),
        Team(
            "Child Protection",
            {"Senior social worker": 2, "Social worker": 7, "Family support worker": 1},
            manager="Team manager",
        ),
        Team(
            "Quality Assurance",
            {
                "Independent reviewing officer": 4,
                "Child protection conference chair": 3,
                "Quality assurance officer": 1,
            },
            manager="Team manager",
        ),
        Team("Workforce development", {"Business support officer": 1}),
        Team(
            "Safeguarding partnership business unit",
            {"Business support officer": 1},
            manager="Safeguarding partnership manager",
        ),
    ),
    headcounts={
        "Service manager": 6,
        "Team manager": 22,
        "Senior social worker": 45,
        "Social worker": 180,
        "Family support worker": 60,
        "Independent reviewing officer": 16,
        "Child protection conference chair": 8,
        "Quality assurance officer": 8,
        "Business support officer": 55,
        "Learning and development coordinator": 3,
        "Safeguarding partnership manager": 1,
        "Partnership training officer": 3,
    },
    coordinator="Learning and development coordinator",
    web_editor="Quality assurance officer",
    manager_roles=("Team manager",),
)

MET_POLICE = Workforce(
    head="Chief inspector",
    teams=(
        Team(
            "Neighbourhood policing",
            {"Police constable": 6, "Police community support officer": 3},
            manager="Police sergeant",
        ),
        Team("Emergency response", {"Police constable": 8}, manager="Police sergeant"),
        Team("Safer schools", {"Safer schools officer": 4}, manager="Police sergeant"),
        Team(
            "Police MASH team",
            {"Detective constable": 3, "Business support officer": 1},
            manager="Detective sergeant",
        ),
    ),
    headcounts={
        "Chief inspector": 5,
        "Police sergeant": 95,
        "Police constable": 620,
        "Police community support officer": 70,
        "Safer schools officer": 20,
        "Detective sergeant": 30,
        "Detective constable": 110,
        "Business support officer": 60,
    },
    coordinator="Detective sergeant",
    web_editor="Business support officer",
    manager_roles=("Police sergeant", "Detective sergeant"),
)

CAIT = Workforce(
    head="Detective inspector",
    teams=(
        Team("Investigation team 1", {"Detective constable": 6}, manager="Detective sergeant"),
        Team("Investigation team 2", {"Detective constable": 6}, manager="Detective sergeant"),
    ),
    headcounts={"Detective inspector": 3, "Detective sergeant": 12, "Detective constable": 60},
    coordinator="Detective inspector",
    manager_roles=("Detective sergeant",),
)

ICB = Workforce(
    head="Designated nurse for safeguarding children",
    teams=(
        Team(
            "Designated safeguarding children team",
            {
                "Designated doctor for safeguarding children": 1,
                "Named GP for safeguarding": 1,
                "Safeguarding adviser": 2,
                "Business support officer": 1,
            },
        ),
    ),
    headcounts={
        "Designated nurse for safeguarding children": 2,
        "Designated doctor for safeguarding children": 1,
        "Named GP for safeguarding": 2,
        "Safeguarding adviser": 5,
        "Business support officer": 8,
    },
    coordinator="Safeguarding adviser",
    web_editor="Business support officer",
)

HOSPITAL_TRUST = Workforce(
    head="Head of safeguarding children",
    teams=(
        Team(
            "Trust safeguarding children team",
            {
                "Named nurse for safeguarding": 1,
                "Named midwife for safeguarding": 1,
                "Named doctor for safeguarding": 1,
                "Safeguarding adviser": 2,
            },
        ),
    ),
    headcounts={
        "Head of safeguarding children": 1,
        "Named nurse for safeguarding": 2,
        "Named midwife for safeguarding": 1,
        "Named doctor for safeguarding": 2,
        "Safeguarding adviser": 6,
    },
    coordinator="Safeguarding adviser",
    web_editor="Named nurse for safeguarding",
)

HOSPITAL = Workforce(
    head="Service manager",
    teams=(
        Team(
            "Health visiting",
            {"Health visitor": 11, "Community nursery nurse": 3},
            manager="Team leader",
        ),
        Team("School nursing", {"School nurse": 5}, manager="Team leader"),
        Team("Maternity", {"Midwife": 9}, manager="Team leader"),
        Team("Paediatrics", {"Paediatrician": 5, "Staff nurse": 5}),
        Team(
            "Hospital safeguarding children team",
            {"Safeguarding adviser": 2},
            manager="Named nurse for safeguarding",
        ),
    ),
    headcounts={
        "Service manager": 12,
        "Team leader": 40,
        "Health visitor": 70,
        "Community nursery nurse": 20,
        "School nurse": 28,
        "Midwife": 220,
        "Paediatrician": 60,
        "Staff nurse": 1400,
        "Named nurse for safeguarding": 2,
        "Safeguarding adviser": 5,
    },
    coordinator="Safeguarding adviser",
    web_editor="Named nurse for safeguarding",
    manager_roles=("Team leader",),
)

MENTAL_HEALTH_TRUST = Workforce(
    head="Service manager",
    teams=(
        Team(
            "Lewisham CAMHS",
            {"CAMHS practitioner": 6, "Clinical psychologist": 3, "Consultant psychiatrist": 2},
            manager="Team leader",
        ),
        Team(
            "Lewisham adult mental health",
            {"Mental health nurse": 6, "Consultant psychiatrist": 1},
            manager="Team leader",
        ),
        Team(
            "Trust safeguarding children team",
            {"Safeguarding adviser": 1},
            manager="Named nurse for safeguarding",
        ),
    ),
    headcounts={
        "Service manager": 40,
        "Team leader": 110,
        "CAMHS practitioner": 260,
        "Clinical psychologist": 220,
        "Consultant psychiatrist": 300,
        "Mental health nurse": 1600,
        "Named nurse for safeguarding": 4,
        "Safeguarding adviser": 10,
    },
    coordinator="Safeguarding adviser",
    web_editor="Named nurse for safeguarding",
    manager_roles=("Team leader",),
)

BARNARDOS = Workforce(
    head="Service manager",
    teams=(
        Team(
            "Parents' advocate service",
            {"Parent advocate": 4, "Project worker": 2, "Family support volunteer": 3},
        ),
    ),
    headcounts={
        "Service manager": 1,
        "Parent advocate": 6,
        "Project worker": 4,
        "Family support volunteer": 12,
    },
    coordinator="Project worker",
    safeguarding_lead="Service manager",
    web_editor="Project worker",
)

YOUTH_CHARITY = Workforce(
    head="Service manager",
    teams=(
        Team(
            "Youth work",
            {"Youth worker": 5, "Youth work volunteer": 3},
            manager="Senior youth worker",
        ),
        Team("Family support", {"Family support worker": 2, "Family support volunteer": 3}),
    ),
    headcounts={
        "Service manager": 1,
        "Senior youth worker": 2,
        "Youth worker": 9,
        "Youth work volunteer": 18,
        "Family support worker": 4,
        "Family support volunteer": 20,
    },
    coordinator="Senior youth worker",
    safeguarding_lead="Service manager",
    manager_roles=("Senior youth worker",),
)


def gp_practice(*, gps: int, nurses: int) -> Workforce:
    """A practice: the senior partner leads safeguarding; the practice manager runs the office."""
    return Workforce(
        head="GP",
        teams=(
            Team(
                "Clinical team",
                {"GP": gps - 1, "Practice nurse": nurses, "Healthcare assistant": 1},
            ),
            Team("Practice team", {"Receptionist": 2}, manager="Practice manager"),
        ),
        headcounts={
            "GP": gps + 3,
            "Practice nurse": nurses + 1,
            "Practice manager": 1,
            "Healthcare assistant": 3,
            "Receptionist": 8,
        },
        coordinator="Practice manager",
        safeguarding_lead="GP",
        manager_roles=("Practice manager",),
    )


def primary_school(*, forms_of_entry: int) -> Workforce:
    """A primary school; a two-form-entry school has about twice the classes of a one-form."""
    f = forms_of_entry
    return Workforce(
        head="Headteacher",
        teams=(
            Team(
                "Senior leadership",
                {
                    "Deputy headteacher": 1,
                    "Designated safeguarding lead": 1,
                    "Special educational needs coordinator": 1,
                    "School business manager": 1,
                },
            ),
            Team(
                "Early years and key stage 1",
                {"Teacher": f + 1, "Teaching assistant": f + 1},
                manager="Phase leader",
            ),
            Team(
                "Key stage 2", {"Teacher": f + 1, "Teaching assistant": f}, manager="Phase leader"
            ),
        ),
        headcounts={
            "Headteacher": 1,
            "Deputy headteacher": f,
            "Designated safeguarding lead": 1,
            "Special educational needs coordinator": 1,
            "School business manager": 1,
            "Phase leader": f + 1,
            "Teacher": 7 * f + 2,
            "Teaching assistant": 8 * f + 2,
        },
        coordinator="Designated safeguarding lead",
        safeguarding_lead="Designated safeguarding lead",
        manager_roles=("Phase leader",),
    )


def secondary_school() -> Workforce:
    return Workforce(
        head="Headteacher",
        teams=(
            Team(
                "Senior leadership",
                {
                    "Deputy headteacher": 2,
                    "Designated safeguarding lead": 1,
                    "Special educational needs coordinator": 1,
                    "School business manager": 1,
                },
            ),
            Team(
                "Key stage 3",
                {"Teacher": 4, "Teaching assistant": 1, "Learning mentor": 1},
                manager="Head of year",
            ),
            Team("Key stage 4", {"Teacher": 4, "Teaching assistant": 1}, manager="Head of year"),
        ),
        headcounts={
            "Headteacher": 1,
            "Deputy headteacher": 3,
            "Designated safeguarding lead": 1,
            "Special educational needs coordinator": 1,
            "School business manager": 1,
            "Head of year": 7,
            "Teacher": 78,
            "Teaching assistant": 24,
            "Learning mentor": 4,
        },
        coordinator="Designated safeguarding lead",
        safeguarding_lead="Designated safeguarding lead",
        web_editor="School business manager",
        manager_roles=("Head of year",),
    )


# Sizes vary so that the schools and practices do not all look alike.
_GP_SIZES = [(4, 2), (3, 1), (5, 2), (3, 2), (4, 1)]
_PRIMARY_FORMS_OF_ENTRY = [2, 1, 1, 1, 2, 1, 2]


def _workforces() -> dict[str, Workforce]:
    workforces = {
        orgs.CHILDRENS_SOCIAL_CARE: CHILDRENS_SOCIAL_CARE,
        orgs.MET_POLICE: MET_POLICE,
        orgs.CAIT: CAIT,
        orgs.ICB: ICB,
        orgs.HOSPITAL_TRUST: HOSPITAL_TRUST,
        orgs.HOSPITAL: HOSPITAL,
        orgs.MENTAL_HEALTH_TRUST: MENTAL_HEALTH_TRUST,
        orgs.BARNARDOS: BARNARDOS,
        orgs.YOUTH_CHARITY: YOUTH_CHARITY,
    }
    for spec, (gps, nurses) in zip(orgs.GP_PRACTICES, _GP_SIZES, strict=True):
        workforces[spec.slug] = gp_practice(gps=gps, nurses=nurses)
    primaries = [spec for spec in orgs.SCHOOLS if spec.school_phase == orgs.PRIMARY]
    for spec, forms in zip(primaries, _PRIMARY_FORMS_OF_ENTRY, strict=True):
        workforces[spec.slug] = primary_school(forms_of_entry=forms)
    for spec in orgs.SCHOOLS:
        workforces.setdefault(spec.slug, secondary_school())
    return workforces


WORKFORCES = _workforces()


def headcounts_cover_members(*, organisation_ids: list[int] | None = None) -> int:
    """Raise any headcount below the number of current members in that role; add missing ones.

    Coverage is trained people over headcount, so a headcount must never be smaller than the
    people the demo holds. A raised or added headcount leaves a fifth more room. Two queries to
    read, then bulk writes, so `seed_demo --people` uses it too. Returns how many changed.
    """
    members = Membership.objects.current().exclude(kind=MembershipKind.GOVERNOR)
    members = members.filter(job_role__isnull=False)
    if organisation_ids is not None:
        members = members.filter(organisation_id__in=organisation_ids)
    counts = {
        (row["organisation_id"], row["job_role_id"]): row["n"]
        for row in members.values("organisation_id", "job_role_id").annotate(n=Count("id"))
    }
    existing = {
        (row.organisation_id, row.job_role_id): row
        for row in WorkforceHeadcount.objects.filter(organisation_id__in={key[0] for key in counts})
    }
    to_update, to_create = [], []
    for (organisation_id, job_role_id), n in counts.items():
        roomy = n + n // 5
        row = existing.get((organisation_id, job_role_id))
        if row is None:
            to_create.append(
                WorkforceHeadcount(
                    organisation_id=organisation_id, job_role_id=job_role_id, headcount=roomy
                )
            )
        elif row.headcount < n:
            row.headcount = roomy
            to_update.append(row)
    WorkforceHeadcount.objects.bulk_update(to_update, ["headcount"], batch_size=1000)
    WorkforceHeadcount.objects.bulk_create(to_create, batch_size=1000)
    return len(to_update) + len(to_create)


def headcounts_seed(seed: DemoSeed) -> None:
    """Each organisation's headcount per job role, never below the people seeded in it."""
    for slug, workforce in WORKFORCES.items():
        organisation = seed.organisations[slug]
        for role_name, headcount in workforce.headcounts.items():
            WorkforceHeadcount.objects.get_or_create(
                organisation=organisation,
                job_role=seed.job_role(organisation.sector, role_name),
                defaults={"headcount": headcount},
            )
    raised = headcounts_cover_members(
        organisation_ids=[seed.organisations[slug].pk for slug in WORKFORCES]
    )
    seed.log(f"Workforce headcounts: {len(WORKFORCES)} organisations ({raised} raised to fit)")
