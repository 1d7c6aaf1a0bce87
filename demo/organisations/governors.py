"""Each school's governing board: governors in their categories and roles, and a clerk.

A board has parent, staff, local authority and co-opted governors; church schools add
foundation governors and secondary schools a partner governor. Some seats go to people who
already work in the partnership (a teacher as staff governor, a health visitor or police officer
as co-opted or partner governor, a council officer as local authority governor), so they hold two
memberships. Every board has a chair, a vice-chair and a safeguarding link governor, who is never
the staff governor. Professional clerks serve two or three schools each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from demo.organisations import organisations as orgs
from demo.organisations.accounts import DEMO_ACCOUNTS
from demo.organisations.context import DemoSeed
from demo.organisations.names import person_name
from demo.organisations.people import (
    membership_get_or_create,
    person_get_or_create,
    start_date_in_post,
)
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind
from organisations.models import Membership, Organisation

# Where a seat's holder comes from.
NEW_PERSON = "new"
SCHOOL_STAFF = "school_staff"
COUNCIL_STAFF = "council_staff"
PARTNER_STAFF = "partner_staff"

# Organisations whose staff sit on boards as co-opted, partner or local authority governors,
# and the roles of partners' staff who do: people who work with the school's children.
PARTNER_ORGANISATIONS = (orgs.HOSPITAL, orgs.MET_POLICE, orgs.MENTAL_HEALTH_TRUST, orgs.ICB)
COUNCIL_ORGANISATIONS = (orgs.CHILDRENS_SOCIAL_CARE,)
PARTNER_GOVERNOR_ROLES = frozenset(
    {
        "Health visitor",
        "School nurse",
        "Paediatrician",
        "Police constable",
        "Safer schools officer",
        "CAMHS practitioner",
        "Clinical psychologist",
        "Safeguarding adviser",
        "Named GP for safeguarding",
    }
)

# A term of office is four years; terms end between three months and four years from now.
TERM = timedelta(days=4 * 365)
TERM_ENDS_IN_DAYS = (90, 4 * 365)

# A professional clerk serves up to three schools.
SCHOOLS_PER_CLERK = 3


@dataclass(frozen=True)
class Seat:
    """One place on a board: the governor's category, role, and where the holder comes from."""

    category: GovernorCategory
    role: str = ""
    held_by: str = NEW_PERSON


def board_seats(
    rng: random.Random, *, has_foundation_governors: bool, is_secondary: bool
) -> list[Seat]:
    """The seats of one board: seven to ten, as maintained schools and academies have.

    Two parent governors (one the vice-chair), a staff governor, a local authority governor,
    co-opted governors (one the safeguarding link, sometimes someone from a partner agency),
    foundation governors at church schools and a partner governor at secondary schools. The
    chair is a foundation governor at a church school, otherwise a co-opted governor.
    """
    co_opted_from = PARTNER_STAFF if rng.random() < 0.5 else NEW_PERSON
    local_authority_from = COUNCIL_STAFF if rng.random() < 0.4 else NEW_PERSON
    seats = [
        Seat(GovernorCategory.PARENT, GovernorRole.VICE_CHAIR),
        Seat(GovernorCategory.PARENT),
        Seat(GovernorCategory.STAFF, held_by=SCHOOL_STAFF),
        Seat(GovernorCategory.LOCAL_AUTHORITY, held_by=local_authority_from),
        Seat(GovernorCategory.CO_OPTED, GovernorRole.SAFEGUARDING_LINK, held_by=co_opted_from),
    ]
    if has_foundation_governors:
        seats += [
            Seat(GovernorCategory.FOUNDATION, GovernorRole.CHAIR),
            Seat(GovernorCategory.FOUNDATION),
            Seat(GovernorCategory.CO_OPTED),
        ]
    else:
        seats.append(Seat(GovernorCategory.CO_OPTED, GovernorRole.CHAIR))
    seats.append(Seat(GovernorCategory.CO_OPTED))
    if is_secondary:
        seats.append(Seat(GovernorCategory.PARTNER, held_by=PARTNER_STAFF))
    return seats


def works_with_children(membership: Membership) -> bool:
    """Someone from a partner agency who would make sense on a school's board."""
    return membership.job_role is not None and membership.job_role.name in PARTNER_GOVERNOR_ROLES


