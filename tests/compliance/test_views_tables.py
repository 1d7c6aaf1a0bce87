"""The compliance pages: where people start, an organisation's table (figures, filters,
sorting, pagination, links), a line manager's team and the partnership's summary by sector and
organisation with coverage against the declared headcount.

Figures are checked against small hand-built histories where each person's status is known;
the rules behind each status are tested with the compliance core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from compliance.models import Requirement
from compliance.views import tables as compliance_views
from evidence.enums import EvidenceStatus
from organisations.enums import MembershipKind, Sector
from organisations.models import JobRole, Membership, Organisation, WorkforceHeadcount
from tests.accounts.factories import UserFactory, enrol_totp
from tests.compliance.factories import RequirementFactory
from tests.evidence.factories import ExternalEvidenceFactory
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingRecordFactory, TrainingStandardFactory
from training.models import TrainingStandard

pytestmark = pytest.mark.django_db


# A small organisation with one person in each status ----------------------------------------


def today() -> date:
    return timezone.localdate()


def long_ago() -> date:
    """A start date well before every requirement's grace period ended."""
    return today() - timedelta(days=5 * 365)


def person(
    organisation: Organisation,
    name: str,
    *,
    job_role: JobRole | None = None,
    line_manager: Membership | None = None,
    started: date | None = None,
    email: str | None = None,
    **traits: Any,
) -> Membership:
    first, last = name.split(" ", 1)
    user = UserFactory.create(
        first_name=first,
        last_name=last,
        email=email or f"{first}.{last}@{organisation.slug}.example".lower().replace(" ", ""),
    )
    return MembershipFactory.create(
        user=user,
        organisation=organisation,
        job_role=job_role,
        line_manager=line_manager,
        start_date=started or long_ago(),
        **traits,
    )


def trained(membership: Membership, standard: TrainingStandard, on: date) -> None:
    TrainingRecordFactory.create(user=membership.user, standards=[standard], completed_on=on)


def due_soon_date() -> date:
    """Completed so that 36-month training expires in 30 days (inside the 60-day window)."""
    return today() - relativedelta(months=36) + timedelta(days=30)


@dataclass
class World:
    organisation: Organisation
    other: Organisation
    level_2: TrainingStandard
    requirement: Requirement
    social_worker: JobRole
    manager: Membership
    coordinator: User
    people: dict[str, Membership]


def build_world() -> World:
    """Lewisham children's social care: five social workers, one in each status, four of them
    reporting to Morgan Moss; a coordinator; and one social worker at the police, elsewhere.

    | person    | kind      | status      | why                                   |
    |-----------|-----------|-------------|---------------------------------------|
    | Ana Ash   | staff     | in date     | trained 100 days ago                  |
    | Ben Birch | staff     | due soon    | expires in 30 days                    |
    | Cal Cedar | staff     | overdue     | trained 40 months ago, expired        |
    | Dee Dale  | staff     | missing     | never trained, in post for years      |
    | Eve Elm   | volunteer | new starter | never trained, started 10 days ago    |
    """
    organisation = OrganisationFactory.create(
        name="Lewisham Children's Social Care",
        slug="lewisham-csc",
        sector=Sector.CHILDRENS_SOCIAL_CARE,
    )
    other = OrganisationFactory.create(
        name="Metropolitan Police, Lewisham", slug="met-lewisham", sector=Sector.POLICE
    )
    level_2 = TrainingStandardFactory.create(
        name="Safeguarding children level 2", slug="level-2", validity_months=36
    )
    social_worker = JobRoleFactory.create(name="Social worker")
    team_manager = JobRoleFactory.create(name="Team manager")
    requirement = RequirementFactory.create(
        name="Level 2 for social workers", standard=level_2, job_roles=[social_worker]
    )
    manager = person(organisation, "Morgan Moss", job_role=team_manager)
    coordinator = person(organisation, "Cora Coord", coordinator=True).user
    enrol_totp(coordinator)
    people = {
        "Ana Ash": person(organisation, "Ana Ash", job_role=social_worker, line_manager=manager),
        "Ben Birch": person(
            organisation, "Ben Birch", job_role=social_worker, line_manager=manager
        ),
        "Cal Cedar": person(
            organisation, "Cal Cedar", job_role=social_worker, line_manager=manager
        ),
        "Dee Dale": person(organisation, "Dee Dale", job_role=social_worker, line_manager=manager),
        "Eve Elm": person(
            organisation,
            "Eve Elm",
            job_role=social_worker,
            started=today() - timedelta(days=10),
            volunteer=True,
        ),
    }
    trained(people["Ana Ash"], level_2, today() - timedelta(days=100))
    trained(people["Ben Birch"], level_2, due_soon_date())
    trained(people["Cal Cedar"], level_2, today() - relativedelta(months=40))
    person(other, "Zed Zinc", job_role=social_worker)  # missing, and nobody here sees him
    return World(
        organisation=organisation,
        other=other,
        level_2=level_2,
        requirement=requirement,
        social_worker=social_worker,
        manager=manager,
        coordinator=coordinator,
        people=people,
    )


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def team_member() -> User:
    user = UserFactory.create(partnership_team=True, first_name="Pat", last_name="Team")
    enrol_totp(user)
    return user


