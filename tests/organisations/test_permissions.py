"""Who may see and change whom: the permission matrix.

One small partnership (the "world") is built once for this module:

- Lewisham Children's Social Care ("council"): a coordinator, a team manager with one report,
  a practitioner who does not report to the manager, a volunteer, a trainer and a web editor
  (who may use the content admin);
- Brockley Primary School ("school"): a clerk to governors, a training coordinator (the
  designated safeguarding lead), a teacher and two governors. The manager's report is also a
  governor here, so one person holds memberships the manager and the clerk see differently;
- Greenwich Children's Social Care ("other-org"): its own coordinator and staff, for the
  "other organisation" and guessed-id cases.

Each table below reads as "viewer, thing: expected". Viewers are the roles named in the
issue, plus a school coordinator (a coordinator who sees governors but does not manage them)
and the web editor. Privileged viewers set up MFA before signing in, as they must.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, User
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind, Sector
from organisations.models import ImportBatch, Membership, Organisation
from organisations.permissions import (
    can_manage_membership,
    can_manage_organisations,
    can_view_membership,
    can_view_people_of,
    kinds_manageable_in,
    memberships_manageable_by,
    memberships_visible_to,
    organisations_with_people_visible_to,
)
from tests.accounts.factories import InvitationFactory, UserFactory, enrol_totp
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory

# The world -----------------------------------------------------------------------------------


@dataclass
class World:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    # Who signs in, by role name. "anonymous" is not here: it has no user.
    users: dict[str, User] = field(default_factory=dict)
    # Memberships by name. A viewer's own membership has the viewer's name.
    memberships: dict[str, Membership] = field(default_factory=dict)

    def viewer(self, name: str) -> User | AnonymousUser:
        return AnonymousUser() if name == "anonymous" else self.users[name]


VIEWERS = (
    "partnership",
    "coordinator",
    "school-coordinator",
    "manager",
    "clerk",
    "trainer",
    "practitioner",
    "governor",
    "web-editor",
    "anonymous",
)

ALL_MEMBERSHIPS = frozenset(
    {
        "coordinator",
        "manager",
        "report",
        "practitioner",
        "volunteer",
        "trainer",
        "school-coordinator",
        "clerk",
        "teacher",
        "governor",
        "chair",
        "report-governor",
        "other-org-coordinator",
        "other-org-staff",
        "web-editor",
    }
)
COUNCIL = frozenset(
    {"coordinator", "manager", "report", "practitioner", "volunteer", "trainer", "web-editor"}
)
SCHOOL_STAFF = frozenset({"school-coordinator", "clerk", "teacher"})
SCHOOL_GOVERNORS = frozenset({"governor", "chair", "report-governor"})


def _build_world() -> World:
    world = World()
    orgs = world.organisations
    orgs["council"] = OrganisationFactory.create(
        name="Lewisham Children's Social Care",
        slug="council",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
        is_statutory_partner=True,
    )
    orgs["school"] = OrganisationFactory.create(
        name="Brockley Primary School", slug="school", sector=Sector.SCHOOL
    )
    orgs["other-org"] = OrganisationFactory.create(
        name="Greenwich Children's Social Care",
        slug="other-org",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
    )
    social_worker = JobRoleFactory.create(name="Social worker")

    def person(name: str, **user_fields: Any) -> User:
        user = UserFactory.create(email=f"{name}@people.example", **user_fields)
        world.users[name] = user
        return user

    def member(name: str, user: User, organisation: str, **fields: Any) -> Membership:
        membership = MembershipFactory.create(user=user, organisation=orgs[organisation], **fields)
        world.memberships[name] = membership
        return membership

    person("partnership", partnership_team=True)
    member("coordinator", person("coordinator"), "council", coordinator=True)
    manager = member("manager", person("manager"), "council", job_role=social_worker)
    report = person("report")
    member("report", report, "council", job_role=social_worker, line_manager=manager)
    member("practitioner", person("practitioner"), "council", job_role=social_worker)
    member("volunteer", person("volunteer"), "council", volunteer=True)
    member("trainer", person("trainer", trainer=True), "council")

    member("school-coordinator", person("school-coordinator"), "school", coordinator=True)
    member("clerk", person("clerk"), "school", clerk=True)
    member("teacher", person("teacher"), "school")
    member("governor", person("governor"), "school", governor=True)
    member(
        "chair",
        person("chair"),
        "school",
        governor=True,
        governor_category=GovernorCategory.CO_OPTED,
        governor_role=GovernorRole.CHAIR,
    )
    member("report-governor", report, "school", governor=True)

    member("other-org-coordinator", person("other-org-coordinator"), "other-org", coordinator=True)
    member("other-org-staff", person("other-org-staff"), "other-org", job_role=social_worker)

    person("web-editor", is_staff=True)
    member("web-editor", world.users["web-editor"], "council", web_editor=True)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The partnership above, built once for the module and rolled back at its end.

    Each test still runs in its own transaction inside this one, so what a test changes (an
    MFA enrolment, a sign-in) is undone before the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _rows(header: tuple[str, ...], *rows: tuple[Any, ...], page: str = "") -> list[Any]:
    """Turn a table (first column the viewer, one column per target) into pytest params, with
    ids such as "coordinator-person-other-org-staff-404".

    A cell of None means "does not apply" and makes no test.
    """
    params = []
    for viewer, *cells in rows:
        for target, expected in zip(header, cells, strict=True):
            if expected is None:
                continue
            if isinstance(expected, list):
                shown = "+".join(str(kind) for kind in expected) or "none"
            else:
                shown = str(expected)
            name = "-".join(part for part in (viewer, page, target, shown) if part)
            params.append(pytest.param(viewer, target, expected, id=name))
    return params


# (a) The rules, function by function ---------------------------------------------------------

# Every membership each viewer may see: the whole of `memberships_visible_to`.
VISIBLE = {
    "partnership": ALL_MEMBERSHIPS,
    "coordinator": COUNCIL,  # their organisation's staff and volunteers
    "school-coordinator": SCHOOL_STAFF | SCHOOL_GOVERNORS,  # sees the governors too
    "manager": {"manager", "report"},  # their report's council record, not their governorship
    "clerk": {"clerk"} | SCHOOL_GOVERNORS,  # the board, not the school's other staff
    "trainer": {"trainer"},
    "practitioner": {"practitioner"},
    "governor": {"governor"},
    "web-editor": {"web-editor"},
    "anonymous": set(),
}

# Every membership each viewer may change: the whole of `memberships_manageable_by`.
MANAGEABLE = {
    "partnership": ALL_MEMBERSHIPS,
    "coordinator": COUNCIL,
    "school-coordinator": SCHOOL_STAFF,  # not the governors: that is the clerk's job
    "manager": set(),
    "clerk": SCHOOL_GOVERNORS,  # not their own (staff) membership
    "trainer": set(),
    "practitioner": set(),
    "governor": set(),
    "web-editor": set(),
    "anonymous": set(),
}

# Organisations whose people list each viewer may open.
PEOPLE_LISTS = {
    "partnership": {"council", "school", "other-org"},
    "coordinator": {"council"},
    "school-coordinator": {"school"},
    "manager": set(),
    "clerk": {"school"},
    "trainer": set(),
    "practitioner": set(),
    "governor": set(),
    "web-editor": set(),
    "anonymous": set(),
}


def _names(world: World, memberships: Any) -> set[str]:
    by_pk = {membership.pk: name for name, membership in world.memberships.items()}
    return {by_pk[pk] for pk in memberships.values_list("pk", flat=True)}


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
def test_memberships_visible_to(world: World, viewer: str) -> None:
    """Each viewer sees exactly the memberships in the VISIBLE table, in one query."""
    assert _names(world, memberships_visible_to(world.viewer(viewer))) == set(VISIBLE[viewer])


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
def test_memberships_manageable_by(world: World, viewer: str) -> None:
    """Each viewer may change exactly the memberships in the MANAGEABLE table."""
    assert _names(world, memberships_manageable_by(world.viewer(viewer))) == set(MANAGEABLE[viewer])


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", VIEWERS)
def test_organisations_with_people_visible_to(world: World, viewer: str) -> None:
    """Only coordinators, clerks and the partnership team have people lists, for their own
    organisations."""
    names = {
        name
        for name, organisation in world.organisations.items()
        if organisation in organisations_with_people_visible_to(world.viewer(viewer))
    }
    assert names == PEOPLE_LISTS[viewer]


def _pairs(table: dict[str, Any], targets: frozenset[str]) -> list[Any]:
    return [
        pytest.param(
            viewer,
            target,
            target in table[viewer],
            id=f"{viewer}-{target}-{'yes' if target in table[viewer] else 'no'}",
        )
        for viewer in VIEWERS
        for target in sorted(targets)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "target", "expected"), _pairs(VISIBLE, ALL_MEMBERSHIPS))
def test_can_view_membership(world: World, viewer: str, target: str, expected: bool) -> None:
    """`can_view_membership` agrees with the VISIBLE table for every viewer and membership."""
    membership = world.memberships[target]
    assert can_view_membership(world.viewer(viewer), membership) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "target", "expected"), _pairs(MANAGEABLE, ALL_MEMBERSHIPS))
def test_can_manage_membership(world: World, viewer: str, target: str, expected: bool) -> None:
    """`can_manage_membership` agrees with the MANAGEABLE table for every viewer and membership."""
    membership = world.memberships[target]
    assert can_manage_membership(world.viewer(viewer), membership) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "target", "expected"),
    _pairs(PEOPLE_LISTS, frozenset({"council", "school", "other-org"})),
)
def test_can_view_people_of(world: World, viewer: str, target: str, expected: bool) -> None:
    """`can_view_people_of` agrees with the PEOPLE_LISTS table."""
    assert can_view_people_of(world.viewer(viewer), world.organisations[target]) is expected


STAFF, VOLUNTEER, GOVERNOR = MembershipKind.STAFF, MembershipKind.VOLUNTEER, MembershipKind.GOVERNOR

KINDS_HEADER = ("council", "school", "other-org")
KINDS_TABLE = _rows(
    KINDS_HEADER,
    ("partnership", [STAFF, VOLUNTEER], [STAFF, VOLUNTEER, GOVERNOR], [STAFF, VOLUNTEER]),
    ("coordinator", [STAFF, VOLUNTEER], [], []),
    ("school-coordinator", [], [STAFF, VOLUNTEER], []),
    ("manager", [], [], []),
    ("clerk", [], [GOVERNOR], []),
    ("trainer", [], [], []),
    ("practitioner", [], [], []),
    ("governor", [], [], []),
    ("web-editor", [], [], []),
    ("anonymous", [], [], []),
    page="kinds-in",
)


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "target", "expected"), KINDS_TABLE)
def test_kinds_manageable_in(world: World, viewer: str, target: str, expected: list[str]) -> None:
    """Coordinators add staff and volunteers, clerks add governors, only where they serve."""
    kinds = kinds_manageable_in(world.viewer(viewer), world.organisations[target])
    assert sorted(kinds) == sorted(str(kind) for kind in expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "expected"),
    [pytest.param(v, v == "partnership", id=f"{v}-{v == 'partnership'}") for v in VIEWERS],
)
def test_can_manage_organisations(world: World, viewer: str, expected: bool) -> None:
    """Only the partnership team creates and changes organisations and job roles."""
    assert can_manage_organisations(world.viewer(viewer)) is expected


# Edges of the rules: ended and future roles, inactive people, flags where they mean nothing.


@pytest.mark.django_db
def test_ended_coordinator_role_gives_nothing() -> None:
    """A coordinator whose membership has ended no longer sees or manages anyone there."""
    today = timezone.localdate()
    former = MembershipFactory.create(
        coordinator=True,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=1),
    )
    colleague = MembershipFactory.create(organisation=former.organisation)
    assert not can_view_membership(former.user, colleague)
    assert not can_manage_membership(former.user, colleague)
    assert not can_view_people_of(former.user, former.organisation)
    assert kinds_manageable_in(former.user, former.organisation) == []
    assert can_view_membership(former.user, former), "people still see their own past record"


@pytest.mark.django_db
def test_future_coordinator_role_gives_nothing_yet() -> None:
    """A coordinator role starting next week gives no access today."""
    future = MembershipFactory.create(
        coordinator=True, start_date=timezone.localdate() + dt.timedelta(days=7)
    )
    colleague = MembershipFactory.create(organisation=future.organisation)
    assert not can_view_membership(future.user, colleague)
    assert not can_view_people_of(future.user, future.organisation)


@pytest.mark.django_db
def test_former_line_manager_no_longer_sees_reports() -> None:
    """When the manager's own membership ends, their old reports are hidden from them."""
    today = timezone.localdate()
    manager = MembershipFactory.create(
        start_date=today - dt.timedelta(days=400), end_date=today - dt.timedelta(days=1)
    )
    report = MembershipFactory.create(organisation=manager.organisation, line_manager=manager)
    assert not can_view_membership(manager.user, report)


