"""Staff and volunteers of every organisation, with line managers and responsibilities.

Each organisation's people are built team by team from its `Workforce`: the head first, then
each team's manager (reporting to the head) and members (reporting to the manager). Demo accounts
take their place in their team (`DemoAccount.team`), so the demo team manager manages a real
team. Each organisation gets one training coordinator and, where its workforce names one, a web
editor. A few people also volunteer elsewhere, so some hold two memberships.

A person is found by email address and a membership by person, organisation and kind, so a
second run finds everything and adds nothing; a missing line manager is filled in, an existing
one never changed. Rows are validated with `full_clean` before saving; the table constraints are
left to the database, which enforces the same ones, because checking each in Python first would
triple the queries of a run.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from allauth.account.models import EmailAddress

from accounts.models import User
from demo.organisations import organisations as orgs
from demo.organisations.accounts import DEMO_ACCOUNTS, DemoAccount
from demo.organisations.context import DemoSeed
from demo.organisations.job_roles import membership_kind_for
from demo.organisations.names import person_name
from demo.organisations.organisations import OrganisationSpec
from demo.organisations.workforce import WORKFORCES, Workforce
from organisations.enums import MembershipKind
from organisations.models import Membership, Organisation

# People have been in post between two months and fifteen years.
SERVICE_DAYS = (60, 15 * 365)


def start_date_in_post(seed: DemoSeed, rng: random.Random) -> date:
    return seed.today - timedelta(days=rng.randint(*SERVICE_DAYS))


def person_get_or_create(seed: DemoSeed, *, first_name: str, last_name: str, email: str) -> User:
    """The person with this email address, made with the demo password and a verified address."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email, first_name=first_name, last_name=last_name, password=seed.password_hash
        )
        user.full_clean(validate_constraints=False)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def membership_get_or_create(
    *, user: User, organisation: Organisation, kind: str, **fields: object
) -> Membership:
    """The person's open membership of this kind, made and validated when it is missing."""
    membership = Membership.objects.filter(
        user=user, organisation=organisation, kind=kind, end_date__isnull=True
    ).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, kind=kind, **fields)
        membership.full_clean(validate_constraints=False)
        membership.save()
    return membership


def line_manager_fill(membership: Membership, manager: Membership | None) -> None:
    """Name the line manager when none is set yet; someone's later change is kept."""
    if manager is None or membership.line_manager_id is not None or membership.pk == manager.pk:
        return
    membership.line_manager = manager
    membership.full_clean(validate_constraints=False)
    membership.save(update_fields=["line_manager"])


class _Staffing:
    """Makes one organisation's people, handing out the coordinator and web editor once."""

    def __init__(
        self,
        seed: DemoSeed,
        rng: random.Random,
        *,
        spec: OrganisationSpec,
        workforce: Workforce,
        demo_accounts: list[DemoAccount],
    ) -> None:
        self.seed = seed
        self.rng = rng
        self.spec = spec
        self.workforce = workforce
        self.organisation = seed.organisations[spec.slug]
        self.coordinator_needed = not any(a.is_coordinator for a in demo_accounts)
        self.web_editor_needed = workforce.web_editor is not None and not any(
            a.is_web_editor for a in demo_accounts
        )
        self.members: list[Membership] = []

    def add(self, role_name: str, *, manager: Membership | None) -> Membership:
        first_name, last_name = person_name(self.rng)
        email = self.seed.new_email(first_name, last_name, self.spec.domain)
        start_date = start_date_in_post(self.seed, self.rng)
        is_coordinator = self.coordinator_needed and role_name == self.workforce.coordinator
        is_web_editor = self.web_editor_needed and role_name == self.workforce.web_editor
        self.coordinator_needed &= not is_coordinator
        self.web_editor_needed &= not is_web_editor
        user = person_get_or_create(
            self.seed, first_name=first_name, last_name=last_name, email=email
        )
        membership = membership_get_or_create(
            user=user,
            organisation=self.organisation,
            kind=membership_kind_for(role_name),
            job_role=self.seed.job_role(self.organisation.sector, role_name),
            start_date=start_date,
            line_manager=manager,
            is_coordinator=is_coordinator,
            is_web_editor=is_web_editor,
        )
        self.members.append(membership)
        return membership

    def place(self, account: DemoAccount, *, manager: Membership | None) -> Membership:
        membership = self.seed.demo_memberships[account.email]
        line_manager_fill(membership, manager)
        self.members.append(membership)
        return membership


