"""A small partnership for the snapshot tests, and events placed on a chosen past day.

Every date comes from the test clock (`timezone.localdate()` when called), and an event "on"
a past day is made with the clock moved to that day's midday, so the timestamps the apps set
themselves (`auto_now_add`) fall on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

from compliance.models import Requirement
from organisations.enums import GovernorRole, Sector
from organisations.models import Membership, Organisation
from tests.compliance.factories import GovernorDeclarationFactory, RequirementFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import TrainingStandard

EDITION = "Keeping children safe in education 2026"


@contextmanager
def clock_on(day: date, hour: int = 12) -> Iterator[datetime]:
    """The clock stopped at `hour` o'clock (site time) on `day`."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    with time_machine.travel(moment, tick=False):
        yield moment


@dataclass
class Partnership:
    """Two agencies and a school, everyone required to hold one standard:

    - Social care (children's social care): Ada in date, Ben missing.
    - Police: Cy, a new starter (joined ten days ago, nothing done).
    - Hill Primary (school): chair Dee in date and declared this edition; governor Eve, no
      role, missing.
    """

    standard: TrainingStandard
    requirement: Requirement
    social_care: Organisation
    police: Organisation
    school: Organisation
    ada: Membership
    ben: Membership
    cy: Membership
    dee: Membership
    eve: Membership


def partnership_build() -> Partnership:
    today = timezone.localdate()
    long_ago = today - timedelta(days=4 * 365)
    standard = TrainingStandardFactory(name="Safeguarding children level 2", validity_months=36)
    requirement = RequirementFactory(standard=standard)
    social_care = OrganisationFactory(name="Lewisham children's social care")
    police = OrganisationFactory(name="South East BCU", sector=Sector.POLICE)
    school = OrganisationFactory(name="Hill Primary", school=True)
    ada = MembershipFactory(organisation=social_care, start_date=long_ago)
    ben = MembershipFactory(organisation=social_care, start_date=long_ago)
    cy = MembershipFactory(organisation=police, start_date=today - timedelta(days=10))
    dee = MembershipFactory(
        organisation=school, governor=True, governor_role=GovernorRole.CHAIR, start_date=long_ago
    )
    eve = MembershipFactory(organisation=school, governor=True, start_date=long_ago)
    for holder in (ada, dee):
        TrainingRecordFactory(
            user=holder.user, standards=[standard], completed_on=today - timedelta(days=100)
        )
    GovernorDeclarationFactory(membership=dee, edition=EDITION)
    return Partnership(standard, requirement, social_care, police, school, ada, ben, cy, dee, eve)
