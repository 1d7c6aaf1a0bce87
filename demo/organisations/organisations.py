"""The organisations of the demo partnership, their email domains and safeguarding contacts.

The lead partners (Working Together 2023) are the council's children's social care, the police
and the integrated care board. The schools, GP practices and the youth charity are invented,
named after Lewisham's parks and streets; the statutory bodies and Barnardo's are real
organisations with invented people. Every domain is under the reserved `.example` top-level
domain, and every phone number is in Ofcom's range for drama (020 7946 0xxx), so nothing here
reaches anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from demo.organisations.context import DemoSeed
from organisations.enums import Sector
from organisations.models import EmailDomain, Organisation

PRIMARY = "primary"
SECONDARY = "secondary"


@dataclass(frozen=True)
class OrganisationSpec:
    """One organisation. A blank contact name is filled with its safeguarding lead's name."""

    name: str
    slug: str
    sector: Sector
    domains: tuple[str, ...]
    is_statutory_partner: bool = False
    parent: str | None = None
    contact_name: str = ""
    contact_mailbox: str = "safeguarding"
    school_phase: str = ""
    has_foundation_governors: bool = False

    @property
    def domain(self) -> str:
        """The domain people's email addresses are on."""
        return self.domains[0]


CHILDRENS_SOCIAL_CARE = "lewisham-childrens-social-care"
MET_POLICE = "met-police-lewisham"
CAIT = "met-police-cait"
ICB = "south-east-london-icb"
HOSPITAL_TRUST = "lewisham-and-greenwich-nhs-trust"
HOSPITAL = "university-hospital-lewisham"
MENTAL_HEALTH_TRUST = "south-london-and-maudsley"
BARNARDOS = "barnardos-lewisham-parents-advocate-service"
YOUTH_CHARITY = "ravensbourne-youth-and-family-project"
DEMO_SCHOOL = "hilly-fields-primary"

PARTNERS = [
    OrganisationSpec(
        "London Borough of Lewisham Children's Social Care",
        CHILDRENS_SOCIAL_CARE,
        Sector.CHILDRENS_SOCIAL_CARE,
        ("lewisham-csc.example",),
        is_statutory_partner=True,
        contact_name="Multi-Agency Safeguarding Hub (MASH)",
        contact_mailbox="mash",
    ),
    OrganisationSpec(
        "Metropolitan Police (Lewisham)",
        MET_POLICE,
        Sector.POLICE,
        ("met-police.example",),
        is_statutory_partner=True,
        contact_name="Police MASH desk",
        contact_mailbox="mash.lewisham",
    ),
    OrganisationSpec(
        "Child Abuse Investigation Team (Lewisham)",
        CAIT,
        Sector.POLICE,
        ("met-police.example",),
        is_statutory_partner=True,
        parent=MET_POLICE,
        contact_name="CAIT duty detective sergeant",
        contact_mailbox="cait.lewisham",
    ),
    OrganisationSpec(
        "South East London Integrated Care Board",
        ICB,
        Sector.INTEGRATED_CARE_BOARD,
        ("selondon-icb.example",),
        is_statutory_partner=True,
        contact_name="Designated safeguarding children team",
    ),
    OrganisationSpec(
        "Lewisham and Greenwich NHS Trust",
        HOSPITAL_TRUST,
        Sector.HEALTH_TRUST,
        ("nhs-lewisham.example",),
        contact_name="Trust safeguarding children team",
    ),
    OrganisationSpec(
        "University Hospital Lewisham",
        HOSPITAL,
        Sector.HEALTH_TRUST,
        ("nhs-lewisham.example",),
        parent=HOSPITAL_TRUST,
        contact_name="Hospital safeguarding children team",
        contact_mailbox="uhl.safeguarding",
    ),
    OrganisationSpec(
        "South London and Maudsley NHS Foundation Trust",
        MENTAL_HEALTH_TRUST,
        Sector.HEALTH_TRUST,
        ("slam-nhs.example",),
        contact_name="Safeguarding children team",
    ),
    OrganisationSpec(
        "Barnardo's Lewisham Parents' Advocate Service",
        BARNARDOS,
        Sector.VOLUNTARY,
        ("barnardos.example",),
    ),
    OrganisationSpec(
        "Ravensbourne Youth and Family Project",
        YOUTH_CHARITY,
        Sector.VOLUNTARY,
        ("ravensbourne-yfp.example",),
    ),
]

