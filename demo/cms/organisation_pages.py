"""What each partner organisation's page says: who they are, their website, their safeguarding
leads and a few words for the public.

The statutory partners and the two charities each have their own words. GP practices and schools
share their sector's, with the practice's or school's own name, neighbourhood and leads: the
people the organisation already names as its safeguarding contact (a school's designated
safeguarding lead, a practice's lead GP), and their deputy.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from demo.cms.contacts import (
    FRONT_DOOR_PHONE,
    OFFICE_HOURS,
    SCHOOL_HOURS,
    SURGERY_HOURS,
    Agency,
    contact,
)
from demo.organisations import organisations as orgs
from organisations.enums import Sector

StreamData = list[dict[str, Any]]

# Registered patients at a demo practice: Lewisham's practices run from about 6,000 to 15,000.
PRACTICE_LIST_SIZE = (6_000, 15_000)

KCSIE_URL = "https://www.gov.uk/government/publications/keeping-children-safe-in-education--2"

NEIGHBOURHOODS = {
    "ladywell-road-surgery": "Ladywell",
    "catford-broadway-medical": "Catford",
    "sydenham-hill-group-practice": "Sydenham",
    "evelyn-street-medical": "Deptford",
    "lee-green-family-practice": "Lee",
    "hilly-fields-primary": "Brockley",
    "ladywell-fields-primary": "Ladywell",
    "blythe-hill-fields-primary": "Catford",
    "st-aidans-primary": "Forest Hill",
    "our-lady-ravensbourne-primary": "Bellingham",
    "mountsfield-park-primary": "Hither Green",
    "beckenham-place-primary": "Downham",
    "ravensbourne-park-academy": "Catford",
    "telegraph-hill-school": "New Cross",
    "waterlink-way-academy": "Lewisham",
    "sydenham-wells-school": "Sydenham",
    "chinbrook-meadows-academy": "Grove Park",
}


@dataclass(frozen=True)
class OrganisationContent:
    """The fields of one `OrganisationPage`, as the seed fills them in."""

    summary: str
    leads: StreamData
    body: StreamData


def _leads(*contacts: dict[str, str]) -> StreamData:
    return [{"type": "lead", "value": value} for value in contacts]


def _paragraph(*sentences: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": "<p>" + " ".join(sentences) + "</p>"}


def _link(title: str, url: str, publisher: str, description: str) -> dict[str, Any]:
    return {
        "type": "external_link",
        "value": {"title": title, "url": url, "publisher": publisher, "description": description},
    }


def _worried(*extra: str) -> StreamData:
    return [
        {"type": "heading", "value": "If you are worried about a child"},
        _paragraph(
            f"Phone the Lewisham MASH on {FRONT_DOOR_PHONE}. If a child is in immediate danger, "
            "call 999.",
            *extra,
        ),
    ]


def _named(people: Mapping[str, str], role: str, *, doctor: bool = False) -> str:
    name = people.get(role, "")
    return f"Dr {name}" if name and doctor else name


def childrens_social_care(agency: Agency, people: Mapping[str, str]) -> OrganisationContent:
    return OrganisationContent(
        summary=(
            "Lewisham's children's social care service assesses and supports children in need "
            "and children at risk of significant harm, and their families. It runs the "
            "Multi-Agency Safeguarding Hub (MASH), where every referral about a child in the "
            "borough is received and decided, and it is one of the partnership's three lead "
            "partners, with the police and the integrated care board."
        ),
        leads=_leads(
            contact(
                "Head of Safeguarding and Quality Assurance",
                phone=agency.phone(2),
                email=agency.email("safeguarding.qa"),
                hours=OFFICE_HOURS,
            ),
            contact(
                "Principal Social Worker",
                phone=agency.phone(3),
                email=agency.email("principal.social.worker"),
                hours=OFFICE_HOURS,
            ),
            contact(
                "MASH duty team manager",
                phone=FRONT_DOOR_PHONE,
                email=agency.safeguarding_email,
                hours=OFFICE_HOURS,
            ),
        ),
        body=[
            {"type": "heading", "value": "Making a referral"},
            _paragraph(
                f"Phone the MASH on {FRONT_DOOR_PHONE}, then send the multi-agency referral "
                "form within 24 hours. The MASH decides within one working day what will happen "
                "and tells you.",
            ),
            {
                "type": "inset",
                "value": "Parents can ask for help too. The MASH will talk to you about what "
                "support is available, not only about child protection.",
            },
        ],
    )


def met_police(agency: Agency, people: Mapping[str, str]) -> OrganisationContent:
    return OrganisationContent(
        summary=(
            "The Metropolitan Police's South East Basic Command Unit polices Lewisham, "
            "Greenwich and Bexley. In Lewisham its officers answer emergencies, work in "
            "neighbourhoods and schools, and sit in the MASH beside children's social care and "
            "health, sharing what the police know about the children referred. It is one of "
            "the partnership's three lead partners."
        ),
        leads=_leads(
            contact(
                "Detective Inspector, Public Protection, South East Basic Command Unit",
                phone=agency.phone(1),
                email=agency.email("publicprotection"),
                hours=OFFICE_HOURS,
            ),
            contact(
                "Detective sergeant, Police MASH team",
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours="Monday to Friday, 8am to 6pm",
            ),
            contact(
                "Safer schools sergeant",
                phone=agency.phone(3),
                email=agency.email("saferschools"),
                hours=SCHOOL_HOURS,
            ),
        ),
        body=_worried(
            "To report a crime that is not an emergency, call 101.",
        ),
    )


def child_abuse_investigation_team(
    agency: Agency, people: Mapping[str, str]
) -> OrganisationContent:
    return OrganisationContent(
        summary=(
            "The Child Abuse Investigation Team investigates crimes against children where the "
            "suspect is a parent, carer or someone in a position of trust. Its detectives join "
            "children's social care in strategy discussions and joint section 47 enquiries, "
            "and interview children with specially trained officers."
        ),
        leads=_leads(
            contact(
                "Detective Inspector, Child Abuse Investigation Team",
                name=_named(people, "Detective inspector"),
                phone=agency.phone(1),
                email=agency.email("di"),
                hours=OFFICE_HOURS,
            ),
            contact(
                "CAIT duty detective sergeant",
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours="Monday to Friday, 8am to 8pm",
            ),
        ),
        body=_worried(
            "Practitioners who think a child has been abused by a parent or carer should "
            "refer to the MASH, which brings in the CAIT.",
        ),
    )


def integrated_care_board(agency: Agency, people: Mapping[str, str]) -> OrganisationContent:
    return OrganisationContent(
        summary=(
            "South East London Integrated Care Board plans and pays for NHS services in six "
            "boroughs, Lewisham among them. Its designated safeguarding children team advises "
            "every health service in the borough, from GP practices to the hospital, and it is "
            "one of the partnership's three lead partners."
        ),
        leads=_leads(
            contact(
                "Designated nurse for safeguarding children (Lewisham)",
                name=_named(people, "Designated nurse for safeguarding children"),
                phone=agency.phone(0),
                email=agency.safeguarding_email,
                hours=OFFICE_HOURS,
            ),
            contact(
                "Designated doctor for safeguarding children",
                name=_named(people, "Designated doctor for safeguarding children", doctor=True),
                phone=agency.phone(3),
                email=agency.email("designated.doctor"),
                hours=OFFICE_HOURS,
            ),
            contact(
                "Named GP for safeguarding children (Lewisham)",
                phone=agency.phone(2),
                email=agency.email("named.gp"),
                hours=OFFICE_HOURS,
            ),
        ),
        body=[
            _paragraph(
                "GP practices and health providers can ask the designated team for advice on "
                "any safeguarding question, including whether and how to share information.",
            )
        ],
    )


HEALTH_TRUST_SUMMARIES = {
    orgs.HOSPITAL_TRUST: (
        "Lewisham and Greenwich NHS Trust runs University Hospital Lewisham, Queen Elizabeth "
        "Hospital in Woolwich and community health services in Lewisham, including health "
        "visiting and school nursing. Its safeguarding children team (named nurses, a named "
        "midwife and a named doctor) advises staff across the trust."
    ),
    orgs.HOSPITAL: (
        "University Hospital Lewisham is the borough's hospital, with an emergency department, "
        "a maternity unit and children's wards. Its community teams include health visitors, "
        "school nurses and midwives. The hospital safeguarding children team is on site every "
        "weekday."
    ),
    orgs.MENTAL_HEALTH_TRUST: (
        "South London and Maudsley provides mental health care in Lewisham, Lambeth, Southwark "
        "and Croydon, including Lewisham's child and adolescent mental health services (CAMHS) "
        "and adult teams who work with parents. Its safeguarding children team advises staff "
        "about children who are patients and children whose parents are."
    ),
}


def health_trust(agency: Agency, people: Mapping[str, str]) -> OrganisationContent:
    leads = [
        contact(
            "Named nurse for safeguarding children",
            phone=agency.safeguarding_phone,
            email=agency.safeguarding_email,
            hours=OFFICE_HOURS,
        ),
        contact(
            "Named doctor for safeguarding children",
            phone=agency.phone(2),
            email=agency.email("named.doctor"),
            hours=OFFICE_HOURS,
        ),
    ]
    if agency.slug == orgs.HOSPITAL_TRUST:
        leads.insert(
            0,
            contact(
                "Head of safeguarding children",
                name=_named(people, "Head of safeguarding children"),
                phone=agency.phone(1),
                email=agency.email("head.safeguarding"),
                hours=OFFICE_HOURS,
            ),
        )
        leads.append(
            contact(
                "Named midwife for safeguarding",
                phone=agency.phone(3),
                email=agency.email("named.midwife"),
                hours=OFFICE_HOURS,
            )
        )
    return OrganisationContent(
        summary=HEALTH_TRUST_SUMMARIES[agency.slug],
        leads=_leads(*leads),
        body=_worried(
            "Patients and visitors can also ask any member of staff to contact the "
            "safeguarding children team.",
        ),
    )


def gp_practice(
    agency: Agency, people: Mapping[str, str], rng: random.Random
) -> OrganisationContent:
    patients = rng.randrange(*PRACTICE_LIST_SIZE, 100)
    lead = f"Dr {agency.lead_name}" if agency.lead_name else "the lead GP"
    return OrganisationContent(
        summary=(
            f"{agency.name} is a GP practice in {NEIGHBOURHOODS[agency.slug]} with about "
            f"{patients:,} registered patients. Its safeguarding lead, {lead}, makes sure "
            "clinicians and the reception team know how to recognise and pass on a concern "
            "about a child, and the practice reports to every child protection conference for "
            "a child on its list."
        ),
        leads=_leads(
            contact(
                "GP safeguarding lead",
                name=f"Dr {agency.lead_name}" if agency.lead_name else "",
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours=SURGERY_HOURS,
            ),
            contact(
                "Practice manager (deputy safeguarding lead)",
                name=_named(people, "Practice manager"),
                phone=agency.phone(0),
                email=agency.email("practice.manager"),
                hours=SURGERY_HOURS,
            ),
        ),
        body=_worried(
            "Patients can ask to speak to the safeguarding lead in confidence.",
        ),
    )


FAITH_SCHOOLS = {
    "st-aidans-primary": "a Church of England voluntary aided school in the Diocese of Southwark",
    "our-lady-ravensbourne-primary": (
        "a Catholic voluntary aided school in the Archdiocese of Southwark"
    ),
}


def school(agency: Agency, people: Mapping[str, str]) -> OrganisationContent:
    place = NEIGHBOURHOODS[agency.slug]
    if agency.spec.school_phase == orgs.PRIMARY:
        what = f"a primary school in {place} for children aged 3 to 11, with a nursery class"
    elif agency.name.endswith("Academy"):
        what = f"a secondary academy in {place} for young people aged 11 to 18, with a sixth form"
    else:
        what = f"a secondary school in {place} for young people aged 11 to 16"
    if agency.slug in FAITH_SCHOOLS:
        what += f"; it is {FAITH_SCHOOLS[agency.slug]}"
    dsl = agency.lead_name or "the designated safeguarding lead"
    deputy = _named(people, "Deputy headteacher")
    return OrganisationContent(
        summary=(
            f"{agency.name} is {what}. Its designated safeguarding lead, {dsl}, and the deputy "
            "leads are the people staff, volunteers, parents and visitors go to with any worry "
            "about a pupil, as Keeping children safe in education requires."
        ),
        leads=_leads(
            contact(
                "Designated safeguarding lead",
                name=agency.lead_name,
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours=SCHOOL_HOURS,
            ),
            contact(
                "Deputy designated safeguarding lead (deputy headteacher)",
                name=deputy,
                phone=agency.phone(0),
                email=agency.email("deputy.dsl"),
                hours=SCHOOL_HOURS,
            ),
        ),
        body=[
            *_worried(
                "Parents and carers can speak to the designated safeguarding lead, or any "
                "member of staff, at any time.",
            ),
            _link(
                "Keeping children safe in education",
                KCSIE_URL,
                "Department for Education",
                "The statutory guidance every school follows.",
            ),
        ],
    )


VOLUNTARY_SUMMARIES = {
    orgs.BARNARDOS: (
        "Barnardo's Lewisham Parents' Advocate Service supports parents whose children are on a "
        "child protection plan or in care proceedings, so they understand what is happening "
        "and can take part. Advocates go with parents to conferences and meetings, and are "
        "independent of children's social care."
    ),
    orgs.YOUTH_CHARITY: (
        "Ravensbourne Youth and Family Project is a local charity running youth clubs in "
        "Catford and Bellingham, detached youth work on the estates, and a family support "
        "service. Its staff and volunteers work with young people aged 11 to 19 and their "
        "families."
    ),
}


def voluntary(agency: Agency, people: Mapping[str, str]) -> OrganisationContent:
    return OrganisationContent(
        summary=VOLUNTARY_SUMMARIES[agency.slug],
        leads=_leads(
            contact(
                "Designated safeguarding lead",
                name=agency.lead_name,
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours=OFFICE_HOURS,
            ),
            contact(
                "Deputy designated safeguarding lead",
                phone=agency.phone(0),
                email=agency.email("deputy.dsl"),
                hours=OFFICE_HOURS,
            ),
        ),
        body=_worried(
            "Young people and parents can talk to any of our staff, who will pass it on to the "
            "designated safeguarding lead.",
        ),
    )


def organisation_content(
    agency: Agency, people: Mapping[str, str], rng: random.Random
) -> OrganisationContent:
    """The page of one organisation. `people` is its staff's names by job role (the first
    holder of each role by email address)."""
    by_slug = {
        orgs.CHILDRENS_SOCIAL_CARE: childrens_social_care,
        orgs.MET_POLICE: met_police,
        orgs.CAIT: child_abuse_investigation_team,
        orgs.ICB: integrated_care_board,
    }
    if agency.slug in by_slug:
        return by_slug[agency.slug](agency, people)
    sector = agency.spec.sector
    if sector == Sector.GP_PRACTICE:
        return gp_practice(agency, people, rng)
    if sector == Sector.SCHOOL:
        return school(agency, people)
    if sector == Sector.HEALTH_TRUST:
        return health_trust(agency, people)
    return voluntary(agency, people)
