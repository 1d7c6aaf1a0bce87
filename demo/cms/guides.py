"""What each partner's escalation guide says: its stages, urgent and out-of-hours routes, and how
it resolves a professional disagreement.

The ladders follow the London procedures (see DOMAIN.md, "Escalation"): practitioners try to
settle it between themselves within a working week, or faster if the child needs it; then
first-line managers (a detective sergeant, a named or designated health professional, a school's
designated safeguarding lead); then senior managers; then the partnership. Each sector climbs it
differently, with its own roles and timescales, so guides side by side in the route finder
differ as real ones do. Schools share one guide written for a school, with its own name and
designated safeguarding lead; the two acute health providers share the hospital's.

Contacts are roles, as most real guides publish them, with a few named people: the leads the
organisations already name as their safeguarding contact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cms.enums import TimescaleUnit
from demo.cms.contacts import (
    BUSINESS_MANAGER_COPY,
    FRONT_DOOR_EMAIL,
    FRONT_DOOR_PHONE,
    OFFICE_HOURS,
    OUT_OF_HOURS_PHONE,
    POLICE_NON_EMERGENCY,
    SCHOOL_HOURS,
    SURGERY_HOURS,
    Agency,
    business_manager,
    contact,
    emergency_duty_team,
    front_door,
)
from demo.organisations import organisations as orgs
from organisations.enums import Sector

StreamData = list[dict[str, Any]]


@dataclass(frozen=True)
class GuideContent:
    """The fields of one `EscalationGuidePage`, as raw StreamField data.

    `earlier_stages` are the stages of the first edition, for the guides published twice because
    something in them changed: children's social care's second stage now takes 1 working day
    rather than 2, the CAIT answers within 24 hours rather than 2 working days, and the demo
    school added the written escalation notice to its fourth stage.
    """

    summary: str
    owner_title: str
    stages: StreamData
    urgent_route: StreamData
    out_of_hours_route: StreamData
    disagreement: StreamData
    earlier_stages: StreamData | None = None


def within(amount: int, unit: str = TimescaleUnit.WORKING_DAYS, note: str = "") -> dict[str, Any]:
    return {"amount": amount, "unit": unit, "note": note}


def immediately(note: str = "") -> dict[str, Any]:
    return {"amount": None, "unit": TimescaleUnit.IMMEDIATELY, "note": note}


def stage(
    title: str,
    who: dict[str, str],
    timescale: dict[str, Any],
    steps: list[str],
    *,
    written_notice: bool = False,
) -> dict[str, Any]:
    return {
        "type": "stage",
        "value": {
            "title": title,
            "who": who,
            "timescale": timescale,
            "what_to_do": steps,
            "written_notice": written_notice,
        },
    }


def route(title: str, when: str, who: dict[str, str], steps: list[str]) -> StreamData:
    value = {"title": title, "when": when, "contact": who, "what_to_do": steps}
    return [{"type": "route", "value": value}]


def disagreement(
    principles: list[str], *, notice_when: str, send_to: dict[str, str], conference: str
) -> StreamData:
    return [
        {
            "type": "disagreement",
            "value": {
                "principles": principles,
                "escalation_notice": {
                    "when": notice_when,
                    "send_to": send_to,
                    "copy_to": BUSINESS_MANAGER_COPY,
                },
                "conference_decisions": conference,
            },
        }
    ]


URGENT_TITLE = "Urgent concern in office hours"
URGENT_WHEN = (
    "A child may be at risk of significant harm today, and the disagreement cannot wait for the "
    "stages below."
)
OUT_OF_HOURS_TITLE = "Evenings, weekends and bank holidays"
OUT_OF_HOURS_WHEN = "The concern cannot safely wait until the next working day."

# What every partner agrees on (the London procedures' principles), said once.
PRINCIPLES_CHILD_FIRST = (
    "Keep the child's safety and wellbeing at the centre: the disagreement is about the child, "
    "not about who is right."
)
PRINCIPLES_KEEP_WORKING = (
    "Keep working with the child and family while the disagreement is being resolved."
)
PRINCIPLES_RECORD = (
    "Record each conversation and decision, with the reasons, in the child's record in your "
    "own organisation."
)


def _front_door_route(*steps: str) -> StreamData:
    return route(
        URGENT_TITLE,
        URGENT_WHEN,
        front_door(),
        [
            "Phone the MASH and ask for the duty team manager. Say it is an escalation about a "
            "decision already made, not a new referral.",
            *steps,
            f"Confirm what was agreed by email to {FRONT_DOOR_EMAIL} the same day.",
        ],
    )


def _out_of_hours_route(*steps: str) -> StreamData:
    return route(
        OUT_OF_HOURS_TITLE,
        OUT_OF_HOURS_WHEN,
        emergency_duty_team(),
        [
            "Phone the Emergency Duty Team and ask for the duty senior practitioner.",
            *steps,
            "Tell the allocated social worker or the MASH what happened on the next working day.",
        ],
    )


# -- Children's social care ---------------------------------------------------------------


def childrens_social_care(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    team_manager = contact(
        "Team manager of the allocated team",
        phone=agency.phone(0),
        email=agency.email("csc.teammanagers"),
        hours=OFFICE_HOURS,
    )
    service_manager = contact(
        "Service manager",
        phone=agency.phone(1),
        email=agency.email("csc.escalations"),
        hours=OFFICE_HOURS,
    )
    stages = [
        stage(
            "Talk to the social worker",
            contact(
                "The allocated social worker, or the team's duty social worker if the child has "
                "no allocated worker",
                hours=OFFICE_HOURS,
            ),
            within(2, note="the same day if the child may be at risk"),
            [
                "Phone rather than email: say what you are worried about and what you think "
                "should happen.",
                "Listen to their reasons. They may know things you do not, and you may know "
                "things they do not.",
                "Agree what happens next and by when, and both record it.",
                "If you cannot reach the social worker within a day, ask for the team's duty "
                "social worker.",
            ],
        ),
        stage(
            "Talk to their team manager",
            team_manager,
            within(1),
            [
                "Tell the social worker you are taking it to their manager.",
                "Explain the concern, what you have tried, and why it has not settled it.",
                "The team manager tells you their decision and the reasons by the end of the next "
                "working day.",
                "Record the decision, and whether you accept it.",
            ],
        ),
        stage(
            "Raise it with the service manager",
            service_manager,
            within(3),
            [
                "Send the written escalation notice to the service manager, copied to the "
                "partnership business manager.",
                "Use the child's record number, not their name, in the subject line.",
                "The service manager speaks to you and to the team manager, then writes to you "
                "with a decision.",
            ],
            written_notice=True,
        ),
        stage(
            "Take it to the Head of Safeguarding and Quality Assurance",
            contact(
                "Head of Safeguarding and Quality Assurance",
                phone=agency.phone(2),
                email=agency.email("safeguarding.qa"),
                hours=OFFICE_HOURS,
            ),
            within(5),
            [
                "Send the notice and the service manager's reply to the head of service.",
                "They read the child's records and may ask a child protection conference chair "
                "or an independent reviewing officer for advice.",
                "You get a written decision within 5 working days.",
            ],
        ),
        stage(
            "Refer it to the partnership",
            business_manager(),
            within(10),
            [
                "If it is still not resolved, the head of service or your own senior manager "
                "refers it to the partnership business manager.",
                "The business manager brings senior leaders of the agencies involved together.",
                "Their decision is final. What it teaches is shared through the partnership's "
                "learning reviews, without naming the child.",
            ],
        ),
    ]
    earlier = [dict(item) for item in stages]
    earlier[1] = stage(
        "Talk to their team manager",
        team_manager,
        within(2),
        [
            "Tell the social worker you are taking it to their manager.",
            "Explain the concern, what you have tried, and why it has not settled it.",
            "The team manager tells you their decision and the reasons within 2 working days.",
            "Record the decision, and whether you accept it.",
        ],
    )
    return GuideContent(
        summary=(
            "For anyone, in any agency, who disagrees with a decision children's social care "
            "has made about a child (a referral closed with no further action, an assessment "
            "you think missed something, a plan you think is not keeping a child safe), and for "
            "our own staff who disagree with a colleague."
        ),
        owner_title="Head of Safeguarding and Quality Assurance",
        stages=stages,
        earlier_stages=earlier,
        urgent_route=_front_door_route(
            "Give the child's name, date of birth and address, and what has changed or why you "
            "think the decision leaves them unsafe.",
            "The duty team manager decides the same day what will happen and tells you.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "The duty senior practitioner can see what the day team recorded and can act, "
            "including asking the police to visit.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "Most disagreements are settled by talking early. Try that first, within a "
                "working week, or faster if the child needs it.",
                "Respect each other's role and expertise, and share what you know that the other "
                "person may not.",
                PRINCIPLES_RECORD,
                PRINCIPLES_KEEP_WORKING,
            ],
            notice_when="From stage 3, if the team manager's decision has not resolved it.",
            send_to=service_manager,
            conference=(
                "If you disagree with a child protection conference's decision, say so to the "
                "chair during the conference so it is minuted. If it is not resolved there, write "
                "to the Safeguarding and Quality Assurance service manager within 5 working days "
                "of the conference; they reply in writing within 10 working days. The child's "
                "plan stands while your challenge is considered."
            ),
        ),
    )


# -- Police ------------------------------------------------------------------------------


def _police_out_of_hours(agency: Agency) -> StreamData:
    return route(
        OUT_OF_HOURS_TITLE,
        OUT_OF_HOURS_WHEN,
        contact(
            "Duty inspector, South East Basic Command Unit",
            phone=POLICE_NON_EMERGENCY,
            hours="At all times",
            textphone=f"{POLICE_NON_EMERGENCY} by Relay UK (18001 101)",
        ),
        [
            "If a child is in immediate danger, call 999.",
            "For a police decision that cannot wait, call 101 and ask for the South East duty "
            "inspector. Give your name, role and the crime or Merlin reference.",
            f"If the child needs children's social care tonight, phone the Emergency Duty Team "
            f"on {OUT_OF_HOURS_PHONE} as well.",
            "Email the detective sergeant in the case so they see it at the start of the next "
            "shift.",
        ],
    )


def met_police(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    detective_inspector = contact(
        "Detective Inspector, Public Protection, South East Basic Command Unit",
        phone=agency.phone(1),
        email=agency.email("publicprotection"),
        hours=OFFICE_HOURS,
    )
    return GuideContent(
        summary=(
            "For officers and staff of the Metropolitan Police in Lewisham who are worried that "
            "a concern about a child is not being acted on, and for partners who disagree with "
            "a police decision, such as not to attend a strategy discussion or to take no "
            "further action."
        ),
        owner_title="Detective Inspector, Public Protection",
        stages=[
            stage(
                "Talk to the officer in the case",
                contact(
                    "The officer in the case, or the officer who made the decision",
                    hours="Through the Police MASH desk",
                ),
                within(1, note="sooner if the child may be at risk"),
                [
                    "Explain what you are worried about and what you think should happen.",
                    "Check you are working from the same information: partners may hold records "
                    "the officer has not seen.",
                    "Agree what happens next and record it on the crime report or the Merlin "
                    "record (the Met's record of a child coming to police notice).",
                ],
            ),
            stage(
                "Ask the supervising sergeant",
                contact(
                    "Detective sergeant, Police MASH team, or the officer's own sergeant",
                    phone=agency.safeguarding_phone,
                    email=agency.safeguarding_email,
                    hours="Monday to Friday, 8am to 6pm",
                ),
                within(1),
                [
                    "The sergeant reviews the decision and the information behind it.",
                    "They tell you, the same day where they can, whether the decision stands.",
                    "Partners: if the sergeant cannot be reached, ask the MASH desk for the "
                    "on-call detective sergeant.",
                ],
            ),
            stage(
                "Ask the detective inspector to review it",
                detective_inspector,
                within(2),
                [
                    "Send the written escalation notice to the detective inspector, copied to "
                    "the partnership business manager.",
                    "Say what the sergeant decided and why you think it leaves the child unsafe.",
                    "The detective inspector replies in writing within 2 working days.",
                ],
                written_notice=True,
            ),
            stage(
                "Detective Chief Inspector and the partnership",
                contact(
                    "Detective Chief Inspector, Safeguarding, South East Basic Command Unit",
                    phone=agency.phone(2),
                    email=agency.email("safeguarding.dci"),
                    hours=OFFICE_HOURS,
                ),
                within(5),
                [
                    "The detective chief inspector reviews the case with the senior manager of "
                    "the other agency.",
                    "If they cannot agree, the DCI refers it to the partnership business manager "
                    "for the lead partners to decide.",
                ],
            ),
        ],
        urgent_route=route(
            URGENT_TITLE,
            "A child may be at risk of significant harm today because of a police decision, or "
            "needs a police response now.",
            contact(
                "On-call detective sergeant, Police MASH desk",
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours="Every day, 8am to 10pm",
            ),
            [
                "If a child is in immediate danger, call 999.",
                "Otherwise phone the MASH desk and ask for the on-call detective sergeant. Say "
                "you are escalating a decision.",
                "The sergeant reviews it straight away and tells you what the police will do.",
                f"If a child needs protecting today, tell the MASH on {FRONT_DOOR_PHONE} too.",
            ],
        ),
        out_of_hours_route=_police_out_of_hours(agency),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "Settle it at the lowest rank you can, and quickly: within a working day at "
                "each of the first two stages.",
                "Share what you know. Police intelligence may change a partner's view, and "
                "theirs may change yours.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 3, when you ask the detective inspector to review a decision.",
            send_to=detective_inspector,
            conference=(
                "Police are full members of child protection conferences. If the police "
                "disagree with a conference's decision, the officer says so at the conference "
                "and the detective sergeant writes to the conference chair within 5 working days."
            ),
        ),
    )


def child_abuse_investigation_team(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    detective_inspector = contact(
        "Detective Inspector, Child Abuse Investigation Team",
        phone=agency.phone(1),
        email=agency.email("di"),
        hours=OFFICE_HOURS,
    )
    stages = [
        stage(
            "Talk to the officer in the case",
            contact("The investigating detective constable", hours="Through the CAIT office"),
            within(24, TimescaleUnit.HOURS),
            [
                "Say what you disagree with: a decision not to investigate, not to join a "
                "strategy discussion, or to take no further action.",
                "Give any information the officer may not have.",
                "Agree what happens next and record it.",
            ],
        ),
        stage(
            "Ask the CAIT duty detective sergeant",
            contact(
                "CAIT duty detective sergeant",
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours="Monday to Friday, 8am to 8pm",
            ),
            within(1),
            [
                "The duty sergeant reviews the decision with the officer in the case.",
                "If a joint investigation with children's social care is needed, they arrange a "
                "strategy discussion with the MASH.",
            ],
        ),
        stage(
            "Ask the detective inspector to review it",
            detective_inspector,
            within(3),
            [
                "Send the written escalation notice to the detective inspector, copied to the "
                "partnership business manager.",
                "The detective inspector replies in writing within 3 working days.",
            ],
            written_notice=True,
        ),
        stage(
            "Specialist Crime senior leadership and the partnership",
            contact(
                "Detective Chief Inspector, Specialist Crime (Public Protection)",
                phone=agency.phone(2),
                email=agency.email("dci"),
                hours=OFFICE_HOURS,
            ),
            within(5),
            [
                "The detective chief inspector meets the other agency's senior manager.",
                "If they cannot agree, it goes to the partnership business manager for the lead "
                "partners.",
            ],
        ),
    ]
    earlier = [dict(item) for item in stages]
    earlier[0] = stage(
        "Talk to the officer in the case",
        contact("The investigating detective constable", hours="Through the CAIT office"),
        within(2),
        [
            "Say what you disagree with: a decision not to investigate, not to join a strategy "
            "discussion, or to take no further action.",
            "Give any information the officer may not have.",
            "Agree what happens next and record it.",
        ],
    )
    return GuideContent(
        summary=(
            "For partners who disagree with a decision of the Child Abuse Investigation Team "
            "about investigating a crime against a child, and for CAIT officers who disagree "
            "with a partner agency."
        ),
        owner_title="Detective Inspector, Child Abuse Investigation Team",
        stages=stages,
        earlier_stages=earlier,
        urgent_route=route(
            URGENT_TITLE,
            "A child may have been harmed and evidence or the child's safety depends on police "
            "acting today.",
            contact(
                "CAIT duty detective sergeant",
                phone=agency.safeguarding_phone,
                email=agency.safeguarding_email,
                hours="Monday to Friday, 8am to 8pm",
            ),
            [
                "If a child is in immediate danger, call 999.",
                "Phone the CAIT duty detective sergeant and say you are escalating a decision.",
                "The sergeant decides straight away whether to hold a strategy discussion with "
                "the MASH today.",
            ],
        ),
        out_of_hours_route=route(
            OUT_OF_HOURS_TITLE,
            OUT_OF_HOURS_WHEN,
            emergency_duty_team(),
            [
                "If a child is in immediate danger, call 999.",
                "Phone the Emergency Duty Team, who can reach the on-call CAIT detective "
                "sergeant through the Met's Central Communications Command.",
                "Email the CAIT office so the duty sergeant sees it first thing.",
            ],
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "Decisions about investigating a crime are the police's; decisions about "
                "protecting the child are shared. Be clear which you are disagreeing with.",
                "Raise it quickly: evidence can be lost and a child left unprotected while a "
                "disagreement waits.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 3, if the duty detective sergeant's review has not resolved it.",
            send_to=detective_inspector,
            conference=(
                "If CAIT disagrees with a conference's decision, the detective sergeant tells the "
                "chair at the conference and confirms it in writing within 5 working days."
            ),
        ),
    )


# -- Health --------------------------------------------------------------------------------


def integrated_care_board(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    designated_nurse = contact(
        "Designated nurse for safeguarding children (Lewisham)",
        phone=agency.phone(0),
        email=agency.safeguarding_email,
        hours=OFFICE_HOURS,
    )
    return GuideContent(
        summary=(
            "For the ICB's own staff, and for health professionals in Lewisham (GP practices, "
            "community and hospital services) who cannot settle a safeguarding disagreement "
            "within their own organisation."
        ),
        owner_title="Designated nurse for safeguarding children",
        stages=[
            stage(
                "Talk to the professional you disagree with",
                contact("The professional involved, in any agency"),
                within(5, note="sooner if the child needs it"),
                [
                    "Explain your concern and what you think should happen.",
                    "Agree what happens next and by when, and record it.",
                ],
            ),
            stage(
                "Ask your organisation's named professional",
                contact(
                    "Named nurse, named doctor or named GP for safeguarding children in your "
                    "organisation"
                ),
                within(2),
                [
                    "Your named professional advises you and may contact the other agency's "
                    "manager for you.",
                    "If you work for the ICB, ask the safeguarding adviser on duty.",
                ],
            ),
            stage(
                "Ask the designated professionals",
                designated_nurse,
                within(3),
                [
                    "Send the written escalation notice to the designated nurse, copied to the "
                    "partnership business manager.",
                    "The designated nurse or doctor speaks to their counterpart in the other "
                    "agency and replies in writing.",
                ],
                written_notice=True,
            ),
            stage(
                "Chief nurse and the partnership",
                contact(
                    "Chief Nurse, South East London ICB (executive lead for safeguarding)",
                    phone=agency.phone(1),
                    email=agency.email("chief.nurse"),
                    hours=OFFICE_HOURS,
                ),
                within(10),
                [
                    "The chief nurse takes it to the other lead partners through the "
                    "partnership business manager.",
                    "You are told the outcome in writing.",
                ],
            ),
        ],
        urgent_route=_front_door_route(
            "For urgent health advice, the designated nurse can be reached through the ICB's "
            "safeguarding duty line.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "For a medical opinion out of hours, ask for the on-call consultant paediatrician at "
            "University Hospital Lewisham.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "Health professionals see a child's health needs that others may not. Say what "
                "you have seen, plainly, without jargon.",
                "Use your named professional early: that is what they are for.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 3, when you go to the designated professionals.",
            send_to=designated_nurse,
            conference=(
                "Health staff who disagree with a conference's decision tell the chair at the "
                "conference and their named professional the same day; the named professional "
                "writes to the chair within 5 working days."
            ),
        ),
    )


def _named_nurse(agency: Agency, *, team: str) -> dict[str, str]:
    return contact(
        f"Named nurse for safeguarding children, {team}",
        phone=agency.safeguarding_phone,
        email=agency.safeguarding_email,
        hours=OFFICE_HOURS,
    )


def acute_trust(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    head = contact(
        "Head of safeguarding children",
        phone=agency.phone(1),
        email=agency.email("head.safeguarding"),
        hours=OFFICE_HOURS,
    )
    return GuideContent(
        summary=(
            f"For staff of {agency.name}, in hospital and in the community, who are worried that "
            "a concern about a child is not being acted on, inside the trust or by another "
            "agency."
        ),
        owner_title="Named nurse for safeguarding children",
        stages=[
            stage(
                "Talk to the professional",
                contact("The professional involved, in the trust or another agency"),
                within(2, note="before the end of your shift if the child is in hospital"),
                [
                    "Explain what you are worried about and what you think should happen.",
                    "Agree what happens next and record it in the child's health record.",
                ],
            ),
            stage(
                "Tell your ward manager or team leader, and the safeguarding team",
                contact(
                    "Ward manager or team leader, with the safeguarding children team",
                    phone=agency.phone(0),
                    email=agency.safeguarding_email,
                    hours=OFFICE_HOURS,
                ),
                within(1),
                [
                    "Your manager and the safeguarding children team decide with you whether to "
                    "take it further.",
                    "Complete a safeguarding record on the electronic patient record.",
                ],
            ),
            stage(
                "Ask the named nurse or named doctor",
                _named_nurse(agency, team="trust safeguarding children team"),
                within(2),
                [
                    "The named professional contacts their counterpart in the other agency.",
                    "They tell you the outcome and record it.",
                ],
            ),
            stage(
                "Head of safeguarding children",
                head,
                within(5),
                [
                    "Send the written escalation notice to the head of safeguarding, copied to "
                    "the partnership business manager.",
                    "The head of safeguarding takes it to the other agency's senior manager.",
                ],
                written_notice=True,
            ),
            stage(
                "Designated nurse and the partnership",
                contact(
                    "Designated nurse for safeguarding children, South East London ICB",
                    phone=agencies[orgs.ICB].phone(0),
                    email=agencies[orgs.ICB].safeguarding_email,
                    hours=OFFICE_HOURS,
                ),
                within(10),
                [
                    "The designated nurse reviews it with the lead partners through the "
                    "partnership business manager.",
                ],
            ),
        ],
        urgent_route=_front_door_route(
            "If the child is on a ward, do not discharge them until the MASH and the "
            "safeguarding children team have agreed a safe plan.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "In the hospital, tell the site manager and the on-call consultant paediatrician too.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "A child in hospital must not go home while a safeguarding disagreement about "
                "their safety is unresolved.",
                "Ask the safeguarding children team for advice at any stage.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 4, when the named professional's approach has not resolved it.",
            send_to=head,
            conference=(
                "Tell the conference chair at the conference, and the safeguarding children team "
                "the same day. The named nurse writes to the chair within 5 working days."
            ),
        ),
    )


def mental_health_trust(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    named_nurse = _named_nurse(agency, team="Lewisham")
    return GuideContent(
        summary=(
            "For South London and Maudsley staff in Lewisham (CAMHS, adult mental health and "
            "inpatient teams) who are worried about a child, including the children of adults "
            "in our care, and whose concern is not being acted on."
        ),
        owner_title="Named nurse for safeguarding children",
        stages=[
            stage(
                "Talk to the professional",
                contact("The professional involved, in SLaM or another agency"),
                within(5, note="sooner if the child may be at risk"),
                [
                    "Think about the children of the adults you see, not only your patients.",
                    "Explain your concern, agree what happens next, and record it in the "
                    "patient's record.",
                ],
            ),
            stage(
                "Discuss it with your team leader",
                contact("Your team leader or consultant"),
                within(2),
                ["Agree with your team leader whether to take it further, and record it."],
            ),
            stage(
                "Ask the named nurse for safeguarding children",
                named_nurse,
                within(3),
                [
                    "Send the written escalation notice to the named nurse, copied to the "
                    "partnership business manager.",
                    "The named nurse contacts the other agency's manager and tells you the "
                    "outcome.",
                ],
                written_notice=True,
            ),
            stage(
                "Director of nursing and the partnership",
                contact(
                    "Director of nursing (executive lead for safeguarding)",
                    phone=agency.phone(1),
                    email=agency.email("director.nursing"),
                    hours=OFFICE_HOURS,
                ),
                within(5),
                [
                    "The director of nursing reviews it with the designated nurse at the ICB.",
                    "If it is still not resolved, they refer it to the partnership business "
                    "manager.",
                ],
            ),
        ],
        urgent_route=_front_door_route(
            "If the risk comes from a parent's mental health crisis, tell the home treatment "
            "team as well.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "For a patient in crisis, the SLaM 24-hour mental health crisis line can also help.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "A parent's confidentiality does not outweigh a child's safety.",
                "Ask the safeguarding children team for advice at any stage.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 3, when you ask the named nurse to take it up.",
            send_to=named_nurse,
            conference=(
                "If you disagree with a conference's decision, tell the chair at the conference "
                "and the named nurse the same day; the named nurse writes to the chair within 5 "
                "working days."
            ),
        ),
    )


# -- GP practices ------------------------------------------------------------------------------


def gp_practice(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    icb = agencies[orgs.ICB]
    designated_nurse = contact(
        "Designated nurse for safeguarding children, South East London ICB",
        phone=icb.phone(0),
        email=icb.safeguarding_email,
        hours=OFFICE_HOURS,
    )
    lead = contact(
        "GP safeguarding lead",
        name=f"Dr {agency.lead_name}" if agency.lead_name else "",
        phone=agency.safeguarding_phone,
        email=agency.safeguarding_email,
        hours=SURGERY_HOURS,
    )
    return GuideContent(
        summary=(
            f"For the GPs, nurses and reception team at {agency.name} who are worried that a "
            "concern about a child is not being acted on by another agency."
        ),
        owner_title="GP safeguarding lead",
        stages=[
            stage(
                "Talk to the professional",
                contact("The professional involved, such as the child's social worker"),
                within(5, note="sooner if the child may be at risk"),
                [
                    "Explain your concern and what you think should happen.",
                    "Record the conversation in the child's notes with the safeguarding code.",
                ],
            ),
            stage(
                "Tell the practice safeguarding lead",
                lead,
                within(1),
                [
                    "The safeguarding lead reviews the notes with you and contacts the other "
                    "agency's manager.",
                    "Discuss the child at the practice's monthly safeguarding meeting too.",
                ],
            ),
            stage(
                "Ask the named GP for safeguarding",
                contact(
                    "Named GP for safeguarding children, South East London ICB (Lewisham)",
                    phone=icb.phone(2),
                    email=icb.email("named.gp"),
                    hours=OFFICE_HOURS,
                ),
                within(3),
                ["The named GP advises the practice and may contact the agency for you."],
            ),
            stage(
                "Designated nurse and the partnership",
                designated_nurse,
                within(5),
                [
                    "Send the written escalation notice to the designated nurse, copied to the "
                    "partnership business manager.",
                    "The designated nurse takes it to the other agency's senior manager, and to "
                    "the partnership if needed.",
                ],
                written_notice=True,
            ),
        ],
        urgent_route=_front_door_route(
            "Do not send the patient home without a plan if they or a child are at risk today.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "If you are working for the out-of-hours GP service, record the call in the "
            "patient's notes and tell the practice next morning.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "GPs know the whole family's health history. Share what is relevant, even if "
                "you were not asked.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 4, when you ask the designated nurse to take it up.",
            send_to=designated_nurse,
            conference=(
                "The practice sends a report to every child protection conference for a "
                "registered child. If it disagrees with the decision, the safeguarding lead "
                "writes to the chair within 5 working days."
            ),
        ),
    )


# -- Schools ---------------------------------------------------------------------------------


def school(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    headteacher = contact(
        "Headteacher", phone=agency.phone(1), email=agency.email("head"), hours=SCHOOL_HOURS
    )
    dsl = contact(
        "Designated safeguarding lead",
        name=agency.lead_name,
        phone=agency.safeguarding_phone,
        email=agency.safeguarding_email,
        hours=SCHOOL_HOURS,
    )
    tell_the_chair = (
        "The headteacher tells the chair of governors that a concern has been escalated, "
        "without naming the child."
    )
    stages = [
        stage(
            "Tell the designated safeguarding lead",
            dsl,
            immediately("the same day, before you go home"),
            [
                "Tell the DSL in person, or a deputy if the DSL is not in school.",
                "Write down what you saw or heard, in the child's words, on the school's "
                "safeguarding record.",
                "If no DSL or deputy is available and a child is at risk, phone the MASH yourself.",
            ],
        ),
        stage(
            "The DSL talks to the professional",
            contact(
                "The designated safeguarding lead, with the social worker or other "
                "professional involved"
            ),
            within(1),
            [
                "The DSL explains the school's concern and what it thinks should happen.",
                "They agree next steps and record the conversation.",
            ],
        ),
        stage(
            "The DSL asks their manager",
            contact("The professional's team manager (for social care, through the MASH)"),
            within(2),
            [
                "The DSL phones the team manager and follows it up by email.",
                "The DSL tells the headteacher.",
            ],
        ),
        stage(
            "The headteacher writes to the service manager",
            headteacher,
            within(5),
            [
                "The headteacher sends the written escalation notice to the agency's service "
                "manager, copied to the partnership business manager.",
                tell_the_chair,
            ],
            written_notice=True,
        ),
        stage(
            "Refer it to the partnership",
            business_manager(),
            within(10),
            ["The partnership business manager brings senior leaders together to decide."],
        ),
    ]
    earlier = None
    if agency.slug == orgs.DEMO_SCHOOL:
        earlier = [dict(item) for item in stages]
        earlier[3] = stage(
            "The headteacher writes to the service manager",
            headteacher,
            within(5),
            ["The headteacher writes to the agency's service manager.", tell_the_chair],
        )
    return GuideContent(
        summary=(
            f"For staff, volunteers and governors of {agency.name} who are worried about a "
            "child, and for the designated safeguarding lead when another agency's response "
            "does not keep the child safe."
        ),
        owner_title="Designated safeguarding lead",
        stages=stages,
        earlier_stages=earlier,
        urgent_route=_front_door_route(
            "Keep the child safe in school until you know what will happen; do not send them "
            "home if that is where the risk is.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "In the holidays, the DSL can be reached through the school office's holiday "
            "contact number.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "Staff never decide alone whether something is serious enough to pass on: "
                "tell the DSL.",
                "The DSL may challenge any agency's decision, whatever its seniority.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 4, when the headteacher writes to the agency's service manager.",
            send_to=headteacher,
            conference=(
                "The DSL or a deputy attends every child protection conference for a pupil. If "
                "the school disagrees with a decision, the DSL says so at the conference and "
                "writes to the chair within 5 working days."
            ),
        ),
    )


# -- Voluntary organisations -------------------------------------------------------------


def voluntary(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    dsl = contact(
        "Designated safeguarding lead",
        name=agency.lead_name,
        phone=agency.safeguarding_phone,
        email=agency.safeguarding_email,
        hours=OFFICE_HOURS,
    )
    charity = agency.slug == orgs.YOUTH_CHARITY
    senior = contact(
        "Chair of trustees (safeguarding trustee)"
        if charity
        else "Children's services manager, Barnardo's London",
        phone=agency.phone(1),
        email=agency.email("trustees" if charity else "childrens.services"),
        hours=OFFICE_HOURS,
    )
    return GuideContent(
        summary=(
            f"For staff and volunteers of {agency.name} who are worried that a concern about a "
            "child or young person is not being acted on by a statutory agency."
        ),
        owner_title="Designated safeguarding lead",
        stages=[
            stage(
                "Tell your designated safeguarding lead",
                dsl,
                immediately("the same day") if charity else within(1),
                [
                    "Volunteers: tell the DSL before you leave the session.",
                    "Write down what you saw or heard, and when, on the incident form.",
                ],
            ),
            stage(
                "The DSL talks to the professional",
                contact("The designated safeguarding lead, with the professional involved"),
                within(5 if charity else 2),
                [
                    "The DSL explains the concern and asks what the agency plans to do.",
                    "They agree next steps and record the conversation.",
                ],
            ),
            stage(
                "The DSL writes to the agency's manager",
                contact("The professional's team manager"),
                within(2 if charity else 3),
                [
                    "The DSL sends the written escalation notice to the manager, copied to the "
                    "partnership business manager.",
                ],
                written_notice=True,
            ),
            stage(
                "Trustees and the partnership" if charity else "Barnardo's and the partnership",
                senior,
                within(10 if charity else 5),
                [
                    "If it is still not resolved, the DSL asks the named senior person to take "
                    "it up with the agency's senior manager.",
                    "They refer it to the partnership business manager if needed.",
                ],
            ),
        ],
        urgent_route=_front_door_route(
            "If you are with the young person, stay with them until you know what will happen.",
        ),
        out_of_hours_route=_out_of_hours_route(
            "Evening youth sessions: the session lead phones the Emergency Duty Team, then "
            "tells the DSL by text or email that night.",
        ),
        disagreement=disagreement(
            [
                PRINCIPLES_CHILD_FIRST,
                "Voluntary organisations are partners, not bystanders: your view counts as much "
                "as any statutory agency's.",
                "Advocates support parents, but the child's safety comes first."
                if not charity
                else "Young people should know, where it is safe, that you are raising a concern.",
                PRINCIPLES_RECORD,
            ],
            notice_when="At stage 3, when the DSL writes to the agency's manager.",
            send_to=dsl,
            conference=(
                "Advocates attend conferences with parents, not as members. If the service "
                "thinks a decision leaves a child unsafe, the DSL writes to the chair within 5 "
                "working days."
                if not charity
                else "If the project disagrees with a conference's decision, the DSL writes to "
                "the chair within 5 working days."
            ),
        ),
    )


GuideWriter = Callable[[Agency, Mapping[str, Agency]], GuideContent]

# Organisations with a guide of their own; the rest take their sector's.
GUIDES_BY_ORGANISATION: dict[str, GuideWriter] = {
    orgs.CHILDRENS_SOCIAL_CARE: childrens_social_care,
    orgs.MET_POLICE: met_police,
    orgs.CAIT: child_abuse_investigation_team,
    orgs.ICB: integrated_care_board,
    orgs.MENTAL_HEALTH_TRUST: mental_health_trust,
}
GUIDES_BY_SECTOR: dict[str, GuideWriter] = {
    Sector.HEALTH_TRUST: acute_trust,
    Sector.GP_PRACTICE: gp_practice,
    Sector.SCHOOL: school,
    Sector.VOLUNTARY: voluntary,
}


def guide_content(agency: Agency, agencies: Mapping[str, Agency]) -> GuideContent:
    writer = GUIDES_BY_ORGANISATION.get(agency.slug) or GUIDES_BY_SECTOR[agency.spec.sector]
    return writer(agency, agencies)
