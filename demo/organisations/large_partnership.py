"""`seed_demo --people N`: thousands more people, in bulk, for benchmarks.

The N people are spread over the organisations in proportion to their workforce headcounts,
and within each organisation over its job roles in the same proportion. A large N also brings
more organisations, up to about as many schools and GP practices as Lewisham has, each new
school with a governing board and a clerk. Everyone gets a line manager where their organisation
has managers, a verified email address and the demo password.

Speed comes from doing the work in Python and writing in batches: a handful of queries to read
what exists, the password hashed once (by the caller) and the hash reused, then `bulk_create`
per table. Every run adds N more people; their addresses carry a serial number
(jo.bloggs.10234@…) that follows the highest user id, so runs never collide.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db.models import Max
from django.utils.text import slugify

from accounts.models import User
from demo.organisations import names
from demo.organisations import organisations as orgs
from demo.organisations.context import RANDOM_SEED, DemoSeed
from demo.organisations.governors import (
    COUNCIL_ORGANISATIONS,
    COUNCIL_STAFF,
    NEW_PERSON,
    PARTNER_ORGANISATIONS,
    PARTNER_STAFF,
    SCHOOL_STAFF,
    TERM,
    TERM_ENDS_IN_DAYS,
    Seat,
    board_seats,
    works_with_children,
)
from demo.organisations.job_roles import membership_kind_for
from demo.organisations.organisations import OrganisationSpec, drama_phone_number
from demo.organisations.people import SERVICE_DAYS
from demo.organisations.workforce import (
    WORKFORCES,
    Workforce,
    gp_practice,
    headcounts_cover_members,
    primary_school,
    secondary_school,
)
from organisations.enums import MembershipKind, Sector
from organisations.models import EmailDomain, Membership, Organisation, WorkforceHeadcount

BATCH_SIZE = 1000

# Extra organisations start once N passes this, one school per 250 people and one GP practice
# per 800 beyond it, up to about the number Lewisham has (some 90 schools, 30 practices).
EXTRA_ORGANISATIONS_FROM = 1000
PEOPLE_PER_EXTRA_SCHOOL = 250
PEOPLE_PER_EXTRA_GP_PRACTICE = 800
MAX_EXTRA_SCHOOLS = 78
MAX_EXTRA_GP_PRACTICES = 25

# A line manager has about eight reports.
REPORTS_PER_MANAGER = 8
# Roles this rare (a headteacher, a named nurse) are not handed out at random.
RARE_ROLE_HEADCOUNT = 2


# Lewisham's parks, rivers and streets, for invented school and practice names (none is the name
# of a real Lewisham school). Each place names at most one school and one practice.
def _comma_separated(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(","))


PLACES = _comma_separated(
    """
    Mayow Park, Home Park, Northbrook Park, Cornmill Gardens, Folkestone Gardens,
    Bridgehouse Meadows, Luxmore Gardens, Fordham Park, Ferranti Park, Riverview Walk, Quaggy River,
    Deptford Creek, Surrey Canal, Dacres Wood, Sydenham Hill Wood, Grove Park Meadows, Bell Green,
    Perry Vale, Whitefoot Lane, Southend Park, Frendsbury Gardens, Eckington Gardens,
    Manor House Gardens, Brookmill Park, Honor Oak Hill, One Tree Hill, Loampit Vale, Elverson Road,
    Durham Hill, Blackheath Hill, Ravensbourne Meadows, Lee Manor Way, Hither Green Fields,
    Catford Hill, Downham Fields, Bellingham Green, Algernon Road, Vicars Hill, Manor Avenue,
    Tyrwhitt Road, Brockley Grove, Adelaide Avenue, Wickham Road, Breakspears Road, Upwood Road,
    Stanstead Road, Canadian Avenue, Randlesdown Road, Southend Lane, Baring Road, Lee High Road,
    Manor Lane, Micheldever Road, Springbank Road, Wellmeadow Road, Verdant Lane, Sangley Road,
    Brownhill Road, Further Green Road, Davenport Road, Stondon Park, Ewelme Road, Dartmouth Road,
    Venner Road, Queenswood Road, Silverdale, Peak Hill, Taymount Rise, Thorpewood Avenue,
    Cobbs Corner, Malham Road, Blythe Vale, Ravensbourne Road, Culverley Road, Rosenthal Road,
    Ringstead Road, Hafton Road, Elmira Street, Molesworth Street, Loampit Hill, Tressillian Road,
    Harefield Road, Wickham Gardens, Florence Road, Amersham Vale, Clifton Rise, Childers Street,
    Trundleys Road, Rolt Street, Sayes Court, Crossfield Street, Creekside, Friendly Street,
    Hilly Fields Crescent, Montpelier Vale, Beacon Road, Ardgowan Road
    """
)
SCHOOL_KINDS = (
    ("Primary School", orgs.PRIMARY, False),
    ("Primary Academy", orgs.PRIMARY, False),
    ("Church of England Primary School", orgs.PRIMARY, True),
    ("Academy", orgs.SECONDARY, False),
)
# Most schools are primaries; a few are church schools.
SCHOOL_KIND_WEIGHTS = (45, 20, 15, 20)
GP_PRACTICE_KINDS = ("Medical Centre", "Surgery", "Group Practice", "Health Centre")


@dataclass
class _Organisation:
    """One organisation in this run: its workforce, headcounts and the people added to it."""

    organisation: Organisation
    domain: str
    workforce: Workforce
    is_new: bool
    spec: OrganisationSpec | None = None
    headcounts: dict[str, int] = field(default_factory=dict)
    staff: list[Membership] = field(default_factory=list)


def extra_organisation_specs(*, people: int) -> list[OrganisationSpec]:
    """The schools and GP practices a partnership of this size adds, always in the same order."""
    beyond = max(0, people - EXTRA_ORGANISATIONS_FROM)
    schools = min(MAX_EXTRA_SCHOOLS, beyond // PEOPLE_PER_EXTRA_SCHOOL)
    practices = min(MAX_EXTRA_GP_PRACTICES, beyond // PEOPLE_PER_EXTRA_GP_PRACTICE)
    rng = random.Random(f"{RANDOM_SEED}-extra-organisations")
    school_kinds = rng.choices(SCHOOL_KINDS, weights=SCHOOL_KIND_WEIGHTS, k=len(PLACES))
    school_names = [
        (f"{place} {kind}", phase, faith)
        for place, (kind, phase, faith) in zip(
            rng.sample(PLACES, k=len(PLACES)), school_kinds, strict=True
        )
    ]
    practice_names = [
        f"{place} {rng.choice(GP_PRACTICE_KINDS)}" for place in rng.sample(PLACES, k=len(PLACES))
    ]
    specs = [
        OrganisationSpec(
            name,
            slugify(name),
            Sector.SCHOOL,
            (f"{slugify(name)}.example",),
            school_phase=phase,
            has_foundation_governors=faith,
        )
        for name, phase, faith in school_names[:schools]
    ]
    specs += [
        OrganisationSpec(name, slugify(name), Sector.GP_PRACTICE, (f"{slugify(name)}.example",))
        for name in practice_names[:practices]
    ]
    return specs


def _extra_workforce(spec: OrganisationSpec) -> Workforce:
    """A school's or practice's size, the same every time for the same organisation."""
    rng = random.Random(f"{RANDOM_SEED}-{spec.slug}")
    if spec.sector == Sector.GP_PRACTICE:
        return gp_practice(gps=rng.randint(3, 7), nurses=rng.randint(1, 3))
    if spec.school_phase == orgs.PRIMARY:
        return primary_school(forms_of_entry=rng.choice((1, 2, 2, 3)))
    return secondary_school()


def _extra_organisations_create(seed: DemoSeed, *, people: int) -> list[_Organisation]:
    """Make the extra organisations that do not exist yet, with domains and headcounts."""
    specs = extra_organisation_specs(people=people)
    workforces = {spec.slug: _extra_workforce(spec) for spec in specs}
    existing = set(
        Organisation.objects.filter(slug__in=[spec.slug for spec in specs]).values_list(
            "slug", flat=True
        )
    )
    new_specs = [spec for spec in specs if spec.slug not in existing]
    first_phone = len(orgs.ORGANISATIONS)
    created = Organisation.objects.bulk_create(
        [
            Organisation(
                name=spec.name,
                slug=spec.slug,
                sector=spec.sector,
                safeguarding_contact_email=f"safeguarding@{spec.domain}",
                safeguarding_contact_phone=drama_phone_number(first_phone + index),
            )
            for index, spec in enumerate(specs)
            if spec.slug not in existing
        ],
        batch_size=BATCH_SIZE,
    )
    EmailDomain.objects.bulk_create(
        [
            EmailDomain(organisation=organisation, domain=spec.domain)
            for organisation, spec in zip(created, new_specs, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    WorkforceHeadcount.objects.bulk_create(
        [
            WorkforceHeadcount(
                organisation=organisation,
                job_role=seed.job_role(spec.sector, role_name),
                headcount=headcount,
            )
            for organisation, spec in zip(created, new_specs, strict=True)
            for role_name, headcount in workforces[spec.slug].headcounts.items()
        ],
        batch_size=BATCH_SIZE,
    )
    by_slug = {o.slug: o for o in Organisation.objects.filter(slug__in=list(workforces))}
    extras = []
    for spec in specs:
        organisation = by_slug[spec.slug]
        seed.organisations[spec.slug] = organisation
        extras.append(
            _Organisation(
                organisation,
                domain=spec.domain,
                workforce=workforces[spec.slug],
                is_new=spec.slug not in existing,
                spec=spec,
            )
        )
    return extras


def _partnership(seed: DemoSeed, extras: list[_Organisation]) -> list[_Organisation]:
    """Every organisation that takes people, with its headcounts read in one query."""
    members = [
        _Organisation(
            seed.organisations[slug],
            domain=orgs.ORGANISATIONS_BY_SLUG[slug].domain,
            workforce=workforce,
            is_new=False,
        )
        for slug, workforce in WORKFORCES.items()
    ] + extras
    by_id = {member.organisation.pk: member for member in members}
    for organisation_id, role_name, headcount in WorkforceHeadcount.objects.filter(
        organisation_id__in=list(by_id)
    ).values_list("organisation_id", "job_role__name", "headcount"):
        by_id[organisation_id].headcounts[role_name] = headcount
    return members


def _shares(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights`, largest remainders first, summing exactly."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


class _Batch:
    """The rows of one run, built in memory, then written table by table with `bulk_create`.

    Memberships are written in waves so that a line manager is saved before their reports:
    heads of new organisations, then managers and coordinators, then everyone else, then
    governors and clerks.
    """

    def __init__(self, seed: DemoSeed, rng: random.Random, *, first_serial: int) -> None:
        self.seed = seed
        self.rng = rng
        self.serial = first_serial
        self.users: list[User] = []
        self.waves: tuple[list[Membership], ...] = ([], [], [], [])

    def person(self, domain: str) -> User:
        first_name, last_name = names.person_name(self.rng)
        local = f"{names.email_part(first_name)}.{names.email_part(last_name)}.{self.serial}"
        self.serial += 1
        user = User(
            email=f"{local}@{domain}",
            first_name=first_name,
            last_name=last_name,
            password=self.seed.password_hash,
        )
        self.users.append(user)
        return user

    def staff(
        self,
        member: _Organisation,
        role_name: str,
        *,
        wave: int,
        line_manager: Membership | None = None,
        is_coordinator: bool = False,
    ) -> Membership:
        """A new person joining the organisation in this role."""
        organisation = member.organisation
        membership = Membership(
            user=self.person(member.domain),
            organisation=organisation,
            kind=membership_kind_for(role_name),
            job_role=self.seed.job_role(organisation.sector, role_name),
            line_manager=line_manager,
            start_date=self.seed.today - timedelta(days=self.rng.randint(*SERVICE_DAYS)),
            is_coordinator=is_coordinator,
        )
        self.waves[wave].append(membership)
        member.staff.append(membership)
        return membership

    def write(self) -> None:
        User.objects.bulk_create(self.users, batch_size=BATCH_SIZE)
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in self.users
            ],
            batch_size=BATCH_SIZE,
        )
        for wave in self.waves:
            Membership.objects.bulk_create(wave, batch_size=BATCH_SIZE)


HEADS, MANAGERS, REPORTS, GOVERNORS = range(4)


def _staff_add(batch: _Batch, member: _Organisation, *, people: int) -> None:
    """Add people to one organisation: a head and coordinator if it is new, managers, reports.

    Job roles are drawn in proportion to the organisation's headcounts, leaving out the head,
    the managers' role and rare roles, which are given out on purpose or not at all.
    """
    workforce = member.workforce
    existing_staff = batch.seed.staff.get(member.organisation.slug)
    head = existing_staff[0] if existing_staff else None
    if member.is_new and people >= 2:
        head = batch.staff(member, workforce.head, wave=HEADS)
        coordinator = batch.staff(
            member, workforce.coordinator, wave=MANAGERS, line_manager=head, is_coordinator=True
        )
        lead = head if workforce.safeguarding_lead == workforce.head else coordinator
        member.organisation.safeguarding_contact_name = lead.user.get_full_name()
        people -= 2
    managers: list[Membership] = []
    set_apart = {workforce.head, "Clerk to governors"}
    if workforce.manager_roles:
        manager_role = workforce.manager_roles[0]
        set_apart.add(manager_role)
        managers = [
            batch.staff(member, manager_role, wave=MANAGERS, line_manager=head)
            for _ in range(math.ceil(people / (REPORTS_PER_MANAGER + 1)))
        ]
    roles = {
        role_name: headcount
        for role_name, headcount in member.headcounts.items()
        if role_name not in set_apart and headcount > RARE_ROLE_HEADCOUNT
    } or {workforce.head: 1}
    drawn = batch.rng.choices(list(roles), weights=list(roles.values()), k=people - len(managers))
    for i, role_name in enumerate(drawn):
        line_manager = managers[i % len(managers)] if managers else head
        batch.staff(member, role_name, wave=REPORTS, line_manager=line_manager)


def _someone_not_on_board(rng: random.Random, pool: list[Membership], on_board: set[int]) -> User:
    """A person from the pool who has no seat on this board yet.

    Drawing one more person than the board holds always finds one, without scanning the pool.
    """
    drawn = rng.sample(pool, k=min(len(pool), len(on_board) + 1))
    return next(m.user for m in drawn if id(m.user) not in on_board)


def _board_add(
    batch: _Batch, member: _Organisation, *, seats: list[Seat], pools: dict[str, list[Membership]]
) -> None:
    """A new school's governors and clerk. Staff seats go to people added in this run.

    `pools` holds the people added to the partner organisations and to the council, and to
    anywhere at all (`NEW_PERSON`), for a small run that added nobody to those organisations.
    """
    rng = batch.rng
    pools = {**pools, SCHOOL_STAFF: [m for m in member.staff if m.kind == MembershipKind.STAFF]}
    on_board: set[int] = set()
    for seat in seats:
        if seat.held_by == NEW_PERSON:
            user = batch.person(member.domain)
        else:
            pool = pools[seat.held_by] or pools[NEW_PERSON]
            user = _someone_not_on_board(rng, pool, on_board)
        on_board.add(id(user))
        term_end = batch.seed.today + timedelta(days=rng.randint(*TERM_ENDS_IN_DAYS))
        batch.waves[GOVERNORS].append(
            Membership(
                user=user,
                organisation=member.organisation,
                kind=MembershipKind.GOVERNOR,
                governor_category=seat.category,
                governor_role=seat.role,
                start_date=term_end - TERM,
                term_end=term_end,
            )
        )
    clerk = batch.person(member.domain)
    batch.waves[GOVERNORS].append(
        Membership(
            user=clerk,
            organisation=member.organisation,
            kind=MembershipKind.STAFF,
            job_role=batch.seed.job_role(Sector.SCHOOL, "Clerk to governors"),
            start_date=batch.seed.today - timedelta(days=rng.randint(*SERVICE_DAYS)),
            is_clerk=True,
        )
    )


def _governor_pools(partnership: list[_Organisation]) -> dict[str, list[Membership]]:
    """The staff added in this run who may also sit on a new school's board."""

    def staff_of(slugs: tuple[str, ...]) -> list[Membership]:
        return [m for o in partnership if o.organisation.slug in slugs for m in o.staff]

    return {
        PARTNER_STAFF: [m for m in staff_of(PARTNER_ORGANISATIONS) if works_with_children(m)],
        COUNCIL_STAFF: staff_of(COUNCIL_ORGANISATIONS),
        NEW_PERSON: [m for o in partnership for m in o.staff if m.kind == MembershipKind.STAFF],
    }