@pytest.mark.django_db
def test_inactive_coordinator_sees_nothing() -> None:
    """A deactivated account sees nobody, not even its own record."""
    coordinator = MembershipFactory.create(coordinator=True)
    coordinator.user.is_active = False
    coordinator.user.save()
    colleague = MembershipFactory.create(organisation=coordinator.organisation)
    assert not memberships_visible_to(coordinator.user).exists()
    assert not can_view_membership(coordinator.user, colleague)
    assert not can_view_people_of(coordinator.user, coordinator.organisation)


@pytest.mark.django_db
def test_clerk_flag_outside_a_school_gives_nothing() -> None:
    """A clerk flag on a council membership means nothing: there is no governing board."""
    clerk = MembershipFactory.create(clerk=True, organisation__sector=Sector.CHILDRENS_SOCIAL_CARE)
    stray_governor = MembershipFactory.create(organisation=clerk.organisation, governor=True)
    assert not can_view_membership(clerk.user, stray_governor)
    assert not can_manage_membership(clerk.user, stray_governor)
    assert not can_view_people_of(clerk.user, clerk.organisation)
    assert kinds_manageable_in(clerk.user, clerk.organisation) == []


@pytest.mark.django_db
def test_partnership_team_may_manage_organisations_but_superuser_flag_alone_may_not() -> None:
    """The partnership flag, not Django's superuser flag, is what the rules read."""
    assert can_manage_organisations(UserFactory.create(partnership_team=True))
    assert not can_manage_organisations(UserFactory.create(is_superuser=True, is_staff=True))


