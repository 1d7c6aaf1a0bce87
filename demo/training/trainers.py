"""The people who deliver the programme: the partnership's training officer (the demo trainer)
and practitioners from partner agencies who co-deliver the courses on their own subjects, as
real partnerships' trainer pools do.

Each co-trainer is the first person (by email address) in the named role of the named
organisation, so every run picks the same people. Their accounts are flagged `is_trainer`;
they are not demo sign-ins, so they have no authenticator (they would be asked to set one up).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from organisations.models import Membership

DEMO_TRAINER = "trainer@demo.example"

# Keys naming each trainer in the programme's plans.
PARTNERSHIP_TRAINER = "partnership"
CONFERENCE_CHAIR = "conference-chair"
NAMED_NURSE = "named-nurse"
NAMED_MIDWIFE = "named-midwife"
DETECTIVE_SERGEANT = "detective-sergeant"
HEALTH_ADVISER = "health-adviser"
SCHOOL_DSL = "school-dsl"
HEADTEACHER = "headteacher"


@dataclass(frozen=True)
class TrainerSpec:
    key: str
    organisation: str
    job_role: str


CO_TRAINERS = [
    TrainerSpec(CONFERENCE_CHAIR, orgs.CHILDRENS_SOCIAL_CARE, "Child protection conference chair"),
    TrainerSpec(NAMED_NURSE, orgs.HOSPITAL_TRUST, "Named nurse for safeguarding"),
    TrainerSpec(NAMED_MIDWIFE, orgs.HOSPITAL_TRUST, "Named midwife for safeguarding"),
    TrainerSpec(DETECTIVE_SERGEANT, orgs.CAIT, "Detective sergeant"),
    TrainerSpec(HEALTH_ADVISER, orgs.ICB, "Safeguarding adviser"),
    TrainerSpec(SCHOOL_DSL, "telegraph-hill-school", "Designated safeguarding lead"),
    TrainerSpec(HEADTEACHER, "ravensbourne-park-academy", "Headteacher"),
]


def trainers_find() -> dict[str, User]:
    """The programme's trainers by key: the demo trainer and each co-trainer."""
    trainers = {PARTNERSHIP_TRAINER: User.objects.get(email=DEMO_TRAINER)}
    for spec in CO_TRAINERS:
        membership = (
            Membership.objects.current()
            .staff()
            .filter(organisation__slug=spec.organisation, job_role__name=spec.job_role)
            .select_related("user")
            .order_by("user__email")
            .first()
        )
        if membership is None:
            raise LookupError(f"No {spec.job_role} at {spec.organisation} to train.")
        trainers[spec.key] = membership.user
    return trainers


def trainers_seed(seed: DemoSeed) -> None:
    """Flag each co-trainer as a trainer (the demo trainer is flagged by the accounts step)."""
    trainers = trainers_find()
    User.objects.filter(pk__in=[user.pk for user in trainers.values()]).update(is_trainer=True)
    seed.log(f"Trainers: {len(trainers)}")
