"""The partnership's own procedures, under /procedures/: information sharing, communicating with
families and professionals, and resolving professional differences.

They point to the London multi-agency safeguarding data sharing agreement and the Department for
Education's information-sharing advice rather than inventing a protocol of their own (DOMAIN.md,
"Data protection"). The information-sharing protocol has two editions: the first summarised the
2018 advice, the second the 2024 advice, whose seven golden rules it puts in its own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from demo.cms.contacts import (
    FRONT_DOOR_PHONE,
    OUT_OF_HOURS_PHONE,
    business_manager,
    front_door,
)

StreamData = list[dict[str, Any]]

LONDON_PROCEDURES_URL = "https://www.londonsafeguardingchildrenprocedures.co.uk/"
LONDON_PUBLISHER = "London Safeguarding Children Partnership"
INFORMATION_SHARING_URL = "https://www.gov.uk/government/publications/safeguarding-practitioners-information-sharing-advice"
DFE = "Department for Education"
WORKING_TOGETHER_URL = (
    "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2"
)

INFORMATION_SHARING = "information-sharing-protocol"
COMMUNICATING = "communicating-with-families-and-professionals"
RESOLVING_DIFFERENCES = "resolving-professional-differences"


@dataclass(frozen=True)
class ProcedureContent:
    """One partnership `ProcedurePage`. `earlier_body` is its first edition's, when it has two.

    `published_days_ago` is when the current edition was published (and last reviewed); the
    earlier edition, if any, a year before that.
    """

    slug: str
    title: str
    summary: str
    body: StreamData
    published_days_ago: int
    earlier_body: StreamData | None = None


def heading(text: str) -> dict[str, Any]:
    return {"type": "heading", "value": text}


def paragraph(*sentences: str) -> dict[str, Any]:
    return {"type": "paragraph", "value": "<p>" + " ".join(sentences) + "</p>"}


def steps(title: str, *items: str) -> dict[str, Any]:
    return {"type": "steps", "value": {"title": title, "steps": list(items)}}


def inset(text: str) -> dict[str, Any]:
    return {"type": "inset", "value": text}


def warning(text: str) -> dict[str, Any]:
    return {"type": "warning", "value": text}


def details(summary: str, *sentences: str) -> dict[str, Any]:
    return {
        "type": "details",
        "value": {"summary": summary, "text": "<p>" + " ".join(sentences) + "</p>"},
    }


def external_link(title: str, url: str, publisher: str, description: str) -> dict[str, Any]:
    return {
        "type": "external_link",
        "value": {"title": title, "url": url, "publisher": publisher, "description": description},
    }


def contact_block(value: dict[str, str]) -> dict[str, Any]:
    return {"type": "contact", "value": value}


LONDON_AGREEMENT = external_link(
    "London multi-agency safeguarding data sharing agreement",
    LONDON_PROCEDURES_URL,
    LONDON_PUBLISHER,
    "What police, health, local authorities, schools and others in London share to keep "
    "children safe, and how. Every Lewisham partner has signed it.",
)

GOLDEN_RULES_2024 = steps(
    "The seven golden rules, in our words",
    "Every child has the right to be protected from abuse and neglect, and that comes before "
    "anyone's privacy, including the privacy of adults who fail to protect them. Data "
    "protection law allows sharing that is justified, necessary and proportionate.",
    "When it is practical and safe, tell the child or their carers who you will share with, "
    "what and why. Do not tell them if that could put the child at greater risk.",
    "You do not need consent to share information about a child or their family if a child is "
    "at risk of harm. You do need a lawful reason, and keeping a child safe is one.",
    "Ask for advice quickly when you are unsure, from your safeguarding lead or data protection "
    "officer. Do not let the question hold you up.",
    "Protect the identity of anyone who could be harmed if an abuser learnt who they are, and "
    "make sure whoever receives the information does the same.",
    "Share only relevant, accurate information, only with people who have a part in keeping "
    "the child safe or supporting the family, and only what they need.",
    "Record why you decided to share, or not to share, every time.",
)

GOLDEN_RULES_2018 = steps(
    "The seven golden rules, in our words",
    "Data protection law is not a barrier to sharing information to keep a child safe. It "
    "makes sure information is shared properly.",
    "Be open and honest with the family from the start about why, what, how and with whom you "
    "will share, unless that would be unsafe.",
    "Ask your safeguarding lead for advice if you are unsure, without naming the person if you "
    "can.",
    "Share with consent where that is appropriate, and respect the wishes of those who do not "
    "consent, unless you have a lawful reason to share without it, such as a risk to a child.",
    "Base your decision on the safety and wellbeing of the child and of others who may be "
    "affected.",
    "Share only what is necessary, proportionate, relevant, adequate, accurate, timely and secure.",
    "Record your decision and the reasons for it, whether you share or not.",
)


def _information_sharing_body(*, rules: dict[str, Any], advice: dict[str, Any]) -> StreamData:
    return [
        inset("Fears about sharing information must not stand in the way of keeping a child safe."),
        heading("When to share"),
        paragraph(
            "Share information when it will help keep a child safe, or help a child and family "
            "get the support they need early. Working Together to Safeguard Children expects "
            "every practitioner to share information promptly with the people who need it, and "
            "to record why.",
        ),
        warning(
            "Do not wait for consent if asking for it could put a child at risk, or if a child "
            "may be suffering significant harm. Phone the MASH now."
        ),
        heading("The seven golden rules"),
        paragraph("The national advice sets out seven golden rules for sharing information."),
        rules,
        heading("How to share"),
        steps(
            "Before you share",
            "Check who needs to know, and share only what they need.",
            "Make sure it is accurate and up to date. Say what is fact, what someone told you, "
            "and what is your opinion.",
            "Share it securely: phone first, then confirm by secure email. Never put a child's "
            "name in an email's subject line.",
            "Share it in time: a concern about significant harm is shared the same day.",
            "Record what you shared, with whom, when and why. If you decided not to share, "
            "record that and why.",
        ),
        details(
            "Sharing without consent",
            "You need a lawful reason to share, not consent. For public bodies it is usually "
            "their public task or a legal duty, and the Data Protection Act 2018 allows sensitive "
            "information, such as health information, to be shared to safeguard children. "
            "Tell the family you are sharing unless that would put the child at risk, get in the "
            "way of a police investigation, or put you at risk.",
        ),
        details(
            "Information about adults in the family",
            "A parent's mental health, substance use, offending or experience of domestic abuse "
            "can be shared when it affects the child's safety. Share what is relevant to the "
            "child, not the adult's whole history.",
        ),
        heading("The agreements we follow"),
        paragraph(
            "Lewisham's partners follow the London agreement rather than one of our own. It "
            "covers what can be shared between agencies, how, and who to ask.",
        ),
        LONDON_AGREEMENT,
        advice,
        heading("Who to ask"),
        paragraph(
            "Ask your own safeguarding lead or data protection officer first. For questions "
            "about this protocol, contact the partnership business unit.",
        ),
        contact_block(business_manager()),
    ]


INFORMATION_SHARING_PROCEDURE = ProcedureContent(
    slug=INFORMATION_SHARING,
    title="Information sharing protocol",
    summary=(
        "When and how practitioners in Lewisham share information to keep children safe, the "
        "seven golden rules, and the London agreement that makes it lawful."
    ),
    body=_information_sharing_body(
        rules=GOLDEN_RULES_2024,
        advice=external_link(
            "Information sharing: advice for practitioners providing safeguarding services",
            INFORMATION_SHARING_URL,
            DFE,
            "The national advice (2024) on sharing information to safeguard children, young "
            "people, parents and carers, including the seven golden rules.",
        ),
    ),
    earlier_body=_information_sharing_body(
        rules=GOLDEN_RULES_2018,
        advice=external_link(
            "Information sharing: advice for practitioners providing safeguarding services to "
            "children, young people, parents and carers",
            INFORMATION_SHARING_URL,
            DFE,
            "The national advice (2018) on sharing information to safeguard children.",
        ),
    ),
    published_days_ago=150,
)

COMMUNICATING_PROCEDURE = ProcedureContent(
    slug=COMMUNICATING,
    title="Communicating with families and professionals",
    summary=(
        "How and when to talk to families and to other professionals about a concern, and how "
        "to confirm and record what was said."
    ),
    body=[
        heading("Talk first, then write it down"),
        paragraph(
            "Most misunderstandings between agencies start with an email nobody answered. Phone "
            "or meet to discuss a concern about a child, then confirm in writing what was "
            "agreed.",
        ),
        steps(
            "After every conversation about a concern",
            "Confirm in writing within one working day what was agreed, who will do what, and "
            "by when.",
            "Say plainly what is fact, what someone told you, and what is your opinion.",
            "Record it in the child's record in your own organisation, with the date, the time "
            "and who took part.",
            "If you do not get a reply you need, follow it up. Silence is not agreement.",
        ),
        heading("Telling families"),
        paragraph(
            "Tell parents and carers, and the child if they are old enough to understand, what "
            "you are worried about and what you are going to do. Families who know what is "
            "happening and why are more likely to work with us.",
        ),
        warning(
            "Do not tell the family before you make a referral if that could put the child or "
            "anyone else at greater risk, or affect a police investigation: for example when "
            "you suspect sexual abuse within the family or an illness that is being fabricated. "
            "Ask the MASH if you are not sure."
        ),
        heading("Interpreters and communication needs"),
        paragraph(
            "Use a professional interpreter whenever you discuss a concern with someone whose "
            "first language is not English, or who uses British Sign Language. Never ask a "
            "child, a relative or a family friend to interpret. Book an interpreter for the "
            "family's language and dialect, allow extra time, and check they have understood.",
        ),
        details(
            "Children who communicate differently",
            "Disabled children and children with speech, language or communication needs have "
            "as much to tell us as anyone. Use the way they communicate, ask the people who "
            "know them best how to do that, and ask the police for an intermediary when a child "
            "is to be interviewed.",
        ),
        heading("Strategy discussions"),
        paragraph(
            "When children's social care think a child may be suffering significant harm, they "
            "hold a strategy discussion with the police, health and others who know the child, "
            "usually the same or the next working day.",
        ),
        steps(
            "If you are invited to a strategy discussion",
            "Check your records, and your colleagues', before it starts.",
            "Join on time, or send someone who can speak for your agency: they are often held "
            "by phone or video at short notice.",
            "Say what you know and how you know it.",
            "Read the written record when it comes, and say within two working days if anything "
            "in it is wrong.",
        ),
        heading("Writing about children"),
        inset("Write as if the child will read it one day. Many do."),
        external_link(
            "London Safeguarding Children Procedures",
            LONDON_PROCEDURES_URL,
            LONDON_PUBLISHER,
            "The procedures every London agency follows, including strategy discussions and "
            "working with interpreters.",
        ),
        contact_block(front_door()),
    ],
    published_days_ago=240,
)

RESOLVING_DIFFERENCES_PROCEDURE = ProcedureContent(
    slug=RESOLVING_DIFFERENCES,
    title="Resolving professional differences (escalation policy)",
    summary=(
        "What every agency in Lewisham agrees to do when professionals disagree about a "
        "child's safety: the principles, the four levels, the written escalation notice and how "
        "the partnership decides."
    ),
    body=[
        paragraph(
            "Working Together to Safeguard Children 2023 expects every agency to give its staff "
            "a clear way to escalate a concern that is not being acted on, and the partners to "
            "agree how disagreements between agencies are resolved. This is that agreement. "
            "Each organisation's own guide names the people at each stage: find it on the "
            "organisation's page, or set two organisations side by side with "
            '<a href="/where-to-escalate/">where to escalate a concern</a>.',
        ),
        warning(
            f"If a child may be at risk of significant harm today, do not wait for the levels "
            f"below: phone the MASH on {FRONT_DOOR_PHONE}, or the Emergency Duty Team on "
            f"{OUT_OF_HOURS_PHONE} out of hours."
        ),
        heading("What we agree"),
        steps(
            "Principles",
            "The child's safety comes first, before any agency's procedures or reputation.",
            "Challenge is healthy. Professionals are expected to question each other's "
            "decisions, and nobody is criticised for escalating in good faith.",
            "Resolve it at the lowest level you can, as quickly as the child needs.",
            "Keep working together with the child and family while it is being resolved.",
            "Record every conversation, decision and reason.",
        ),
        heading("The four levels"),
        steps(
            "How a disagreement is escalated",
            "Practitioners talk to each other and try to resolve it within a working week, or "
            "sooner if the child needs it.",
            "First-line managers take it up: for the police a detective sergeant, for health the "
            "named or designated professional, for schools the designated safeguarding lead, for "
            "social care the team manager. They talk within 1 working day and decide within 1 "
            "more.",
            "Senior managers: a written escalation notice goes to the other agency's senior "
            "manager, copied to the partnership business manager. They reply within 5 working "
            "days.",
            "The partnership: the business manager brings the lead partners' senior leaders "
            "together, who decide within 10 working days. Their decision is final.",
        ),
        details(
            "What goes in a written escalation notice",
            "Your name, role and organisation; the other agency and the decision you disagree "
            "with; what was tried at the first two levels; what you think should happen and "
            "why; and the child's record number in each agency. Do not put the child's name in "
            "the subject line, and send it by secure email.",
        ),
        details(
            "Disagreeing with a child protection conference",
            "Tell the chair during the conference, so your view is minuted. If it is not "
            "resolved there, write to the Safeguarding and Quality Assurance service manager in "
            "children's social care within 5 working days. The child's plan stands while the "
            "challenge is considered.",
        ),
        heading("What the partnership learns"),
        paragraph(
            "The business manager counts escalations by agency, level and outcome, never by "
            "child, and reports them to the partnership every quarter. Patterns go to the "
            "learning and improvement group.",
        ),
        contact_block(business_manager()),
        external_link(
            "London Safeguarding Children Procedures: resolving professional disagreements",
            LONDON_PROCEDURES_URL,
            LONDON_PUBLISHER,
            "The London procedure this policy follows.",
        ),
        external_link(
            "Working Together to Safeguard Children 2023",
            WORKING_TOGETHER_URL,
            DFE,
            "The statutory guidance on how agencies work together to safeguard children.",
        ),
    ],
    published_days_ago=300,
)

PROCEDURES = [
    INFORMATION_SHARING_PROCEDURE,
    COMMUNICATING_PROCEDURE,
    RESOLVING_DIFFERENCES_PROCEDURE,
]