def _seat_holder(
    seed: DemoSeed,
    rng: random.Random,
    *,
    seat: Seat,
    school: orgs.OrganisationSpec,
    on_board: set[int],
) -> tuple[str, str, str] | Membership:
    """A new person's name and email address, or the staff membership of someone who has one.

    Nobody takes two seats on one board (`on_board` holds the people already on it).
    """
    if seat.held_by == SCHOOL_STAFF:
        candidates = [
            m
            for m in seed.staff[school.slug]
            if m.job_role and m.job_role.name in ("Teacher", "Teaching assistant")
        ]
        return rng.choice(candidates)
    if seat.held_by in (PARTNER_STAFF, COUNCIL_STAFF):
        slugs = PARTNER_ORGANISATIONS if seat.held_by == PARTNER_STAFF else COUNCIL_ORGANISATIONS
        demo_emails = {a.email for a in DEMO_ACCOUNTS}
        candidates = [
            m
            for m in seed.staff[rng.choice(slugs)]
            if m.kind == MembershipKind.STAFF
            and m.user.email not in demo_emails
            and m.user_id not in on_board
            and (seat.held_by == COUNCIL_STAFF or works_with_children(m))
        ]
        return rng.choice(candidates)
    first_name, last_name = person_name(rng)
    return first_name, last_name, seed.new_email(first_name, last_name, school.domain)


def _board_seed(seed: DemoSeed, rng: random.Random, *, school: orgs.OrganisationSpec) -> int:
    organisation = seed.organisations[school.slug]
    seats = board_seats(
        rng,
        has_foundation_governors=school.has_foundation_governors,
        is_secondary=school.school_phase == orgs.SECONDARY,
    )
    demo_governors = [
        a for a in DEMO_ACCOUNTS if a.organisation == school.slug and a.governor_category
    ]
    for account in demo_governors:
        # The demo governor takes a seat of their category and their role off the board.
        seat = next(s for s in seats if s.category == account.governor_category and not s.role)
        seats.remove(seat)
        seats = [
            Seat(s.category, "", s.held_by) if s.role == account.governor_role else s for s in seats
        ]
    on_board: set[int] = set()
    for seat in seats:
        holder = _seat_holder(seed, rng, seat=seat, school=school, on_board=on_board)
        term_end = seed.today + timedelta(days=rng.randint(*TERM_ENDS_IN_DAYS))
        if isinstance(holder, Membership):
            user = holder.user
        else:
            first_name, last_name, email = holder
            user = person_get_or_create(
                seed, first_name=first_name, last_name=last_name, email=email
            )
        on_board.add(user.pk)
        membership_get_or_create(
            user=user,
            organisation=organisation,
            kind=MembershipKind.GOVERNOR,
            governor_category=seat.category,
            governor_role=seat.role,
            start_date=term_end - TERM,
            term_end=term_end,
        )
    return len(seats) + len(demo_governors)


def _clerks_seed(seed: DemoSeed, rng: random.Random) -> None:
    """The demo clerk serves the demo school; professional clerks serve the rest in groups."""
    clerked = {a.organisation for a in DEMO_ACCOUNTS if a.is_clerk}
    schools = [spec for spec in orgs.SCHOOLS if spec.slug not in clerked]
    for first in range(0, len(schools), SCHOOLS_PER_CLERK):
        group = schools[first : first + SCHOOLS_PER_CLERK]
        first_name, last_name = person_name(rng)
        email = seed.new_email(first_name, last_name, group[0].domain)
        user = person_get_or_create(seed, first_name=first_name, last_name=last_name, email=email)
        start_date = start_date_in_post(seed, rng)
        for school in group:
            organisation: Organisation = seed.organisations[school.slug]
            membership_get_or_create(
                user=user,
                organisation=organisation,
                kind=MembershipKind.STAFF,
                job_role=seed.job_role(organisation.sector, "Clerk to governors"),
                start_date=start_date,
                is_clerk=True,
            )


def governing_boards_seed(seed: DemoSeed) -> None:
    """Every school's governors and clerk."""
    rng = seed.rng("governors")
    governors = sum(_board_seed(seed, rng, school=school) for school in orgs.SCHOOLS)
    _clerks_seed(seed, rng)
    seed.log(f"Governors: {governors} on {len(orgs.SCHOOLS)} boards, with their clerks")