def organisation_url(world: World, **query: str) -> str:
    url = reverse("compliance:organisation", args=[world.organisation.slug])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def names_in_table(response: Any) -> list[str]:
    """The people in the table, in order, one entry for each row."""
    return [
        f"{row.membership.user.first_name} {row.membership.user.last_name}"
        for row in response.context["page"].object_list
    ]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


# Where people start --------------------------------------------------------------------------


def test_home_sends_the_partnership_team_to_the_partnership_summary(
    client: Client, team_member: User
) -> None:
    """The partnership team start from the summary across the partnership."""
    response = signed_in(client, team_member).get(reverse("compliance:home"))
    assert response.headers["Location"] == reverse("compliance:partnership")


def test_home_sends_a_coordinator_of_one_organisation_to_its_page(
    client: Client, world: World
) -> None:
    """A coordinator with one organisation goes straight to its table."""
    response = signed_in(client, world.coordinator).get(reverse("compliance:home"))
    assert response.headers["Location"] == organisation_url(world)


def test_home_lists_several_organisations_with_their_rates(client: Client, world: World) -> None:
    """A coordinator of two organisations chooses between them, each with its rate."""
    MembershipFactory.create(user=world.coordinator, organisation=world.other, coordinator=True)
    response = signed_in(client, world.coordinator).get(reverse("compliance:home"))
    assert response.status_code == 200
    rates = {line.organisation.name: line.counts.rate for line in response.context["rates"]}
    # Lewisham: 2 met of 4 counted (the new starter left out); the police: 0 of 1.
    assert rates == {
        "Lewisham Children's Social Care": Decimal("50.0"),
        "Metropolitan Police, Lewisham": Decimal("0.0"),
    }
    assertContains(response, f'href="{organisation_url(world)}"')
    assertContains(response, "50.0%")


def test_home_sends_a_line_manager_to_their_team(client: Client, world: World) -> None:
    """A line manager who is not a coordinator goes to their team's page."""
    response = signed_in(client, world.manager.user).get(reverse("compliance:home"))
    assert response.headers["Location"] == reverse("compliance:team")


def test_home_is_not_found_for_a_practitioner(client: Client, world: World) -> None:
    """Someone responsible for nobody has no compliance page but their own training."""
    response = signed_in(client, world.people["Ana Ash"].user).get(reverse("compliance:home"))
    assert response.status_code == 404


# An organisation's figures -------------------------------------------------------------------


