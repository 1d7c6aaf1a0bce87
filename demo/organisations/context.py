"""What the seed steps share while they run: the day, the password hash, what earlier steps made."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from demo.organisations import names

if TYPE_CHECKING:
    from organisations.models import JobRole, Membership, Organisation

# The demo is the same on every machine: every random choice comes from this seed.
RANDOM_SEED = 2026


@dataclass
class DemoSeed:
    """The state one run of `seed_demo` carries from step to step.

    Steps fill the lookups as they go (organisations by slug, job roles by sector and name, the
    staff and volunteer memberships of each organisation, the demo accounts' memberships by email
    address, every email address given out) so later steps need not query for them.
    """

    today: date
    password_hash: str
    log: Callable[[str], None] = print
    organisations: dict[str, Organisation] = field(default_factory=dict)
    job_roles: dict[tuple[str, str], JobRole] = field(default_factory=dict)
    staff: dict[str, list[Membership]] = field(default_factory=dict)
    demo_memberships: dict[str, Membership] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)

    def rng(self, step: str) -> random.Random:
        """A generator for one step, seeded from RANDOM_SEED and the step's name.

        Each step has its own, so adding or changing a step never changes what another makes,
        and a database seeded by an older version is matched row for row.
        """
        return random.Random(f"{RANDOM_SEED}-{step}")

    def job_role(self, sector: str, name: str) -> JobRole:
        """A job role made by the job roles step; the sector is blank for roles in any sector."""
        role = self.job_roles.get((sector, name)) or self.job_roles.get(("", name))
        if role is None:
            raise KeyError(f"No demo job role {name!r} for sector {sector!r}.")
        return role

    def new_email(self, first_name: str, last_name: str, domain: str) -> str:
        """An address nobody else in the demo has: jo.bloggs@…, then jo.bloggs2@… and so on."""
        local = f"{names.email_part(first_name)}.{names.email_part(last_name)}"
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        return email