# (b) Pages ----------------------------------------------------------------------------------

LOGIN = "302-sign-in"
MFA = "302-mfa"
DENIED = "denied"  # the admin sends them away: to sign in, to the admin home, or 403


GUESSED = "-via-"


def _person_url(name: str, world: World, target: str) -> str:
    """A person page for a membership, through its own organisation's address or a guessed one.

    "other-org-staff-via-council" is another organisation's membership id tried through the
    council's address.
    """
    target, _, through = target.partition(GUESSED)
    membership = world.memberships[target]
    slug = world.organisations[through].slug if through else membership.organisation.slug
    return reverse(name, kwargs={"slug": slug, "pk": membership.pk})


def _org_url(name: str, world: World, target: str) -> str:
    return reverse(name, kwargs={"slug": world.organisations[target].slug})


def _sign_in(client: Client, world: World, viewer: str, *, enrolled: bool = True) -> None:
    if viewer == "anonymous":
        return
    user = world.users[viewer]
    if enrolled:
        enrol_totp(user)
    client.force_login(user)


def _assert_outcome(response: Any, expected: int | str, url: str) -> None:
    location = response.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302, url
        assert location.startswith(reverse("account_login")), location
    elif expected == MFA:
        assert response.status_code == 302, url
        assert location.startswith(reverse("mfa_activate_totp")), location
    elif expected == DENIED:
        assert response.status_code in (302, 403), f"{url} answered {response.status_code}"
        if response.status_code == 302:
            assert location.startswith((reverse("account_login"), reverse("wagtailadmin_home"))), (
                location
            )
            assert not location.startswith(url)
    else:
        assert response.status_code == expected, f"{url} answered {response.status_code}"