def test_headline_counts_each_status_once_and_leaves_new_starters_out_of_the_rate(
    client: Client, world: World
) -> None:
    """One person in each status: 2 met of 4 counted is 50%, the new starter shown apart."""
    response = signed_in(client, world.coordinator).get(organisation_url(world))
    figures = response.context["headline"]
    assert (
        figures.in_date,
        figures.due_soon,
        figures.overdue,
        figures.missing,
        figures.new_starter,
    ) == (1, 1, 1, 1, 1)
    assert figures.rate == Decimal("50.0")
    assertContains(response, "50.0%")
    assertContains(response, "2 of 4 requirements met, leaving out new starters")


def test_headline_ignores_the_filters(client: Client, world: World) -> None:
    """The headline is the organisation's; the filters narrow the table only."""
    response = signed_in(client, world.coordinator).get(organisation_url(world, status="overdue"))
    assert response.context["headline"].total == 5
    assert names_in_table(response) == ["Cal Cedar"]


def test_by_standard_counts_each_standard_required(client: Client, world: World) -> None:
    """A second requirement for everyone adds a line for its standard, counted on its own."""
    level_1 = TrainingStandardFactory.create(name="Safeguarding children level 1", slug="level-1")
    RequirementFactory.create(name="Level 1 for everyone", standard=level_1)
    trained(world.people["Ana Ash"], level_1, today() - timedelta(days=10))
    response = signed_in(client, world.coordinator).get(organisation_url(world))
    by_standard = {line.name: line.counts for line in response.context["by_standard"]}
    assert list(by_standard) == ["Safeguarding children level 1", "Safeguarding children level 2"]
    level_1_counts = by_standard["Safeguarding children level 1"]
    # Seven people here (the coordinator and manager too); Ana trained, Eve new, five missing.
    assert (level_1_counts.in_date, level_1_counts.new_starter, level_1_counts.missing) == (1, 1, 5)
    assert by_standard["Safeguarding children level 2"].total == 5
    assertContains(response, f'href="?standard={level_1.pk}"')


def test_table_has_a_row_for_each_person_and_requirement(client: Client, world: World) -> None:
    """Each row names the person (linking to their page), their role, manager and status."""
    response = signed_in(client, world.coordinator).get(organisation_url(world))
    assert names_in_table(response) == ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale", "Eve Elm"]
    ana = world.people["Ana Ash"]
    person_url = reverse("organisations:person", args=[world.organisation.slug, ana.pk])
    assertContains(response, f'href="{person_url}"')
    assertContains(response, "Morgan Moss", count=4 + 1)  # four rows and the team filter
    assertContains(response, '<strong class="govuk-tag govuk-tag--green">In date</strong>')
    assertContains(response, '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>')
    assertContains(response, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    assertContains(response, '<strong class="govuk-tag govuk-tag--orange">Missing</strong>')
    assertContains(response, '<strong class="govuk-tag">New starter</strong>')
    assertNotContains(response, "Zed Zinc")


def _date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_table_shows_the_dates_behind_each_status(client: Client, world: World) -> None:
    """Last met, expiry (or when it was due) and the day the status changes, as British
    dates."""
    response = signed_in(client, world.coordinator).get(organisation_url(world))
    rows = {row.membership.user.first_name: row for row in response.context["page"].object_list}
    trained_on = today() - timedelta(days=100)
    expires = trained_on + relativedelta(months=36)
    assert rows["Ana"].effective_on == trained_on
    assert rows["Ana"].due_on == expires
    assert rows["Ana"].status_changes_on == expires - timedelta(days=60)
    grace_end = today() - timedelta(days=10) + relativedelta(months=3)
    assert rows["Eve"].due_on == grace_end
    assert rows["Eve"].status_changes_on == grace_end
    html = response.content.decode()
    for day in (trained_on, expires, expires - timedelta(days=60), grace_end):
        assert _date(day) in html
    assert "Not met" in html  # Dee and Eve have never met it
    assert "When training is done" in html  # Cal and Dee stay as they are until they train


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "overdue"}, ["Cal Cedar"]),
        ({"status": "new_starter"}, ["Eve Elm"]),
        ({"kind": MembershipKind.VOLUNTEER}, ["Eve Elm"]),
        ({"kind": MembershipKind.STAFF}, ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale"]),
        ({"q": "bir"}, ["Ben Birch"]),
        ({"q": "dee dal"}, ["Dee Dale"]),
        ({"q": "ana.ash@"}, ["Ana Ash"]),
        ({"q": "nobody"}, []),
    ],
)
def test_filters_by_status_kind_and_name(
    client: Client, world: World, query: dict[str, str], expected: list[str]
) -> None:
    """Each filter narrows the table to the matching rows."""
    response = signed_in(client, world.coordinator).get(organisation_url(world, **query))
    assert names_in_table(response) == expected
    if not expected:
        assertContains(response, "Nobody matches your filters.")


