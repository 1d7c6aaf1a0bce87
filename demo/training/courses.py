"""The courses of the demo programme: a local pathway from level 1 e-learning through the
multi-agency "Working Together" day to level 3 specialist courses, plus the schools' own
courses (designated safeguarding leads, governors, safer recruitment).

Terms follow what partnerships publish (see DOMAIN.md, "How partnerships run booking"): free
for partner agencies, private and independent providers pay by length; cancelling fewer than
3 working days before, or not coming, is charged by length (£40 to cancel late; £40 not to come
to a half day, £90 to a whole day, £180 to two days). Governors are volunteers and e-learning
has no places to waste, so neither is charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from demo.organisations.context import DemoSeed
from demo.training import standards as std
from organisations.enums import Sector
from training.enums import Delivery
from training.models import Course, CourseAudienceSector, CourseFee, TrainingStandard

WORKING_TOGETHER = "working-together-to-safeguard-children"
NEGLECT = "neglect-recognising-and-responding"
DOMESTIC_ABUSE = "domestic-abuse-and-its-impact-on-children"
CP_CONFERENCES = "child-protection-conferences-and-core-groups"
INFORMATION_SHARING = "information-sharing-for-safeguarding"
LEVEL_1_ELEARNING = "safeguarding-children-level-1-e-learning"
DSL_NEW_TO_ROLE = "designated-safeguarding-lead-new-to-role"
GOVERNORS = "governor-safeguarding-training"
SAFER_RECRUITMENT = "safer-recruitment-in-education"
CONTEXTUAL_SAFEGUARDING = "contextual-safeguarding-and-exploitation"
CHILD_SEXUAL_ABUSE = "recognising-and-responding-to-child-sexual-abuse"
PRACTICE_REVIEWS = "learning-from-child-safeguarding-practice-reviews"

HALF_DAY = Decimal("3")
FULL_DAY = Decimal("6.5")
TWO_DAYS = Decimal("13")

# What cancelling late and not attending cost, by length (late cancellation, did not attend).
CHARGES_BY_LENGTH = {
    HALF_DAY: (Decimal(40), Decimal(40)),
    FULL_DAY: (Decimal(40), Decimal(90)),
    TWO_DAYS: (Decimal(90), Decimal(180)),
}
NO_CHARGES = (Decimal(0), Decimal(0))
# Partner agencies and local not-for-profits train free; private, voluntary and independent
# nurseries and other private providers pay per half or whole day.
PAYING_SECTORS = (Sector.EARLY_YEARS, Sector.OTHER)
FEES_BY_LENGTH = {HALF_DAY: Decimal(50), FULL_DAY: Decimal(100), TWO_DAYS: Decimal(200)}


@dataclass(frozen=True)
class CourseSpec:
    """One course. `charged` False means neither a late cancellation nor a no-show costs
    anything; otherwise the charges follow the length."""

    title: str
    slug: str
    summary: str
    outcomes: tuple[str, ...]
    standards: tuple[str, ...]
    delivery: Delivery
    length_hours: Decimal
    cpd_hours: Decimal
    is_multi_agency: bool = True
    requires_manager_approval: bool = False
    prerequisites: tuple[str, ...] = ()
    audience_sectors: tuple[Sector, ...] = ()
    charged: bool = True
    cancellation_deadline_working_days: int = 3
    late_arrival_cutoff_minutes: int = 20

    @property
    def charges(self) -> tuple[Decimal, Decimal]:
        """The late-cancellation and did-not-attend charges."""
        return CHARGES_BY_LENGTH[self.length_hours] if self.charged else NO_CHARGES


COURSES = [
    CourseSpec(
        "Working Together to Safeguard Children",
        WORKING_TOGETHER,
        "The partnership's core multi-agency day: how agencies in Lewisham work together to "
        "keep children safe, from a first worry to a child protection plan.",
        (
            "Describe the roles of children's social care, the police, health and schools in "
            "safeguarding children.",
            "Recognise the signs of abuse and neglect and know what to do about them.",
            "Make a good-quality referral to the Multi-Agency Safeguarding Hub (MASH).",
            "Explain what happens in a strategy discussion and a section 47 enquiry.",
            "Use the partnership's escalation procedure when you disagree with a decision.",
        ),
        (std.LEVEL_2,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
    ),
    CourseSpec(
        "Neglect: recognising and responding",
        NEGLECT,
        "Neglect is the most common reason for a child protection plan in Lewisham. This day "
        "looks at how to spot it early, measure it and act before it becomes entrenched.",
        (
            "Recognise the signs of neglect at each age and stage.",
            "Use the Graded Care Profile 2 to assess the care a child receives.",
            "Work with parents who find it hard to change, without losing sight of the child.",
            "Record and share concerns so that drift and delay are noticed.",
        ),
        (std.LEVEL_3,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
        requires_manager_approval=True,
    ),
    CourseSpec(
        "Domestic abuse and its impact on children",
        DOMESTIC_ABUSE,
        "How domestic abuse harms children, who are victims in their own right under the "
        "Domestic Abuse Act 2021, and how agencies can keep them and the adult victim safe.",
        (
            "Understand coercive control and the forms domestic abuse takes.",
            "Describe the impact on unborn babies, children and young people.",
            "Complete a DASH risk assessment and know when to refer to MARAC.",
            "Plan safely with the adult victim and the children.",
        ),
        (std.LEVEL_3,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
    ),
    CourseSpec(
        "Child protection conferences and core groups",
        CP_CONFERENCES,
        "What is expected of you at an initial or review child protection conference and in "
        "the core group that follows. For practitioners who will attend or contribute.",
        (
            "Write a clear report for a conference and share it with the family beforehand.",
            "Take part in the conference's decision and explain it to the family.",
            "Contribute to a child protection plan that is specific and measurable.",
            "Play your part in the core group and know when to raise concerns.",
        ),
        (std.LEVEL_3,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
        requires_manager_approval=True,
        prerequisites=(WORKING_TOGETHER,),
    ),
    CourseSpec(
        "Information sharing for safeguarding",
        INFORMATION_SHARING,
        "A half-day online session on when and how to share information to protect a child, "
        "using the government's advice for practitioners and the London data sharing agreement.",
        (
            "Apply the seven golden rules of information sharing.",
            "Explain why data protection law is not a barrier to sharing information.",
            "Decide when to share without consent, and record why.",
        ),
        (std.LEVEL_2,),
        Delivery.VIRTUAL,
        HALF_DAY,
        Decimal(3),
    ),
    CourseSpec(
        "Safeguarding children level 1 e-learning",
        LEVEL_1_ELEARNING,
        "An introduction for everyone who works or volunteers with children or their families, "
        "at your own pace online. It takes about two hours.",
        (
            "Recognise that a child may be at risk of harm.",
            "Know who to tell in your organisation and how to contact the MASH.",
            "Understand your own responsibility to act.",
        ),
        (std.LEVEL_1,),
        Delivery.ELEARNING,
        Decimal(2),
        Decimal(2),
        is_multi_agency=False,
        charged=False,
    ),
    CourseSpec(
        "Designated safeguarding lead: new to role",
        DSL_NEW_TO_ROLE,
        "Two days for new designated safeguarding leads and deputies in schools, covering the "
        "role set out in Keeping Children Safe in Education.",
        (
            "Understand the DSL's responsibilities under Keeping Children Safe in Education.",
            "Keep child protection records that stand up to scrutiny.",
            "Refer to the MASH and take part in strategy discussions and conferences.",
            "Support and train the school's staff, and report to the governing board.",
        ),
        (std.DSL,),
        Delivery.CLASSROOM,
        TWO_DAYS,
        Decimal(12),
        is_multi_agency=False,
        audience_sectors=(Sector.SCHOOL,),
        cancellation_deadline_working_days=5,
    ),
    CourseSpec(
        "Governor safeguarding training",
        GOVERNORS,
        "An evening session online for school governors and trustees: what the board must do "
        "to make sure its school keeps children safe.",
        (
            "Describe the governing board's duties in Keeping Children Safe in Education.",
            "Ask the right questions about the school's safeguarding report and audit.",
            "Understand the safeguarding link governor's role.",
        ),
        (std.GOVERNOR,),
        Delivery.VIRTUAL,
        Decimal("2.5"),
        Decimal("2.5"),
        is_multi_agency=False,
        audience_sectors=(Sector.SCHOOL,),
        charged=False,
        cancellation_deadline_working_days=2,
    ),
    CourseSpec(
        "Safer recruitment in education",
        SAFER_RECRUITMENT,
        "For headteachers, governors and staff who sit on recruitment panels: recruiting in a "
        "way that deters, rejects or identifies people who might harm children.",
        (
            "Plan a recruitment that puts safeguarding first, from advert to induction.",
            "Scrutinise applications and references and follow up gaps.",
            "Carry out the pre-appointment checks in Keeping Children Safe in Education.",
            "Ask interview questions that explore a candidate's attitudes to children.",
        ),
        (std.SAFER_RECRUITMENT,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
        is_multi_agency=False,
        audience_sectors=(Sector.SCHOOL, Sector.EARLY_YEARS),
    ),
    CourseSpec(
        "Contextual safeguarding and exploitation",
        CONTEXTUAL_SAFEGUARDING,
        "Harm outside the home: criminal and sexual exploitation, county lines and serious "
        "youth violence, and how agencies work on the places and peer groups where it happens.",
        (
            "Recognise the signs of child criminal and sexual exploitation.",
            "Understand how county lines operate in south-east London.",
            "Use the National Referral Mechanism and the local exploitation panel.",
            "Think about places and peer groups, not only families, when assessing risk.",
        ),
        (std.LEVEL_3,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
    ),
    CourseSpec(
        "Recognising and responding to child sexual abuse",
        CHILD_SEXUAL_ABUSE,
        "Most child sexual abuse is never reported at the time. This day builds the confidence "
        "to notice the signs, talk with children and act on what they tell you.",
        (
            "Recognise the signs and indicators of sexual abuse within the family.",
            "Respond well when a child tells you, without leading them.",
            "Understand the joint investigation by police and children's social care.",
        ),
        (std.LEVEL_3,),
        Delivery.CLASSROOM,
        FULL_DAY,
        Decimal(6),
    ),
    CourseSpec(
        "Learning from child safeguarding practice reviews",
        PRACTICE_REVIEWS,
        "A half-day online briefing on the lessons from recent local and national reviews, "
        "and what has changed in Lewisham as a result. Counts towards level 3 CPD hours.",
        (
            "Describe the themes of recent local and national reviews.",
            "Reflect on what they mean for your own practice.",
            "Know the partnership's action plans and who to ask about them.",
        ),
        (),
        Delivery.VIRTUAL,
        HALF_DAY,
        Decimal(3),
    ),
]

COURSES_BY_SLUG = {spec.slug: spec for spec in COURSES}


def _course_create(spec: CourseSpec) -> Course:
    late, no_show = spec.charges
    course = Course(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        outcomes="\n".join(spec.outcomes),
        delivery=spec.delivery,
        is_multi_agency=spec.is_multi_agency,
        length_hours=spec.length_hours,
        cpd_hours=spec.cpd_hours,
        requires_manager_approval=spec.requires_manager_approval,
        late_cancellation_charge=late,
        no_show_charge=no_show,
        cancellation_deadline_working_days=spec.cancellation_deadline_working_days,
        late_arrival_cutoff_minutes=spec.late_arrival_cutoff_minutes,
    )
    course.full_clean()
    course.save()
    CourseAudienceSector.objects.bulk_create(
        CourseAudienceSector(course=course, sector=sector) for sector in spec.audience_sectors
    )
    if spec.charged and spec.delivery != Delivery.ELEARNING:
        CourseFee.objects.bulk_create(
            CourseFee(course=course, sector=sector, amount=FEES_BY_LENGTH[spec.length_hours])
            for sector in PAYING_SECTORS
        )
    return course


def courses_seed(seed: DemoSeed) -> None:
    """Each course, keyed on its slug, with its standards, audience, fees and prerequisites.

    A course that exists already is left as the partnership team has it, apart from standards
    and prerequisites that are missing (added, never removed).
    """
    standards = {s.slug: s for s in TrainingStandard.objects.all()}
    courses: dict[str, Course] = {}
    for spec in COURSES:
        course = Course.objects.filter(slug=spec.slug).first() or _course_create(spec)
        course.standards.add(*(standards[slug] for slug in spec.standards))
        courses[spec.slug] = course
    for spec in COURSES:
        if spec.prerequisites:
            courses[spec.slug].prerequisites.add(*(courses[s] for s in spec.prerequisites))
    seed.log(f"Courses: {len(COURSES)}")