def large_partnership_seed(seed: DemoSeed, *, people: int) -> None:
    """Add `people` more people to the partnership, with more organisations when N is large."""
    started = time.perf_counter()
    first_serial = (User.objects.aggregate(Max("id"))["id__max"] or 0) + 1
    rng = random.Random(f"{RANDOM_SEED}-people-{first_serial}")
    extras = _extra_organisations_create(seed, people=people)
    partnership = _partnership(seed, extras)
    boards = [
        (
            member,
            board_seats(
                rng,
                has_foundation_governors=member.spec.has_foundation_governors,
                is_secondary=member.spec.school_phase == orgs.SECONDARY,
            ),
        )
        for member in extras
        if member.is_new and member.spec and member.spec.sector == Sector.SCHOOL
    ]
    # Each board brings its new governors and a clerk; everyone else joins as staff.
    board_people = sum(1 + sum(s.held_by == NEW_PERSON for s in seats) for _, seats in boards)
    staff_people = people - board_people
    batch = _Batch(seed, rng, first_serial=first_serial)
    weights = [sum(member.headcounts.values()) for member in partnership]
    for member, share in zip(partnership, _shares(staff_people, weights), strict=True):
        _staff_add(batch, member, people=share)
    pools = _governor_pools(partnership)
    for member, seats in boards:
        _board_add(batch, member, seats=seats, pools=pools)
    batch.write()
    Organisation.objects.bulk_update(
        [member.organisation for member in extras if member.is_new],
        ["safeguarding_contact_name"],
        batch_size=BATCH_SIZE,
    )
    headcounts_cover_members(organisation_ids=[m.organisation.pk for m in partnership])
    seconds = time.perf_counter() - started
    seed.log(
        f"Added {len(batch.users)} people to {len(partnership)} organisations "
        f"({sum(m.is_new for m in extras)} new) in {seconds:.1f} s "
        f"({len(batch.users) / seconds:.0f} people a second)"
    )