def _check_page(
    client: Client,
    world: World,
    viewer: str,
    url: Callable[[World], str],
    expected: int | str,
) -> None:
    _sign_in(client, world, viewer)
    address = url(world)
    _assert_outcome(client.get(address), expected, address)


# Lists of organisations and people. Everyone has a home page; only coordinators, clerks and
# the team have people lists, and only their own.
LIST_PAGES: dict[str, Callable[[World], str]] = {
    "home": lambda w: reverse("home"),
    "index": lambda w: reverse("organisations:index"),
    "council-people": lambda w: _org_url("organisations:people", w, "council"),
    "school-people": lambda w: _org_url("organisations:people", w, "school"),
    "other-org-people": lambda w: _org_url("organisations:people", w, "other-org"),
}
# fmt: off
LIST_TABLE = _rows(
    tuple(LIST_PAGES),
    # viewer               home  index  council  school  other-org
    ("partnership",        200,  200,   200,     200,    200),
    ("coordinator",        200,  200,   200,     404,    404),
    ("school-coordinator", 200,  200,   404,     200,    404),
    ("manager",            200,  404,   404,     404,    404),
    ("clerk",              200,  200,   404,     200,    404),
    ("trainer",            200,  404,   404,     404,    404),
    ("practitioner",       200,  404,   404,     404,    404),
    ("governor",           200,  404,   404,     404,    404),
    ("anonymous",          200,  LOGIN, LOGIN,   LOGIN,  LOGIN),
)
# fmt: on


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "page", "expected"), LIST_TABLE)
def test_list_pages(client: Client, world: World, viewer: str, page: str, expected: Any) -> None:
    """People lists answer 404 to people outside them, never confirming the organisation."""
    _check_page(client, world, viewer, LIST_PAGES[page], expected)


