"""The demo sign-in accounts: one per kind of user, all with the same password.

Accounts whose roles require MFA (`accounts.roles.Roles.privileged`) are enrolled with one fixed
TOTP secret, so anyone trying the demo can add it to an authenticator app or print the current
code with `python manage.py demo_totp`. The secret protects nothing: demo data only.

Every other demo person who needs MFA (the generated coordinators, clerks, trainers and web
editors, who share the demo password too) gets the same secret at the end of the seed
(`privileged_authenticators_seed`). Left without one, their account would go to whoever signed
in first and set up an authenticator app of their own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt, encrypt
from django.db.models import Exists, OuterRef, Q

from accounts.models import User
from accounts.roles import Roles, privileged_users_q
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind
from organisations.models import Membership

# Published in the README: demo only.
DEMO_PASSWORD = "demo-safeguarding-2026"
# Base32, 32 characters (20 bytes, as allauth generates), readable so it is easy to type.
DEMO_TOTP_SECRET = "LEWISHAMDEMOTOTPSECRET234567ABCD"
DEMO_EMAIL_DOMAIN = "demo.example"


@dataclass(frozen=True)
class DemoAccount:
    """A sign-in account and the one membership that gives it its role.

    `team` places a staff member in a team of their organisation's workforce
    (`demo.organisations.workforce`); with `manages_team` they are that team's manager, so its
    members report to them.
    """

    email: str
    first_name: str
    last_name: str
    description: str
    organisation: str
    job_role: str | None
    team: str = ""
    manages_team: bool = False
    kind: MembershipKind = MembershipKind.STAFF
    is_partnership_team: bool = False
    is_trainer: bool = False
    is_coordinator: bool = False
    is_clerk: bool = False
    is_web_editor: bool = False
    governor_category: str = ""
    governor_role: str = ""

    @property
    def roles(self) -> Roles:
        """The roles `accounts.roles.roles_for` finds once the demo is seeded."""
        return Roles(
            partnership_team=self.is_partnership_team,
            trainer=self.is_trainer,
            coordinator=self.is_coordinator,
            clerk=self.is_clerk,
            web_editor=self.is_web_editor,
            line_manager=self.manages_team,
        )

    @property
    def needs_mfa(self) -> bool:
        return self.roles.privileged


def _email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


DEMO_ACCOUNTS = [
    DemoAccount(
        _email("partnership"),
        "Grace",
        "Adeyemi",
        "partnership team (business unit)",
        orgs.CHILDRENS_SOCIAL_CARE,
        "Safeguarding partnership manager",
        team="Safeguarding partnership business unit",
        manages_team=True,
        is_partnership_team=True,
    ),
    DemoAccount(
        _email("coordinator"),
        "Helen",
        "Marshall",
        "training coordinator, Children's Social Care",
        orgs.CHILDRENS_SOCIAL_CARE,
        "Learning and development coordinator",
        team="Workforce development",
        is_coordinator=True,
    ),
    DemoAccount(
        _email("manager"),
        "Marcus",
        "Bennett",
        "team manager, Child Protection, Children's Social Care",
        orgs.CHILDRENS_SOCIAL_CARE,
        "Team manager",
        team="Child Protection",
        manages_team=True,
    ),
    DemoAccount(
        _email("practitioner"),
        "Priya",
        "Shah",
        "social worker who reports to the manager",
        orgs.CHILDRENS_SOCIAL_CARE,
        "Social worker",
        team="Child Protection",
    ),
    DemoAccount(
        _email("health.visitor"),
        "Siobhan",
        "Kelly",
        "health visitor, University Hospital Lewisham",
        orgs.HOSPITAL,
        "Health visitor",
        team="Health visiting",
    ),
    DemoAccount(
        _email("police"),
        "Kwame",
        "Mensah",
        "detective constable, Child Abuse Investigation Team",
        orgs.CAIT,
        "Detective constable",
        team="Investigation team 1",
    ),
    DemoAccount(
        _email("clerk"),
        "Ruth",
        "Okonkwo",
        "clerk to the governors of Hilly Fields Primary School",
        orgs.DEMO_SCHOOL,
        "Clerk to governors",
        is_clerk=True,
    ),
    DemoAccount(
        _email("governor"),
        "Tom",
        "Fletcher",
        "safeguarding link governor, Hilly Fields Primary School",
        orgs.DEMO_SCHOOL,
        None,
        kind=MembershipKind.GOVERNOR,
        governor_category=GovernorCategory.PARENT,
        governor_role=GovernorRole.SAFEGUARDING_LINK,
    ),
    DemoAccount(
        _email("trainer"),
        "Jade",
        "Campbell",
        "partnership trainer",
        orgs.CHILDRENS_SOCIAL_CARE,
        "Partnership training officer",
        team="Safeguarding partnership business unit",
        is_trainer=True,
    ),
    DemoAccount(
        _email("editor"),
        "Wei",
        "Chen",
        "web editor for Children's Social Care",
        orgs.CHILDRENS_SOCIAL_CARE,
        "Quality assurance officer",
        team="Quality Assurance",
        is_web_editor=True,
    ),
]

# Demo accounts joined their organisations two years before the demo's day.
DEMO_ACCOUNT_SERVICE = timedelta(days=730)
# Governors serve four-year terms; the demo governor is halfway through theirs.
DEMO_GOVERNOR_TERM_LEFT = timedelta(days=730)


def demo_accounts_seed(seed: DemoSeed) -> None:
    """Each demo account, its verified email address, its membership, and MFA where required.

    Unlike the generated people, a demo account is put right on every run (names, flags, job
    role), because the README promises what each one can do. Its password is set only when the
    account is made. Line managers are set by the people step, which builds the teams.
    """
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User(email=account.email, password=seed.password_hash)
        user.first_name = account.first_name
        user.last_name = account.last_name
        user.is_partnership_team = account.is_partnership_team
        user.is_trainer = account.is_trainer
        user.full_clean()
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        seed.demo_memberships[account.email] = _demo_membership(seed, account=account, user=user)
        if account.needs_mfa:
            totp_enrol(user)
    seed.log(f"Demo accounts: {len(DEMO_ACCOUNTS)}")


def _demo_membership(seed: DemoSeed, *, account: DemoAccount, user: User) -> Membership:
    organisation = seed.organisations[account.organisation]
    membership = Membership.objects.filter(
        user=user, organisation=organisation, kind=account.kind, end_date__isnull=True
    ).first()
    if membership is None:
        membership = Membership(
            user=user,
            organisation=organisation,
            kind=account.kind,
            start_date=seed.today - DEMO_ACCOUNT_SERVICE,
        )
    membership.job_role = (
        seed.job_role(organisation.sector, account.job_role) if account.job_role else None
    )
    membership.is_coordinator = account.is_coordinator
    membership.is_clerk = account.is_clerk
    membership.is_web_editor = account.is_web_editor
    membership.governor_category = account.governor_category
    membership.governor_role = account.governor_role
    if account.kind == MembershipKind.GOVERNOR and membership.term_end is None:
        membership.term_end = seed.today + DEMO_GOVERNOR_TERM_LEFT
    membership.full_clean()
    membership.save()
    return membership


def totp_enrol(user: User) -> None:
    """An authenticator with the demo secret, and recovery codes, as allauth's own flow makes.

    An authenticator with another secret (someone re-enrolled while trying the demo) is put
    back to the demo secret, so the README stays true.
    """
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        TOTP.activate(user, DEMO_TOTP_SECRET)
    elif decrypt(totp.data["secret"]) != DEMO_TOTP_SECRET:
        totp.data = {**totp.data, "secret": encrypt(DEMO_TOTP_SECRET)}
        totp.save(update_fields=["data"])
    RecoveryCodes.activate(user)


def privileged_authenticators_seed(seed: DemoSeed) -> None:
    """The demo secret, and recovery codes, for everyone who needs MFA and has no authenticator.

    Runs after every step that gives out roles. Content admin users and superusers need MFA as
    well (`accounts.mfa.mfa_required`), so they are included. In bulk, because `--people N`
    makes many coordinators and clerks.
    """
    has_totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    user_ids = list(
        User.objects.filter(privileged_users_q() | Q(is_staff=True) | Q(is_superuser=True))
        .exclude(Exists(has_totp))
        .values_list("pk", flat=True)
    )
    with_codes = set(
        Authenticator.objects.filter(
            user_id__in=user_ids, type=Authenticator.Type.RECOVERY_CODES
        ).values_list("user_id", flat=True)
    )
    Authenticator.objects.bulk_create(
        [
            Authenticator(
                user_id=user_id,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt(DEMO_TOTP_SECRET)},
            )
            for user_id in user_ids
        ]
        + [
            Authenticator(
                user_id=user_id,
                type=Authenticator.Type.RECOVERY_CODES,
                data={"seed": encrypt(RecoveryCodes.generate_seed()), "used_mask": 0},
            )
            for user_id in user_ids
            if user_id not in with_codes
        ]
    )
    seed.log(f"Authenticator apps for other people who need MFA: {len(user_ids)}")


def demo_totp_code(at: float | None = None) -> tuple[str, int]:
    """The code an authenticator app shows for the demo secret, and seconds until it changes."""
    now = time.time() if at is None else at
    period = mfa_settings.TOTP_PERIOD
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // period))
    return code, period - int(now) % period