def test_filters_by_team_job_role_and_standard(client: Client, world: World) -> None:
    """Team means the people reporting to a line manager; job role and standard narrow too."""
    other_manager = person(world.organisation, "Nia Nash")
    world.people["Dee Dale"].line_manager = other_manager
    world.people["Dee Dale"].save()
    family_support = JobRoleFactory.create(name="Family support worker")
    person(world.organisation, "Fay Fern", job_role=family_support, line_manager=other_manager)
    level_1 = TrainingStandardFactory.create(name="Safeguarding children level 1", slug="level-1")
    RequirementFactory.create(
        name="Level 1 for family support", standard=level_1, job_roles=[family_support]
    )
    client = signed_in(client, world.coordinator)

    team = client.get(organisation_url(world, team=str(world.manager.pk)))
    assert names_in_table(team) == ["Ana Ash", "Ben Birch", "Cal Cedar"]
    role = client.get(organisation_url(world, job_role=str(family_support.pk)))
    assert names_in_table(role) == ["Fay Fern"]
    standard = client.get(organisation_url(world, standard=str(level_1.pk)))
    assert names_in_table(standard) == ["Fay Fern"]
    both = client.get(organisation_url(world, team=str(other_manager.pk), status="missing"))
    assert names_in_table(both) == ["Dee Dale", "Fay Fern"]
    teams = [choice.user.get_full_name() for choice in team.context["form"].fields["team"].queryset]
    assert teams == ["Morgan Moss", "Nia Nash"]


def test_a_filter_value_from_elsewhere_is_an_error_and_filters_nothing(
    client: Client, world: World
) -> None:
    """A line manager of another organisation is not a team here: the page says so."""
    elsewhere = person(world.other, "Olu Oak")
    person(world.other, "Pip Pine", line_manager=elsewhere)
    response = signed_in(client, world.coordinator).get(
        organisation_url(world, team=str(elsewhere.pk))
    )
    assert response.status_code == 200
    assertContains(response, "Choose a team from the list.")
    assertContains(response, "<title>Error: Compliance at")
    assert len(names_in_table(response)) == 5


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("person", ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale", "Eve Elm"]),
        ("-person", ["Eve Elm", "Dee Dale", "Cal Cedar", "Ben Birch", "Ana Ash"]),
        # Most urgent first: overdue, missing, due soon, new starter, in date.
        ("status", ["Cal Cedar", "Dee Dale", "Ben Birch", "Eve Elm", "Ana Ash"]),
        ("-status", ["Ana Ash", "Eve Elm", "Ben Birch", "Dee Dale", "Cal Cedar"]),
        # Dee's was due when her grace period ended, long ago; Cal's expired 4 months ago.
        ("expiry", ["Dee Dale", "Cal Cedar", "Ben Birch", "Eve Elm", "Ana Ash"]),
        ("-expiry", ["Ana Ash", "Eve Elm", "Ben Birch", "Cal Cedar", "Dee Dale"]),
        ("nonsense", ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale", "Eve Elm"]),
    ],
)
def test_sorting(client: Client, world: World, sort: str, expected: list[str]) -> None:
    """Person, status and expiry sort both ways; anything else sorts by person."""
    response = signed_in(client, world.coordinator).get(organisation_url(world, sort=sort))
    assert names_in_table(response) == expected


