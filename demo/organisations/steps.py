"""The steps of `seed_demo`, in the order they run, and the function that runs them.

To add demo data (courses, sessions, bookings…), write a step `def <thing>_seed(seed: DemoSeed)`
in the app that owns the data (for example `training/demo/`), keyed on natural keys so a second
run adds nothing, and append it to `SEED_STEPS` after the steps it relies on. A step gets its own
random generator from `seed.rng("<step name>")`, so it never changes what the others make.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from demo.certificates.steps import certificates_seed
from demo.cms.reading import page_reading_seed
from demo.cms.site import published_pages_seed
from demo.evaluations.steps import evaluations_seed
from demo.organisations.accounts import (
    DEMO_PASSWORD,
    demo_accounts_seed,
    privileged_authenticators_seed,
)
from demo.organisations.context import DemoSeed
from demo.organisations.governors import governing_boards_seed
from demo.organisations.job_roles import job_roles_seed
from demo.organisations.large_partnership import large_partnership_seed
from demo.organisations.organisations import organisations_seed
from demo.organisations.people import staff_seed
from demo.organisations.workforce import headcounts_seed
from demo.reporting.steps import reporting_seed
from demo.shadowing.steps import shadowing_seed
from demo.training.courses import courses_seed
from demo.training.earlier_training import earlier_training_seed
from demo.training.evidence import compliance_evidence_seed
from demo.training.history import (
    compliance_history_seed,
    first_new_user_id,
    large_history_seed,
)
from demo.training.large_programme import large_programme_seed
from demo.training.programme import training_programme_seed
from demo.training.requirements import training_requirements_seed
from demo.training.standards import training_standards_seed
from demo.training.trainers import trainers_seed
from organisations.models import Organisation

SeedStep = Callable[[DemoSeed], None]

SEED_STEPS: list[SeedStep] = [
    job_roles_seed,
    organisations_seed,
    demo_accounts_seed,
    staff_seed,
    governing_boards_seed,
    headcounts_seed,
    training_standards_seed,
    courses_seed,
    trainers_seed,
    earlier_training_seed,
    training_programme_seed,
    training_requirements_seed,
    compliance_history_seed,
    compliance_evidence_seed,
    evaluations_seed,
    shadowing_seed,
    certificates_seed,
    published_pages_seed,
    page_reading_seed,
]


def demo_seed_start(*, log: Callable[[str], None] = print) -> DemoSeed:
    """The shared state for a run. The demo password is hashed here, once, for everyone."""
    return DemoSeed(today=timezone.localdate(), password_hash=make_password(DEMO_PASSWORD), log=log)


def demo_seed_run(seed: DemoSeed, *, people: int = 0, sessions: int = 0) -> None:
    """Run every step, then add `people` more and `sessions` more in bulk, in one transaction;
    then give everyone who needs MFA and has no authenticator the demo one; last, take the
    reporting snapshots of the past two years (`demo.reporting`).

    A failed step leaves the database as it was. Wagtail's reference index (which records what
    each organisation refers to, for the admin's usage counts) is brought up to date once at the
    end rather than after every save.
    """
    with transaction.atomic(), disable_reference_index_auto_update():
        for step in SEED_STEPS:
            step(seed)
        if people:
            first_user_id = first_new_user_id()
            large_partnership_seed(seed, people=people)
            large_history_seed(seed, first_user_id=first_user_id)
        if sessions:
            large_programme_seed(seed, sessions=sessions)
        # Last, once every role is given out: nobody who needs MFA is left without it.
        privileged_authenticators_seed(seed)
        if ReferenceIndex.is_indexed(Organisation):
            for organisation in seed.organisations.values():
                ReferenceIndex.create_or_update_for_object(organisation)
        # After the bulk people and sessions, so the snapshots count them too.
        reporting_seed(seed)