GP_PRACTICES = [
    OrganisationSpec(name, slug, Sector.GP_PRACTICE, (f"{slug}.example",))
    for name, slug in [
        ("Ladywell Road Surgery", "ladywell-road-surgery"),
        ("Catford Broadway Medical Practice", "catford-broadway-medical"),
        ("Sydenham Hill Group Practice", "sydenham-hill-group-practice"),
        ("Evelyn Street Medical Centre", "evelyn-street-medical"),
        ("Lee Green Family Practice", "lee-green-family-practice"),
    ]
]

SCHOOLS = [
    OrganisationSpec(
        name,
        slug,
        Sector.SCHOOL,
        (f"{slug}.example",),
        school_phase=phase,
        has_foundation_governors=faith,
    )
    for name, slug, phase, faith in [
        ("Hilly Fields Primary School", DEMO_SCHOOL, PRIMARY, False),
        ("Ladywell Fields Primary School", "ladywell-fields-primary", PRIMARY, False),
        ("Blythe Hill Fields Primary School", "blythe-hill-fields-primary", PRIMARY, False),
        ("St Aidan's Church of England Primary School", "st-aidans-primary", PRIMARY, True),
        (
            "Our Lady of the Ravensbourne Catholic Primary School",
            "our-lady-ravensbourne-primary",
            PRIMARY,
            True,
        ),
        ("Mountsfield Park Primary School", "mountsfield-park-primary", PRIMARY, False),
        ("Beckenham Place Primary School", "beckenham-place-primary", PRIMARY, False),
        ("Ravensbourne Park Academy", "ravensbourne-park-academy", SECONDARY, False),
        ("Telegraph Hill School", "telegraph-hill-school", SECONDARY, False),
        ("Waterlink Way Academy", "waterlink-way-academy", SECONDARY, False),
        ("Sydenham Wells School", "sydenham-wells-school", SECONDARY, False),
        ("Chinbrook Meadows Academy", "chinbrook-meadows-academy", SECONDARY, False),
    ]
]

# Parents before children, so a parent exists when its children are made.
ORGANISATIONS = [*PARTNERS, *GP_PRACTICES, *SCHOOLS]
ORGANISATIONS_BY_SLUG = {spec.slug: spec for spec in ORGANISATIONS}

# Ofcom keeps 020 7946 0000 to 0999 for drama: numbers that ring nobody.
FIRST_DRAMA_NUMBER = 100


def drama_phone_number(index: int) -> str:
    return f"020 7946 0{FIRST_DRAMA_NUMBER + index:03d}"


def organisation_get_or_create(
    *, spec: OrganisationSpec, phone: str, parent: Organisation | None = None
) -> Organisation:
    """The organisation with the spec's slug, made and validated when it is missing."""
    organisation = Organisation.objects.filter(slug=spec.slug).first()
    if organisation is None:
        organisation = Organisation(
            slug=spec.slug,
            name=spec.name,
            sector=spec.sector,
            is_statutory_partner=spec.is_statutory_partner,
            parent=parent,
            safeguarding_contact_name=spec.contact_name,
            safeguarding_contact_email=f"{spec.contact_mailbox}@{spec.domain}",
            safeguarding_contact_phone=phone,
        )
        organisation.full_clean()
        organisation.save()
    for domain in spec.domains:
        if not organisation.email_domains.filter(domain=domain).exists():
            email_domain = EmailDomain(organisation=organisation, domain=domain)
            email_domain.full_clean()
            email_domain.save()
    return organisation


def organisations_seed(seed: DemoSeed) -> None:
    """The partners, GP practices and schools, with their email domains."""
    for index, spec in enumerate(ORGANISATIONS):
        parent = seed.organisations[spec.parent] if spec.parent else None
        seed.organisations[spec.slug] = organisation_get_or_create(
            spec=spec, phone=drama_phone_number(index), parent=parent
        )
    seed.log(
        f"Organisations: {len(PARTNERS)} partners, {len(GP_PRACTICES)} GP practices, "
        f"{len(SCHOOLS)} schools"
    )