def test_sort_headers_say_how_the_table_is_sorted_and_keep_the_filters(
    client: Client, world: World
) -> None:
    """The sorted column carries aria-sort; its link sorts the other way, filters kept."""
    response = signed_in(client, world.coordinator).get(
        organisation_url(world, kind="staff", sort="status", page="1")
    )
    html = response.content.decode()
    assert re.search(
        r'aria-sort="ascending"><a class="govuk-link" href="\?kind=staff&amp;sort=-status">Status',
        html,
    )
    assert re.search(
        r'aria-sort="none"><a class="govuk-link" href="\?kind=staff&amp;sort=person">Person', html
    )
    assert 'aria-sort="none"><a class="govuk-link" href="?kind=staff&amp;sort=expiry">' in html
    assert '<input type="hidden" name="sort" value="status">' in html
    descending = client.get(organisation_url(world, sort="-status"))
    assert 'aria-sort="descending"><a class="govuk-link" href="?sort=status">' in (
        descending.content.decode()
    )


def test_pagination_keeps_the_filters_and_sort(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of rows, each link carrying the filters and the sort."""
    monkeypatch.setattr(compliance_views, "ROWS_PER_PAGE", 2)
    client = signed_in(client, world.coordinator)
    first = client.get(organisation_url(world, kind="staff", sort="-person"))
    assert names_in_table(first) == ["Dee Dale", "Cal Cedar"]
    assert first.context["page"].paginator.num_pages == 2
    assertContains(first, 'href="?kind=staff&amp;sort=-person&amp;page=2" rel="next"')
    second = client.get(organisation_url(world, kind="staff", sort="-person", page="2"))
    assert names_in_table(second) == ["Ben Birch", "Ana Ash"]
    assert second.context["caption"] == "Requirements matching your filters (4)"


def test_export_links_carry_the_filters_and_sort(client: Client, world: World) -> None:
    """The export links ask for every row the page's filters match, in its order."""
    response = signed_in(client, world.coordinator).get(
        organisation_url(world, status="overdue", q="cal", sort="expiry", page="1")
    )
    export = reverse("compliance:organisation_export", args=[world.organisation.slug])
    assert response.context["export_csv_url"] == (
        f"{export}?q=cal&status=overdue&sort=expiry&format=csv"
    )
    assert response.context["export_xlsx_url"].endswith("&format=xlsx")
    assertContains(response, "Export CSV")
    assertContains(response, "Export XLSX")


def test_import_and_evidence_links(client: Client, world: World) -> None:
    """A coordinator may import completions; evidence to verify shows only when some waits."""
    client = signed_in(client, world.coordinator)
    response = client.get(organisation_url(world))
    assertContains(
        response, f'href="{reverse("training:records_import", args=[world.organisation.slug])}"'
    )
    assertNotContains(response, "Evidence to verify")
    ExternalEvidenceFactory.create(membership=world.people["Dee Dale"], standard=world.level_2)
    review = reverse("evidence:review")
    assertContains(
        client.get(organisation_url(world)),
        f'<a class="govuk-link" href="{review}">Evidence to verify</a>',
    )


def test_evidence_link_is_hidden_when_nothing_waits(client: Client, world: World) -> None:
    """Evidence already decided asks nothing of the coordinator."""
    ExternalEvidenceFactory.create(
        membership=world.people["Dee Dale"],
        standard=world.level_2,
        status=EvidenceStatus.REJECTED,
        rejection_reason="The certificate is for another person.",
        decided_at=timezone.now(),
        decided_by=world.coordinator,
    )
    ExternalEvidenceFactory.create(
        membership=world.people["Cal Cedar"],
        standard=world.level_2,
        status=EvidenceStatus.VERIFIED,
        decided_at=timezone.now(),
        decided_by=world.coordinator,
    )
    response = signed_in(client, world.coordinator).get(organisation_url(world))
    assertNotContains(response, "Evidence to verify")


def test_the_partnership_team_sees_any_organisation_with_a_way_back(
    client: Client, world: World, team_member: User
) -> None:
    """The same table for the partnership team, with a link back to the summary."""
    response = signed_in(client, team_member).get(organisation_url(world))
    assert len(names_in_table(response)) == 5
    assertContains(response, f'href="{reverse("compliance:partnership")}"')


def _grow(world: World, extra: int) -> None:
    """More people in every status, with records, managers and job roles, as a real
    organisation has."""
    for number in range(extra):
        member = person(
            world.organisation,
            f"Extra Person{number}",
            job_role=world.social_worker,
            line_manager=world.manager,
        )
        if number % 2:
            trained(member, world.level_2, today() - timedelta(days=number))


def queries_for(client: Client, url: str) -> int:
    """How many queries a page costs once sessions and settings are warmed up."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_organisation_page_queries_do_not_grow_with_people(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    """The same queries for 5 people as for 35, filtered and sorted by expiry."""
    client = signed_in(client, world.coordinator)
    url = organisation_url(world, kind="staff", sort="expiry", team=str(world.manager.pk))
    few = queries_for(client, url)
    _grow(world, 30)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.context["page"].paginator.count == 4 + 30


# A line manager's team -----------------------------------------------------------------------


def test_team_page_shows_only_the_managers_reports(client: Client, world: World) -> None:
    """Morgan sees the four who report to him, not Eve (no manager) nor anyone elsewhere."""
    response = signed_in(client, world.manager.user).get(reverse("compliance:team"))
    assert response.status_code == 200
    assert names_in_table(response) == ["Ana Ash", "Ben Birch", "Cal Cedar", "Dee Dale"]
    figures = response.context["headline"]
    assert (figures.in_date, figures.due_soon, figures.overdue, figures.missing) == (1, 1, 1, 1)
    assert figures.new_starter == 0
    assert figures.rate == Decimal("50.0")
    assertNotContains(response, "Eve Elm")
    assertContains(response, '<h1 class="govuk-heading-l">Your team\'s training</h1>', html=False)


def test_team_page_leaves_out_people_who_have_left(client: Client, world: World) -> None:
    """A report whose membership has ended is no longer on the team."""
    dee = world.people["Dee Dale"]
    dee.end_date = today() - timedelta(days=1)
    dee.save()
    response = signed_in(client, world.manager.user).get(reverse("compliance:team"))
    assert names_in_table(response) == ["Ana Ash", "Ben Birch", "Cal Cedar"]
    assert response.context["headline"].total == 3


def test_team_page_sorts_by_status(client: Client, world: World) -> None:
    """Sorted by status, the people to chase come first."""
    response = signed_in(client, world.manager.user).get(
        reverse("compliance:team") + "?sort=status"
    )
    assert names_in_table(response) == ["Cal Cedar", "Dee Dale", "Ben Birch", "Ana Ash"]


def test_team_page_queries_do_not_grow_with_people(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    """The same queries for 4 reports as for 34."""
    client = signed_in(client, world.manager.user)
    url = reverse("compliance:team")
    few = queries_for(client, url)
    _grow(world, 30)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.context["headline"].total == 34


# The partnership -----------------------------------------------------------------------------


@pytest.fixture
def partnership(world: World) -> World:
    """The world with a school, declared headcounts and a second standard."""
    school = OrganisationFactory.create(name="Addey Primary School", slug="addey", school=True)
    teacher = JobRoleFactory.create(name="Teacher", sector=Sector.SCHOOL)
    kcsie = TrainingStandardFactory.create(
        name="KCSIE annual update", slug="kcsie", validity_months=12
    )
    RequirementFactory.create(name="KCSIE for teachers", standard=kcsie, job_roles=[teacher])
    trained(person(school, "Gus Gale", job_role=teacher), kcsie, today() - timedelta(days=20))
    trained(person(school, "Hal Hart", job_role=teacher), kcsie, today() - timedelta(days=400))
    person(school, "Ivy Iris", governor=True)  # a governor: not staff, nothing required
    WorkforceHeadcount.objects.create(organisation=school, job_role=teacher, headcount=4)
    WorkforceHeadcount.objects.create(
        organisation=world.organisation, job_role=world.social_worker, headcount=8
    )
    WorkforceHeadcount.objects.create(
        organisation=world.organisation,
        job_role=JobRole.objects.get(name="Team manager"),
        headcount=2,
    )
    return world


def partnership_url(**query: str) -> str:
    url = reverse("compliance:partnership")
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def by_name(response: Any) -> dict[str, Any]:
    return {line.name: line for line in response.context["figures"].organisations}


def test_partnership_figures_by_organisation(
    client: Client, partnership: World, team_member: User
) -> None:
    """Each organisation's counts, the people required, and coverage against headcount."""
    response = signed_in(client, team_member).get(partnership_url())
    lines = by_name(response)
    assert list(lines) == [
        "Addey Primary School",
        "Lewisham Children's Social Care",
        "Metropolitan Police, Lewisham",
    ]
    lewisham = lines["Lewisham Children's Social Care"]
    assert lewisham.counts.rate == Decimal("50.0")
    assert lewisham.people_required == 5
    # Seven staff memberships here: five social workers less Eve (a volunteer), Morgan, Cora.
    assert lewisham.staff_on_hub == 6
    assert lewisham.headcount == 10
    assert lewisham.hub_coverage == Decimal("60.0")
    # Ana and Ben hold everything they need; Cal and Dee do not; Eve is not staff.
    assert lewisham.staff_in_date == 2
    assert lewisham.in_date_coverage == Decimal("20.0")
    school = lines["Addey Primary School"]
    assert (school.counts.in_date, school.counts.overdue, school.counts.rate) == (
        1,
        1,
        Decimal("50.0"),
    )
    assert (school.staff_on_hub, school.headcount, school.staff_in_date) == (2, 4, 1)
    police = lines["Metropolitan Police, Lewisham"]
    assert (police.counts.missing, police.headcount, police.hub_coverage) == (1, None, None)
    assertContains(
        response,
        f'href="{reverse("compliance:organisation", args=["addey"])}"',
    )
    assertContains(response, "60.0%")
    assertContains(response, "No headcount declared")


def test_partnership_figures_by_sector_and_in_total(
    client: Client, partnership: World, team_member: User
) -> None:
    """Sectors and the partnership add up their organisations' figures."""
    response = signed_in(client, team_member).get(partnership_url())
    figures = response.context["figures"]
    sectors = {line.sector_label: line for line in figures.sectors}
    assert list(sectors) == ["Children's social care", "Police", "School"]
    assert sectors["School"].organisation_count == 1
    assert sectors["Police"].counts.missing == 1
    total = figures.total
    # 5 + 1 + 2 rows; met: Ana, Ben, Gus; counted: all but Eve.
    assert (total.counts.total, total.counts.met, total.counts.counted) == (8, 3, 7)
    assert total.counts.rate == Decimal("42.9")
    assert (total.people_required, total.staff_on_hub, total.headcount) == (8, 9, 14)
    assert total.staff_in_date == 3
    # Coverage leaves out the police, who declared no headcount: 6 + 2 of 10 + 4.
    assert (total.staff_on_hub_declared, total.hub_coverage) == (8, Decimal("57.1"))
    assert (total.staff_in_date_declared, total.in_date_coverage) == (3, Decimal("21.4"))
    assertContains(response, "57.1% (8 of 14)")
    assertContains(response, "Counting only organisations that declared a headcount")
    police = next(line for line in figures.sectors if line.sector == Sector.POLICE)
    assert (police.staff_on_hub, police.hub_coverage) == (1, None)


def test_partnership_filters_by_standard_and_sector(
    client: Client, partnership: World, team_member: User
) -> None:
    """A standard narrows the counts to its rows; a sector narrows the organisations."""
    client = signed_in(client, team_member)
    kcsie = TrainingStandard.objects.get(slug="kcsie")
    by_standard = by_name(client.get(partnership_url(standard=str(kcsie.pk))))
    assert by_standard["Addey Primary School"].counts.total == 2
    assert by_standard["Lewisham Children's Social Care"].counts.total == 0
    assert by_standard["Lewisham Children's Social Care"].counts.rate is None
    # Nothing of this standard is required in Lewisham, so nobody there is "in date" for it.
    assert by_standard["Lewisham Children's Social Care"].staff_in_date == 0
    schools = client.get(partnership_url(sector=Sector.SCHOOL))
    assert list(by_name(schools)) == ["Addey Primary School"]
    assertContains(schools, "Matching your filters")


def test_partnership_bad_filter_is_an_error(
    client: Client, partnership: World, team_member: User
) -> None:
    response = signed_in(client, team_member).get(partnership_url(sector="moon"))
    assertContains(response, "Choose a sector from the list.")
    assert len(by_name(response)) == 3


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Addey", "Lewisham", "Metropolitan"]),
        ("-name", ["Metropolitan", "Lewisham", "Addey"]),
        ("rate", ["Metropolitan", "Addey", "Lewisham"]),
        ("-rate", ["Addey", "Lewisham", "Metropolitan"]),
    ],
)
def test_partnership_sorting(
    client: Client, partnership: World, team_member: User, sort: str, expected: list[str]
) -> None:
    """By name or rate, both ways (equal rates by name)."""
    response = signed_in(client, team_member).get(partnership_url(sort=sort))
    assert [name.split()[0] for name in by_name(response)] == expected


