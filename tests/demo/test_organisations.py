"""The demo partnership (`seed_demo`), its sign-in accounts (`demo_accounts`) and `demo_totp`."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.roles import roles_for
from demo.organisations import names
from demo.organisations.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoAccount,
    demo_totp_code,
)
from demo.organisations.organisations import CHILDRENS_SOCIAL_CARE, ICB, MET_POLICE
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind, Sector
from organisations.models import EmailDomain, Membership, Organisation, WorkforceHeadcount

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_partnership")]


@pytest.fixture(scope="module")
def demo_partnership(demo_seeded: None) -> None:
    """The whole demo, seeded once for every module in tests/demo (tests/demo/conftest.py)."""


def _snapshot() -> dict[str, object]:
    """Every row the seed makes, as comparable values."""
    return {
        "organisations": sorted(
            Organisation.objects.values_list(
                "slug", "name", "sector", "parent__slug", "safeguarding_contact_name"
            )
        ),
        "domains": sorted(EmailDomain.objects.values_list("organisation__slug", "domain")),
        "headcounts": sorted(
            WorkforceHeadcount.objects.values_list(
                "organisation__slug", "job_role__name", "headcount"
            )
        ),
        "users": sorted(User.objects.values_list("email", "first_name", "last_name", "password")),
        "addresses": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "memberships": sorted(
            Membership.objects.values_list(
                "user__email",
                "organisation__slug",
                "kind",
                "job_role__name",
                "line_manager__user__email",
                "start_date",
                "is_coordinator",
                "is_clerk",
                "is_web_editor",
                "governor_category",
                "governor_role",
                "term_end",
            ),
            key=str,
        ),
    }


def _account(email: str) -> User:
    return User.objects.get(email=email)


def test_builds_a_partnership_of_about_500_people() -> None:
    """The lead partners, health, GP practices, ten or more schools and the voluntary sector."""
    assert 450 <= User.objects.count() <= 560
    by_sector = dict(Organisation.objects.values_list("sector").annotate(n=Count("id")).order_by())
    assert by_sector[Sector.SCHOOL] >= 10
    assert 4 <= by_sector[Sector.GP_PRACTICE] <= 5
    assert by_sector[Sector.VOLUNTARY] >= 2
    statutory = set(
        Organisation.objects.filter(is_statutory_partner=True).values_list("slug", flat=True)
    )
    assert {CHILDRENS_SOCIAL_CARE, MET_POLICE, ICB} <= statutory
    cait = Organisation.objects.get(name="Child Abuse Investigation Team (Lewisham)")
    assert cait.parent is not None
    assert cait.parent.slug == MET_POLICE


def test_second_run_changes_nothing() -> None:
    """Running the seed again finds every row and adds or changes none."""
    before = _snapshot()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert _snapshot() == before


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_demo_account_signs_in_with_its_roles(account: DemoAccount) -> None:
    """Each demo account has the demo password, a verified address and the roles it promises."""
    user = _account(account.email)
    assert user.check_password(DEMO_PASSWORD)
    assert EmailAddress.objects.filter(
        user=user, email=account.email, verified=True, primary=True
    ).exists()
    assert roles_for(user) == account.roles


def test_practitioner_reports_to_the_demo_manager() -> None:
    """The demo manager manages the Child Protection team, the practitioner among them."""
    manager = Membership.objects.get(user__email="manager@demo.example")
    practitioner = Membership.objects.get(user__email="practitioner@demo.example")
    assert practitioner.line_manager == manager
    assert manager.reports.count() >= 5
    assert set(manager.reports.values_list("organisation", flat=True)) == {manager.organisation_id}


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_accounts_needing_mfa_share_the_demo_secret(account: DemoAccount) -> None:
    """Accounts whose roles require MFA accept the code an app shows for the demo secret."""
    user = _account(account.email)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if not account.needs_mfa:
        assert totp is None
        return
    assert totp is not None
    code, _ = demo_totp_code()
    assert TOTP(totp).validate_code(code)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_nobody_who_needs_mfa_is_left_without_an_app() -> None:
    """Every seeded person whose role needs MFA has the demo app, so none of the accounts that
    share the demo password goes to whoever signs in first and sets up an app of their own."""
    from accounts.mfa import mfa_required

    needing = [user for user in User.objects.all() if mfa_required(user)]
    assert len(needing) > len([a for a in DEMO_ACCOUNTS if a.needs_mfa])
    enrolled = set(
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).values_list("user_id", flat=True)
    )
    assert [user.email for user in needing if user.pk not in enrolled] == []


def test_every_email_address_is_on_a_reserved_domain() -> None:
    """Nothing in the demo can reach a real inbox."""
    addresses = [
        *User.objects.values_list("email", flat=True),
        *EmailAddress.objects.values_list("email", flat=True),
        *Organisation.objects.values_list("safeguarding_contact_email", flat=True),
    ]
    domains = EmailDomain.objects.values_list("domain", flat=True)
    assert all(address.endswith(".example") for address in addresses)
    assert all(domain.endswith(".example") for domain in domains)


def test_every_school_has_a_board_with_chair_link_governor_and_clerk() -> None:
    """Each board has a chair, a vice-chair, a safeguarding link governor and a clerk."""
    today = timezone.localdate()
    for school in Organisation.objects.filter(sector=Sector.SCHOOL):
        governors = Membership.objects.current().governors().filter(organisation=school)
        roles = list(governors.exclude(governor_role="").values_list("governor_role", flat=True))
        assert sorted(roles) == sorted(GovernorRole.values), school
        link = governors.get(governor_role=GovernorRole.SAFEGUARDING_LINK)
        assert link.governor_category != GovernorCategory.STAFF
        assert not governors.filter(term_end__lt=today).exists()
        assert Membership.objects.current().filter(organisation=school, is_clerk=True).exists()


def test_every_organisation_has_one_coordinator() -> None:
    """One training coordinator per organisation: the demo coordinator at Children's Social Care."""
    counts = Organisation.objects.annotate(
        coordinators=Count("memberships", filter=Q(memberships__is_coordinator=True))
    )
    assert {o.slug: o.coordinators for o in counts if o.coordinators != 1} == {}
    assert (
        Membership.objects.get(
            organisation__slug=CHILDRENS_SOCIAL_CARE, is_coordinator=True
        ).user.email
        == "coordinator@demo.example"
    )


