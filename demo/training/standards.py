"""The training standards of the demo partnership and how long each lasts.

Levels 1 to 3 follow the London Child Protection Procedures competency framework that Lewisham
uses; each lasts three years and a higher level meets the lower ones. Level 3 is met, as the
intercollegiate framework counts it, by 12 CPD hours within those three years, added up from
several pieces of training. The designated safeguarding lead's training lasts two years (Keeping
Children Safe in Education), as does the governors' (KCSIE leaves the interval to the
partnership; two years is common).

Schools do not use levels (KCSIE): their staff have a safeguarding update at induction and then
every year, which a DSL's own training also gives. Chairs and safeguarding link governors take
an extra course, which covers everything in the governors' course.

These are the partnership's own settings, changed in the admin, never constants in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from demo.organisations.context import DemoSeed
from training.models import TrainingStandard

LEVEL_1 = "safeguarding-children-level-1"
LEVEL_2 = "safeguarding-children-level-2"
LEVEL_3 = "safeguarding-children-level-3"
DSL = "designated-safeguarding-lead"
GOVERNOR = "governor-safeguarding"
SAFER_RECRUITMENT = "safer-recruitment"
SCHOOL_UPDATE = "school-safeguarding-update"
GOVERNOR_LEADERSHIP = "safeguarding-for-chairs-and-link-governors"

# The intercollegiate framework asks about 12 to 16 hours of level 3 learning every three years.
LEVEL_3_HOURS = Decimal(12)


@dataclass(frozen=True)
class StandardSpec:
    name: str
    slug: str
    validity_months: int
    description: str
    satisfies: tuple[str, ...] = ()
    cpd_hours_required: Decimal | None = None


STANDARDS = [
    StandardSpec(
        "Safeguarding children level 1",
        LEVEL_1,
        36,
        "For everyone who works or volunteers in the partnership: recognising that a child may "
        "be at risk and knowing who to tell.",
    ),
    StandardSpec(
        "Safeguarding children level 2",
        LEVEL_2,
        36,
        "For staff who have contact with children, young people or their parents and carers: "
        "recognising concerns, recording them and making a referral.",
        satisfies=(LEVEL_1,),
    ),
    StandardSpec(
        "Safeguarding children level 3",
        LEVEL_3,
        36,
        "For practitioners who assess, plan, intervene and review: working with other agencies "
        "on child protection enquiries, conferences and plans.",
        satisfies=(LEVEL_2, LEVEL_1),
        cpd_hours_required=LEVEL_3_HOURS,
    ),
    StandardSpec(
        "Designated safeguarding lead",
        DSL,
        24,
        "For a school's designated safeguarding lead and deputies: refreshed at least every two "
        "years, with updates in between.",
        satisfies=(SCHOOL_UPDATE,),
    ),
    StandardSpec(
        "Governor safeguarding",
        GOVERNOR,
        24,
        "For governors and trustees: their board's safeguarding duties, at induction and then "
        "every two years.",
    ),
    StandardSpec(
        "Safeguarding update for school staff",
        SCHOOL_UPDATE,
        12,
        "For everyone who works in a school: the safeguarding training at induction, then an "
        "update at least every year, as Keeping Children Safe in Education asks.",
    ),
    StandardSpec(
        "Safeguarding for chairs and link governors",
        GOVERNOR_LEADERSHIP,
        24,
        "For the chair and the safeguarding link governor: holding the school to account for "
        "safeguarding, the annual audit and allegations against staff. Covers the governors' "
        "course too.",
        satisfies=(GOVERNOR,),
    ),
    StandardSpec(
        "Safer recruitment",
        SAFER_RECRUITMENT,
        36,
        "For anyone who sits on a recruitment panel for posts working with children.",
    ),
]


def training_standards_seed(seed: DemoSeed) -> None:
    """Each standard, keyed on its slug, and the lower standards it meets.

    An existing standard keeps whatever the partnership team has changed since.
    """
    standards: dict[str, TrainingStandard] = {}
    for spec in STANDARDS:
        standard = TrainingStandard.objects.filter(slug=spec.slug).first()
        if standard is None:
            standard = TrainingStandard(
                name=spec.name,
                slug=spec.slug,
                validity_months=spec.validity_months,
                description=spec.description,
                cpd_hours_required=spec.cpd_hours_required,
            )
            standard.full_clean()
            standard.save()
        standards[spec.slug] = standard
    for spec in STANDARDS:
        if spec.satisfies:
            standards[spec.slug].satisfies.add(*(standards[slug] for slug in spec.satisfies))
    seed.log(f"Training standards: {len(STANDARDS)}")