def test_partnership_sorting_puts_organisations_nobody_is_counted_in_last(
    client: Client, partnership: World, team_member: User
) -> None:
    OrganisationFactory.create(name="Aardvark Housing", slug="aardvark", sector=Sector.HOUSING)
    client = signed_in(client, team_member)
    assert list(by_name(client.get(partnership_url(sort="rate"))))[-1] == "Aardvark Housing"
    assert list(by_name(client.get(partnership_url(sort="-rate"))))[-1] == "Aardvark Housing"


def test_partnership_page_queries_do_not_grow_with_people(
    client: Client, partnership: World, team_member: User, django_assert_num_queries: Any
) -> None:
    """The same queries for 8 people as for 38."""
    client = signed_in(client, team_member)
    few = queries_for(client, partnership_url())
    _grow(partnership, 30)
    with django_assert_num_queries(few):
        response = client.get(partnership_url())
    assert response.context["figures"].total.counts.total == 38


def test_home_list_queries_do_not_grow_with_people(
    client: Client, world: World, django_assert_num_queries: Any
) -> None:
    """The list of a coordinator's organisations costs the same for 5 people as for 35."""
    MembershipFactory.create(user=world.coordinator, organisation=world.other, coordinator=True)
    client = signed_in(client, world.coordinator)
    url = reverse("compliance:home")
    few = queries_for(client, url)
    _grow(world, 30)
    with django_assert_num_queries(few):
        client.get(url)


def test_a_coordinator_who_manages_people_is_offered_their_team(
    client: Client, world: World
) -> None:
    """A coordinator lands on the organisation; their own team is one link away."""
    client = signed_in(client, world.coordinator)
    team_link = f'href="{reverse("compliance:team")}"'
    assertNotContains(client.get(organisation_url(world)), team_link)
    coordinating = world.coordinator.memberships.get()
    eve = world.people["Eve Elm"]
    eve.line_manager = coordinating
    eve.save()
    assertContains(client.get(organisation_url(world)), team_link)