# One person's record. Columns say whose: "self" is the viewer's own membership, and
# "other-org-staff-via-council" is another organisation's membership id guessed through the
# council's address ("-via-school" likewise); in the tables, "via-c" and "via-s". None: does not
# apply (the partnership team holds no membership).
PERSON_TARGETS = (
    "self",
    "report",
    "practitioner",
    "teacher",
    "governor",
    "chair",
    "other-org-staff",
    "other-org-staff-via-council",
    "other-org-staff-via-school",
)
# fmt: off
SEE_PERSON_ROWS = (
    # viewer               self  report  pract  teach  gov    chair  other  via-c  via-s
    ("partnership",        None, 200,    200,   200,   200,   200,   200,   404,   404),
    ("coordinator",        200,  200,    200,   404,   404,   404,   404,   404,   404),
    ("school-coordinator", 200,  404,    404,   200,   200,   200,   404,   404,   404),
    ("manager",            200,  200,    404,   404,   404,   404,   404,   404,   404),
    ("clerk",              200,  404,    404,   404,   200,   200,   404,   404,   404),
    ("trainer",            200,  404,    404,   404,   404,   404,   404,   404,   404),
    ("practitioner",       200,  404,    200,   404,   404,   404,   404,   404,   404),
    ("governor",           200,  404,    404,   404,   200,   404,   404,   404,   404),
    ("anonymous",          None, LOGIN,  LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
)
# Changing or ending a record is for people who manage that kind of membership there. A
# manager sees a report's record but does not change it; a school coordinator sees the
# governors but the clerk manages them; nobody without a role changes their own.
MANAGE_PERSON_ROWS = (
    # viewer               self  report  pract  teach  gov    chair  other  via-c  via-s
    ("partnership",        None, 200,    200,   200,   200,   200,   200,   404,   404),
    ("coordinator",        200,  200,    200,   404,   404,   404,   404,   404,   404),
    ("school-coordinator", 200,  404,    404,   200,   404,   404,   404,   404,   404),
    ("manager",            404,  404,    404,   404,   404,   404,   404,   404,   404),
    ("clerk",              404,  404,    404,   404,   200,   200,   404,   404,   404),
    ("trainer",            404,  404,    404,   404,   404,   404,   404,   404,   404),
    ("practitioner",       404,  404,    404,   404,   404,   404,   404,   404,   404),
    ("governor",           404,  404,    404,   404,   404,   404,   404,   404,   404),
    ("anonymous",          None, LOGIN,  LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
)
# fmt: on


def _person_page(name: str, viewer: str, target: str) -> Callable[[World], str]:
    return lambda w: _person_url(name, w, viewer if target == "self" else target)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "target", "expected"), _rows(PERSON_TARGETS, *SEE_PERSON_ROWS, page="person")
)
def test_person_page(client: Client, world: World, viewer: str, target: str, expected: Any) -> None:
    """A person page is shown to those who may see the record and is 404 for everyone else,
    including for a real id tried through the wrong organisation's address."""
    url = _person_page("organisations:person", viewer, target)
    _check_page(client, world, viewer, url, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "target", "expected"), _rows(PERSON_TARGETS, *MANAGE_PERSON_ROWS, page="edit")
)
def test_person_edit_page(
    client: Client, world: World, viewer: str, target: str, expected: Any
) -> None:
    """Editing a record is for those who manage it; seeing it is not enough."""
    url = _person_page("organisations:person_edit", viewer, target)
    _check_page(client, world, viewer, url, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "target", "expected"), _rows(PERSON_TARGETS, *MANAGE_PERSON_ROWS, page="end")
)
def test_person_end_page(
    client: Client, world: World, viewer: str, target: str, expected: Any
) -> None:
    """Ending a membership is for those who manage it."""
    url = _person_page("organisations:person_end", viewer, target)
    _check_page(client, world, viewer, url, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "target"),
    [
        pytest.param(viewer, target, id=f"{viewer}-end-{target}-unchanged")
        for viewer, target in (
            ("manager", "report"),
            ("school-coordinator", "governor"),
            ("clerk", "teacher"),
            ("coordinator", "other-org-staff"),
            ("coordinator", "other-org-staff-via-council"),
            ("practitioner", "self"),
        )
    ],
)
def test_ending_a_membership_one_may_not_manage_changes_nothing(
    client: Client, world: World, viewer: str, target: str
) -> None:
    """Posting to the end page of a record one may not manage answers 404 and ends nothing."""
    _sign_in(client, world, viewer)
    url = _person_page("organisations:person_end", viewer, target)(world)
    response = client.post(url, {"end_date": timezone.localdate().strftime("%d/%m/%Y")})
    assert response.status_code == 404
    membership = world.memberships[viewer if target == "self" else target.partition(GUESSED)[0]]
    membership.refresh_from_db()
    assert membership.end_date is None