def _organisation_staff_seed(
    seed: DemoSeed, rng: random.Random, *, spec: OrganisationSpec, workforce: Workforce
) -> list[Membership]:
    demo_accounts = [a for a in DEMO_ACCOUNTS if a.organisation == spec.slug]
    staffing = _Staffing(seed, rng, spec=spec, workforce=workforce, demo_accounts=demo_accounts)
    head = staffing.add(workforce.head, manager=None)
    for team in workforce.teams:
        in_team = [a for a in demo_accounts if a.team == team.name]
        demo_manager = next((a for a in in_team if a.manages_team), None)
        if demo_manager is not None:
            manager = staffing.place(demo_manager, manager=head)
        elif team.manager is not None:
            manager = staffing.add(team.manager, manager=head)
        else:
            manager = head
        for role_name, count in team.members.items():
            for _ in range(count):
                staffing.add(role_name, manager=manager)
        for account in in_team:
            if not account.manages_team:
                staffing.place(account, manager=manager)
    _safeguarding_contact_fill(staffing.organisation, workforce=workforce, members=staffing.members)
    return staffing.members


def _safeguarding_contact_fill(
    organisation: Organisation, *, workforce: Workforce, members: list[Membership]
) -> None:
    """Name the safeguarding lead as the contact of an organisation without a team mailbox."""
    if organisation.safeguarding_contact_name or workforce.safeguarding_lead is None:
        return
    lead = next(m for m in members if m.job_role and m.job_role.name == workforce.safeguarding_lead)
    organisation.safeguarding_contact_name = lead.user.get_full_name()
    organisation.save(update_fields=["safeguarding_contact_name"])


# Social workers and police officers who also give their time to the youth charity.
VOLUNTEERS_FROM = [
    (orgs.CHILDRENS_SOCIAL_CARE, "Social worker", "Family support volunteer"),
    (orgs.CHILDRENS_SOCIAL_CARE, "Family support worker", "Family support volunteer"),
    (orgs.MET_POLICE, "Police constable", "Youth work volunteer"),
]


def _volunteering_seed(seed: DemoSeed, rng: random.Random) -> int:
    charity = seed.organisations[orgs.YOUTH_CHARITY]
    demo_emails = {a.email for a in DEMO_ACCOUNTS}
    for slug, role_name, volunteer_role in VOLUNTEERS_FROM:
        candidates = [
            m
            for m in seed.staff[slug]
            if m.job_role and m.job_role.name == role_name and m.user.email not in demo_emails
        ]
        staff = rng.choice(candidates)
        membership_get_or_create(
            user=staff.user,
            organisation=charity,
            kind=MembershipKind.VOLUNTEER,
            job_role=seed.job_role(charity.sector, volunteer_role),
            start_date=start_date_in_post(seed, rng),
        )
    return len(VOLUNTEERS_FROM)


def staff_seed(seed: DemoSeed) -> None:
    """Every organisation's staff and volunteers, team by team, and a few second memberships."""
    rng = seed.rng("staff")
    for spec in orgs.ORGANISATIONS:
        workforce = WORKFORCES.get(spec.slug)
        if workforce is not None:
            seed.staff[spec.slug] = _organisation_staff_seed(
                seed, rng, spec=spec, workforce=workforce
            )
    volunteers = _volunteering_seed(seed, rng)
    people = sum(len(members) for members in seed.staff.values())
    seed.log(f"Staff and volunteers: {people}, and {volunteers} who also volunteer elsewhere")
