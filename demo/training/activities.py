"""What people in the demo trained on before and beside the programme's sessions.

The history (`demo.training.history`) writes records of these: the programme's courses, as
imported from the partnership's previous system or done as e-learning, and training done
in-house or online that meets one standard — a single-agency level 3 update, an e-learning
module, a DSL refresher, the school's September update, the governors' e-learning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from demo.training import courses as c
from demo.training import standards as std
from training.enums import RecordSource
from training.models import Course, TrainingStandard


@dataclass(frozen=True)
class Activity:
    """A kind of training a record can be for: a course, or something that meets one standard."""

    key: str
    title: str
    hours: Decimal
    source: str
    standard_ids: tuple[int, ...]
    course_id: int | None = None
    validity_months: int | None = None


# Level 3 is met by hours: a multi-agency day, a single-agency update, an e-learning module.
DAY, UPDATE, MODULE = "level 3 day", "level 3 update", "level 3 module"
LEVEL_2_ELEARNING = "level 2 e-learning"
DSL_REFRESHER = "dsl refresher"
GOVERNORS_ELEARNING = "governors e-learning"
CHAIRS_AND_LINK_GOVERNORS = "chairs and link governors"
SCHOOL_UPDATE = "school update"
# The programme's level 3 multi-agency days.
LEVEL_3_DAYS = (
    c.NEGLECT,
    c.DOMESTIC_ABUSE,
    c.CP_CONFERENCES,
    c.CONTEXTUAL_SAFEGUARDING,
    c.CHILD_SEXUAL_ABUSE,
)
# The first activity on the day level 3 was last met, then the ones after it: together at least
# 12 hours, the ones after it alone fewer, so the first one's date is the one that counts.
LEVEL_3_PLANS = (
    (DAY, (DAY,)),
    (DAY, (UPDATE, UPDATE)),
    (DAY, (UPDATE, MODULE, MODULE)),
    (UPDATE, (DAY, UPDATE)),
    (MODULE, (DAY, MODULE, MODULE)),
)
# Training not tied to a course: (key, title, CPD hours, source, standard).
OTHER_ACTIVITIES = (
    (UPDATE, "Safeguarding children level 3 update (single-agency)", "3", "import", std.LEVEL_3),
    (MODULE, "Safeguarding children level 3 e-learning module", "2", "elearning", std.LEVEL_3),
    (LEVEL_2_ELEARNING, "Safeguarding children level 2 e-learning", "3", "elearning", std.LEVEL_2),
    (DSL_REFRESHER, "Designated safeguarding lead refresher", "6", "import", std.DSL),
    (
        GOVERNORS_ELEARNING,
        "Safeguarding for governors e-learning",
        "1.5",
        "elearning",
        std.GOVERNOR,
    ),
    (
        CHAIRS_AND_LINK_GOVERNORS,
        "Safeguarding for chairs and link governors",
        "3",
        "import",
        std.GOVERNOR_LEADERSHIP,
    ),
    (SCHOOL_UPDATE, "Safeguarding update for school staff", "2", "import", std.SCHOOL_UPDATE),
)
# What meets each standard, and how often each is chosen (level 3, while it has its hours rule,
# is planned from LEVEL_3_PLANS instead).
CHOICES: dict[str, tuple[tuple[str, int], ...]] = {
    std.LEVEL_1: ((c.LEVEL_1_ELEARNING, 1),),
    std.LEVEL_3: tuple((slug, 1) for slug in LEVEL_3_DAYS),
    std.LEVEL_2: ((c.WORKING_TOGETHER, 5), (c.INFORMATION_SHARING, 2), (LEVEL_2_ELEARNING, 3)),
    std.DSL: ((c.DSL_NEW_TO_ROLE, 1),),
    std.GOVERNOR: ((c.GOVERNORS, 7), (GOVERNORS_ELEARNING, 3)),
    std.GOVERNOR_LEADERSHIP: ((CHAIRS_AND_LINK_GOVERNORS, 1),),
    std.SCHOOL_UPDATE: ((SCHOOL_UPDATE, 1),),
}
# Training for a governor's membership rather than a member of staff's.
GOVERNORS_TRAINING = frozenset({c.GOVERNORS, GOVERNORS_ELEARNING, CHAIRS_AND_LINK_GOVERNORS})


def activities_load() -> dict[str, Activity]:
    """Every activity by key (a course's is its slug), with the standards it meets."""
    validity: dict[int, int | None] = dict(
        TrainingStandard.objects.values_list("pk", "validity_months")
    )
    by_slug = dict(TrainingStandard.objects.values_list("slug", "pk"))
    activities: dict[str, Activity] = {}

    def made(
        key: str, title: str, hours: Decimal, source: str, ids: tuple[int, ...], **more: int
    ) -> None:
        months = [m for m in (validity[i] for i in ids) if m]
        activities[key] = Activity(
            key, title, hours, source, ids, validity_months=min(months) if months else None, **more
        )

    course_slugs = {key for choices in CHOICES.values() for key, _ in choices} | set(LEVEL_3_DAYS)
    for course in Course.objects.prefetch_related("standards").filter(slug__in=course_slugs):
        elearning = course.slug == c.LEVEL_1_ELEARNING
        source: str = RecordSource.ELEARNING if elearning else RecordSource.IMPORT
        ids = tuple(s.pk for s in course.standards.all())
        made(course.slug, course.title, course.cpd_hours, source, ids, course_id=course.pk)
    for key, title, hours, source, slug in OTHER_ACTIVITIES:
        made(key, title, Decimal(hours), source, (by_slug[slug],))
    return activities


def training_day(year: int) -> date:
    """The first weekday of September: the school year's first training day, when schools
    give their staff the safeguarding update."""
    day = date(year, 9, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def training_day_before(day: date) -> date:
    """The latest September training day on or before `day`."""
    this_year = training_day(day.year)
    return this_year if this_year <= day else training_day(day.year - 1)


def school_update_title(day: date) -> str:
    """Named for the edition of the guidance in force that day (revised every September)."""
    return (
        f"Safeguarding update: Keeping children safe in education {training_day_before(day).year}"
    )