# Inviting people, the invitations list and importing a file, for each organisation.
ORG_PAGES = ("invite", "invitations", "import_upload")
ORG_TARGETS = ("council", "school", "other-org")
# fmt: off
ORG_ROWS = (
    # viewer               council school other-org
    ("partnership",        200,    200,   200),
    ("coordinator",        200,    404,   404),
    ("school-coordinator", 404,    200,   404),
    ("manager",            404,    404,   404),
    ("clerk",              404,    200,   404),
    ("trainer",            404,    404,   404),
    ("practitioner",       404,    404,   404),
    ("governor",           404,    404,   404),
    ("anonymous",          LOGIN,  LOGIN, LOGIN),
)
# fmt: on
ORG_TABLE = [
    pytest.param(page, *param.values, id=param.id)
    for page in ORG_PAGES
    for param in _rows(ORG_TARGETS, *ORG_ROWS, page=page.replace("_", "-"))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "viewer", "target", "expected"), ORG_TABLE)
def test_people_management_pages(
    client: Client, world: World, page: str, viewer: str, target: str, expected: Any
) -> None:
    """Inviting, importing and invitations are for that organisation's coordinators and
    clerks, and the partnership team."""
    _check_page(
        client, world, viewer, lambda w: _org_url(f"organisations:{page}", w, target), expected
    )


# Guessed ids of other records: invitations and uploaded import files. Each row names a record,
# the organisation whose address it is tried through, and what comes back. The rows that answer
# 302 or 200 show the same request works for someone allowed, so a 404 means "refused".
@dataclass
class Records:
    invitations: dict[str, Invitation]
    imports: dict[str, ImportBatch]


