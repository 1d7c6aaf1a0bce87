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

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from demo.organisations.context import DemoSeed
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


# The courses themselves are data, easier to read and edit than Python (demo/content/).
COURSES_FILE = Path(__file__).resolve().parent.parent / "content" / "courses.toml"


def courses_load(path: Path = COURSES_FILE) -> list[CourseSpec]:
    """The courses in the data file, as specs."""
    with path.open("rb") as file:
        rows = tomllib.load(file)["course"]
    return [
        CourseSpec(
            **{
                **row,
                "outcomes": tuple(row["outcomes"]),
                "standards": tuple(row["standards"]),
                "delivery": Delivery(row["delivery"]),
                "length_hours": Decimal(row["length_hours"]),
                "cpd_hours": Decimal(row["cpd_hours"]),
                "prerequisites": tuple(row.get("prerequisites", ())),
                "audience_sectors": tuple(Sector(s) for s in row.get("audience_sectors", ())),
            }
        )
        for row in rows
    ]


COURSES = courses_load()

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