def test_line_managers_belong_to_the_same_organisation() -> None:
    """A line manager is always a membership of the report's own organisation."""
    managed = Membership.objects.filter(line_manager__isnull=False)
    assert managed.count() > 300
    assert not managed.exclude(line_manager__organisation=F("organisation")).exists()


def test_some_people_hold_two_memberships() -> None:
    """Teachers, health visitors and police officers sit on boards; some staff volunteer too."""
    twice = User.objects.annotate(n=Count("memberships")).filter(n__gte=2)
    assert twice.count() >= 15
    health_visitors = Membership.objects.staff().filter(job_role__name="Health visitor")
    assert Membership.objects.governors().filter(user__in=health_visitors.values("user")).exists()
    assert (
        Membership.objects.filter(kind=MembershipKind.VOLUNTEER)
        .filter(user__memberships__organisation__sector=Sector.CHILDRENS_SOCIAL_CARE)
        .exists()
    )


def test_headcounts_are_never_below_the_people_seeded() -> None:
    """Coverage divides by headcount, so no role holds more people than its headcount."""
    seeded = (
        Membership.objects.current()
        .exclude(kind=MembershipKind.GOVERNOR)
        .values_list("organisation", "job_role")
        .annotate(n=Count("id"))
        .order_by()
    )
    headcounts = {
        (row.organisation_id, row.job_role_id): row.headcount
        for row in WorkforceHeadcount.objects.all()
    }
    short = [row for row in seeded if headcounts.get(row[:2], 0) < row[2]]
    assert short == []


@override_settings(DEBUG=False)
def test_refuses_to_run_with_debug_off() -> None:
    """Without --force, a site with DEBUG off gets no demo data and a clear message."""
    users = User.objects.count()
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", "--people", "10", stdout=StringIO())
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_totp", stdout=StringIO())
    assert User.objects.count() == users


@override_settings(DEBUG=True)
def test_if_empty_does_nothing_when_organisations_exist() -> None:
    """`make run` seeds a new database only: --if-empty leaves an existing one alone."""
    users = User.objects.count()
    out = StringIO()
    call_command("seed_demo", "--if-empty", "--people", "10", stdout=out)
    assert "no demo data was added" in out.getvalue()
    assert User.objects.count() == users


def test_people_option_adds_that_many_people_with_memberships() -> None:
    """--people N adds N people, each with a staff or volunteer role, spread over the partners."""
    before = set(User.objects.values_list("pk", flat=True))
    call_command("seed_demo", "--force", "--people", "300", stdout=StringIO())
    added = User.objects.exclude(pk__in=before)
    assert added.count() == 300
    assert not added.filter(memberships__isnull=True).exists()
    memberships = Membership.objects.filter(user__in=added)
    assert not memberships.filter(job_role__isnull=True).exists()
    assert memberships.values("organisation").distinct().count() >= 20
    assert EmailAddress.objects.filter(user__in=added, verified=True).count() == 300
    assert all(email.endswith(".example") for email in added.values_list("email", flat=True))


def test_large_run_adds_schools_with_boards() -> None:
    """A large N adds schools, each with a coordinator, a full board and a clerk."""
    schools = set(Organisation.objects.filter(sector=Sector.SCHOOL).values_list("pk", flat=True))
    call_command("seed_demo", "--force", "--people", "1600", stdout=StringIO())
    new_schools = Organisation.objects.filter(sector=Sector.SCHOOL).exclude(pk__in=schools)
    assert new_schools.count() == 2
    for school in new_schools:
        members = Membership.objects.current().filter(organisation=school)
        assert members.filter(is_coordinator=True).count() == 1
        assert members.filter(is_clerk=True).count() == 1
        roles = (
            members.governors().exclude(governor_role="").values_list("governor_role", flat=True)
        )
        assert sorted(roles) == sorted(GovernorRole.values)
        assert school.safeguarding_contact_name


def test_demo_accounts_lists_every_account_and_the_secret() -> None:
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    for account in DEMO_ACCOUNTS:
        assert account.email in out.getvalue()
    assert DEMO_TOTP_SECRET in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert "demo_totp" in out.getvalue()


def test_demo_totp_prints_the_current_code() -> None:
    before, _ = demo_totp_code()
    out = StringIO()
    call_command("demo_totp", "--force", verbosity=0, stdout=out)
    after, _ = demo_totp_code()
    assert out.getvalue().strip() in {before, after}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("O'Brien", "obrien"), ("DaCosta", "dacosta"), ("Jean-Paul", "jean-paul")],
)
def test_names_in_email_addresses(name: str, expected: str) -> None:
    assert names.email_part(name) == expected