@pytest.fixture
def records(world: World) -> Records:
    """Open invitations and an uploaded import file, made afresh for each test."""
    orgs = world.organisations

    def batch(organisation: str, uploaded_by: str) -> ImportBatch:
        return ImportBatch.objects.create(
            organisation=orgs[organisation],
            kind=MembershipKind.STAFF,
            uploaded_by=world.users[uploaded_by],
            original_filename="people.csv",
            file="people-imports/guessed.csv",
        )

    return Records(
        invitations={
            "other-org-invitation": InvitationFactory.create(organisation=orgs["other-org"]),
            "school-staff-invitation": InvitationFactory.create(organisation=orgs["school"]),
            "school-governor-invitation": InvitationFactory.create(
                organisation=orgs["school"],
                kind=MembershipKind.GOVERNOR,
                governor_category=GovernorCategory.PARENT,
            ),
        },
        imports={"other-org-import": batch("other-org", "other-org-coordinator")},
    )


# fmt: off
WITHDRAW_ROWS = (
    # viewer                invitation                    through      expected
    ("coordinator",        "other-org-invitation",       "council",   404),
    ("coordinator",        "other-org-invitation",       "other-org", 404),
    ("partnership",        "other-org-invitation",       "council",   404),
    ("partnership",        "other-org-invitation",       "other-org", 302),
    ("clerk",              "school-staff-invitation",    "school",    404),
    ("school-coordinator", "school-governor-invitation", "school",    404),
    ("clerk",              "school-governor-invitation", "school",    302),
    ("school-coordinator", "school-staff-invitation",    "school",    302),
    ("manager",            "other-org-invitation",       "council",   404),
    ("anonymous",          "other-org-invitation",       "other-org", LOGIN),
)
IMPORT_PREVIEW_ROWS = (
    # viewer                   import file         through      expected
    ("coordinator",           "other-org-import", "council",   404),
    ("coordinator",           "other-org-import", "other-org", 404),
    ("clerk",                 "other-org-import", "school",    404),
    ("partnership",           "other-org-import", "council",   404),
    ("partnership",           "other-org-import", "other-org", 200),
    ("other-org-coordinator", "other-org-import", "other-org", 200),
    ("anonymous",             "other-org-import", "other-org", LOGIN),
)
# fmt: on


def _record_params(rows: tuple[tuple[Any, ...], ...], page: str) -> list[Any]:
    return [
        pytest.param(
            viewer,
            record,
            through,
            expected,
            id=f"{viewer}-{page}-{record}-via-{through}-{expected}",
        )
        for viewer, record, through, expected in rows
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "record", "through", "expected"), _record_params(WITHDRAW_ROWS, "withdraw")
)
def test_withdrawing_a_guessed_invitation(
    client: Client,
    world: World,
    records: Records,
    viewer: str,
    record: str,
    through: str,
    expected: Any,
) -> None:
    """An invitation is withdrawn only by someone who manages that kind of member there, and
    only through its own organisation's address; anyone else gets 404 and nothing changes."""
    invitation = records.invitations[record]
    _sign_in(client, world, viewer)
    url = reverse(
        "organisations:invitation_withdraw",
        kwargs={"slug": world.organisations[through].slug, "pk": invitation.pk},
    )
    _assert_outcome(client.post(url), expected, url)
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) is (expected == 302)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "record", "through", "expected"), _record_params(IMPORT_PREVIEW_ROWS, "preview")
)
def test_previewing_a_guessed_import(
    client: Client,
    world: World,
    records: Records,
    viewer: str,
    record: str,
    through: str,
    expected: Any,
) -> None:
    """An uploaded file of people is shown only to those who manage that organisation's people,
    and only through its own address."""
    batch = records.imports[record]
    _sign_in(client, world, viewer)
    url = reverse(
        "organisations:import_preview",
        kwargs={"slug": world.organisations[through].slug, "pk": batch.pk},
    )
    _assert_outcome(client.get(url), expected, url)


# (c) Wagtail admin: organisations and job roles ---------------------------------------------

ADMIN_PAGES: dict[str, Callable[[World], str]] = {
    "organisation-list": lambda w: reverse("organisation_admin:index"),
    "organisation-add": lambda w: reverse("organisation_admin:add"),
    "organisation-edit": lambda w: reverse(
        "organisation_admin:edit", args=[w.organisations["council"].pk]
    ),
    "organisation-delete": lambda w: reverse(
        "organisation_admin:delete", args=[w.organisations["other-org"].pk]
    ),
    "job-role-list": lambda w: reverse("jobrole_admin:index"),
    "job-role-add": lambda w: reverse("jobrole_admin:add"),
    "job-role-edit": lambda w: reverse(
        "jobrole_admin:edit", args=[w.memberships["manager"].job_role_id]
    ),
}
# fmt: off
ADMIN_TABLE = _rows(
    tuple(ADMIN_PAGES),
    # viewer               org-list  org-add  org-edit  org-del  role-list  role-add  role-edit
    ("partnership",        200,      200,     200,      200,     200,       200,      200),
    ("web-editor",         DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("coordinator",        DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("school-coordinator", DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("manager",            DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("clerk",              DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("trainer",            DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("practitioner",       DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("governor",           DENIED,   DENIED,  DENIED,   DENIED,  DENIED,    DENIED,   DENIED),
    ("anonymous",          LOGIN,    LOGIN,   LOGIN,    LOGIN,   LOGIN,     LOGIN,    LOGIN),
    page="admin",
)
# fmt: on


@pytest.mark.django_db
@pytest.mark.parametrize(("viewer", "page", "expected"), ADMIN_TABLE)
def test_admin_pages(client: Client, world: World, viewer: str, page: str, expected: Any) -> None:
    """Only the partnership team reaches the organisation and job-role admin, whatever
    `is_staff` says."""
    _check_page(client, world, viewer, ADMIN_PAGES[page], expected)


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["web-editor", "coordinator", "clerk"])
def test_admin_refuses_to_create_organisations_for_others(
    client: Client, world: World, viewer: str
) -> None:
    """Posting the add form without the permission creates nothing."""
    _sign_in(client, world, viewer)
    response = client.post(
        reverse("organisation_admin:add"),
        {"name": "Made-up Agency", "slug": "made-up", "sector": Sector.OTHER},
    )
    assert response.status_code in (302, 403)
    assert not Organisation.objects.filter(slug="made-up").exists()


# MFA: a coordinator who has not set up an authenticator app is sent to do so from every page,
# including the ones their role would otherwise open.
MFA_PAGES: dict[str, Callable[[World], str]] = {
    **LIST_PAGES,
    "person-self": lambda w: _person_url("organisations:person", w, "coordinator"),
    "person-practitioner": lambda w: _person_url("organisations:person", w, "practitioner"),
    "person-edit": lambda w: _person_url("organisations:person_edit", w, "practitioner"),
    "person-end": lambda w: _person_url("organisations:person_end", w, "practitioner"),
    "invite": lambda w: _org_url("organisations:invite", w, "council"),
    "invitations": lambda w: _org_url("organisations:invitations", w, "council"),
    "import-upload": lambda w: _org_url("organisations:import_upload", w, "council"),
    "other-org-person": lambda w: _person_url("organisations:person", w, "other-org-staff"),
    **ADMIN_PAGES,
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("viewer", "page"),
    [
        pytest.param("coordinator", page, id=f"unenrolled-coordinator-{page}-mfa")
        for page in MFA_PAGES
    ]
    + [
        pytest.param("partnership", page, id=f"unenrolled-partnership-{page}-mfa")
        for page in ("organisation-list", "organisation-edit", "job-role-add")
    ]
    + [
        pytest.param("clerk", page, id=f"unenrolled-clerk-{page}-mfa")
        for page in ("home", "school-people")
    ],
)
def test_unenrolled_privileged_people_are_sent_to_set_up_mfa(
    client: Client, world: World, viewer: str, page: str
) -> None:
    """Privileged people without an authenticator app reach nothing until they set one up."""
    _sign_in(client, world, viewer, enrolled=False)
    address = MFA_PAGES[page](world)
    _assert_outcome(client.get(address), MFA, address)


@pytest.mark.django_db
def test_unenrolled_practitioner_is_not_asked_for_mfa(client: Client, world: World) -> None:
    """MFA is optional for people who see only their own record."""
    _sign_in(client, world, "practitioner", enrolled=False)
    assert client.get(reverse("home")).status_code == 200
