"""Guides' currency and reading rates: the figures, and the pages the partnership team and
coordinators read them on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.enums import ReviewStatus
from cms.models import EscalationGuidePage
from cms.selectors.currency import (
    currency_counts,
    organisation_currency,
    partnership_procedures,
)
from cms.selectors.reading_rates import (
    Rate,
    partnership_procedure_rates,
    reading_rates_for,
)
from cms.services.reading import page_acknowledge
from organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory
from tests.cms import factories
from tests.cms.admin_forms import signed_in
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
OVERVIEW = reverse("cms:guides_overview")
PROCEDURES_HEADING = '<h2 class="govuk-heading-m">Partnership procedures</h2>'


def _guide(organisation: Organisation | None = None, **fields: Any) -> EscalationGuidePage:
    parent = factories.organisation_page(organisation or OrganisationFactory())
    return factories.guide_page(parent, **fields)


def _readings(organisation: Organisation) -> Any:
    organisations = Organisation.objects.filter(pk=organisation.pk)
    (row,) = organisation_currency(organisations=organisations)
    return reading_rates_for(
        organisations=[organisation],
        guides=[row.guide.page] if row.guide else [],
        procedures=partnership_procedures(),
    )[organisation.pk]


def _readers(organisation: Organisation, count: int, **fields: Any) -> list[Membership]:
    return [MembershipFactory(organisation=organisation, **fields) for _ in range(count)]


# Rates -------------------------------------------------------------------------------------


def test_rates_count_current_staff_and_volunteers_once_each() -> None:
    """Staff and volunteers are asked, a person with both memberships once; governors, people
    who have left or not yet started, and closed accounts are not counted."""
    school = OrganisationFactory(school=True)
    guide = _guide(school)
    staff, volunteer = (
        MembershipFactory(organisation=school),
        MembershipFactory(organisation=school, volunteer=True),
    )
    both = MembershipFactory(organisation=school)
    MembershipFactory(organisation=school, user=both.user, volunteer=True)
    governor = MembershipFactory(organisation=school, governor=True)
    left = MembershipFactory(
        organisation=school, start_date=TODAY - timedelta(days=400), end_date=TODAY - timedelta(1)
    )
    starting = MembershipFactory(organisation=school, start_date=TODAY + timedelta(days=7))
    closed = MembershipFactory(organisation=school, user__is_active=False)
    for membership in (staff, both, governor, left, starting, closed):
        page_acknowledge(page=guide, user=membership.user)

    reading = _readings(school)
    assert reading.people == 3  # staff, volunteer, both
    assert reading.guide == Rate(confirmed=2, people=3)
    assert volunteer.user_id not in (staff.user_id, both.user_id)


def test_only_the_current_edition_counts() -> None:
    guide = _guide()
    reader = MembershipFactory(organisation=guide.organisation)
    page_acknowledge(page=guide, user=reader.user)
    assert _readings(guide.organisation).guide == Rate(confirmed=1, people=1)

    guide.summary = "Changed."
    factories.publish(guide)
    assert _readings(guide.organisation).guide == Rate(confirmed=0, people=1)


def test_reading_another_organisations_guide_counts_for_neither() -> None:
    """Someone from B who reads A's guide is not one of A's people, and has not read B's."""
    guide_a, guide_b = _guide(), _guide()
    visitor = MembershipFactory(organisation=guide_b.organisation)
    page_acknowledge(page=guide_a, user=visitor.user)
    assert _readings(guide_a.organisation).guide == Rate(confirmed=0, people=0)
    assert _readings(guide_b.organisation).guide == Rate(confirmed=0, people=1)


def test_a_person_in_two_organisations_is_counted_in_each() -> None:
    guide_a, guide_b = _guide(), _guide()
    person = MembershipFactory(organisation=guide_a.organisation)
    MembershipFactory(organisation=guide_b.organisation, user=person.user)
    page_acknowledge(page=guide_a, user=person.user)
    assert _readings(guide_a.organisation).guide == Rate(confirmed=1, people=1)
    assert _readings(guide_b.organisation).guide == Rate(confirmed=0, people=1)


def test_an_organisation_without_a_live_guide_has_no_guide_rate() -> None:
    draft = _guide(live=False)
    MembershipFactory(organisation=draft.organisation)
    reading = _readings(draft.organisation)
    assert reading.guide is None
    assert reading.people == 1


def test_procedure_rates_by_organisation_and_across_the_partnership() -> None:
    """A partnership procedure's current edition, read by each organisation's people and by
    everyone asked anywhere; an organisation's own procedure is not a partnership one."""
    sharing = factories.procedure_page(title="Information sharing")
    own = factories.procedure_page(factories.organisation_page(), title="Our own procedure")
    a: Any = OrganisationFactory()
    b: Any = OrganisationFactory()
    a_people, b_people = _readers(a, 2), _readers(b, 2)
    MembershipFactory(organisation=b, user=a_people[0].user)  # in both
    MembershipFactory(organisation=OrganisationFactory(school=True), governor=True)
    for membership in (a_people[0], b_people[0]):
        page_acknowledge(page=sharing, user=membership.user)
    page_acknowledge(page=own, user=a_people[1].user)

    procedures = partnership_procedures()
    assert procedures == [sharing]
    readings = reading_rates_for(organisations=[a, b], guides=[], procedures=procedures)
    assert [line.rate for line in readings[a.pk].procedures] == [Rate(confirmed=1, people=2)]
    assert [line.rate for line in readings[b.pk].procedures] == [Rate(confirmed=2, people=3)]
    (across,) = partnership_procedure_rates(procedures=procedures)
    assert across.procedure == sharing
    assert across.rate == Rate(confirmed=2, people=4)


def test_percentages_round_down_so_100_means_everyone() -> None:
    assert Rate(confirmed=31, people=50).percent == 62
    assert Rate(confirmed=2, people=3).percent == 66
    assert Rate(confirmed=199, people=200).percent == 99
    assert Rate(confirmed=0, people=0).percent is None


def test_rates_take_the_same_queries_however_many_organisations_and_people() -> None:
    procedure = factories.procedure_page()

    def add_organisation() -> None:
        guide = _guide()
        for membership in _readers(guide.organisation, 3):
            page_acknowledge(page=guide, user=membership.user)
            page_acknowledge(page=procedure, user=membership.user)

    def measure() -> None:
        organisations = list(Organisation.objects.all())
        guides = list(EscalationGuidePage.objects.live())
        procedures = partnership_procedures()
        reading_rates_for(organisations=organisations, guides=guides, procedures=procedures)
        partnership_procedure_rates(procedures=procedures)

    add_organisation()
    with CaptureQueriesContext(connection) as few:
        measure()
    for _ in range(4):
        add_organisation()
    with CaptureQueriesContext(connection) as many:
        measure()
    assert len(many.captured_queries) == len(few.captured_queries)


# Currency ----------------------------------------------------------------------------------


def test_each_organisations_guide_is_in_date_due_soon_overdue_waiting_or_missing() -> None:
    in_date = _guide(next_review=TODAY + timedelta(days=31))
    due_soon = _guide(next_review=TODAY + timedelta(days=30))
    overdue = _guide(next_review=TODAY - timedelta(days=1))
    draft = _guide(live=False)
    in_workflow = _guide()
    in_workflow.save_revision()
    in_workflow.get_workflow().start(in_workflow, UserFactory())
    missing = factories.organisation_page().organisation

    rows: dict[Any, Any] = {
        row.organisation: row
        for row in organisation_currency(organisations=Organisation.objects.all())
    }
    assert rows[in_date.organisation].status == ReviewStatus.IN_DATE
    assert rows[due_soon.organisation].status == ReviewStatus.DUE_SOON
    assert rows[overdue.organisation].status == ReviewStatus.OVERDUE
    assert rows[draft.organisation].status == "awaiting_approval"
    assert rows[draft.organisation].guide is None
    assert rows[in_workflow.organisation].status == ReviewStatus.IN_DATE
    assert rows[in_workflow.organisation].awaiting_approval is True
    assert rows[in_date.organisation].awaiting_approval is False
    assert rows[missing].status == "missing"
    assert rows[overdue.organisation].guide.page == overdue

    counts = currency_counts(list(rows.values()))
    assert (counts.in_date, counts.due_soon, counts.overdue) == (2, 1, 1)
    assert (counts.awaiting_approval, counts.missing, counts.without_guide) == (1, 1, 2)


# The overview page -------------------------------------------------------------------------


@pytest.fixture
def partnership(client: Client) -> Any:
    user = UserFactory(partnership_team=True)
    signed_in(client, user)
    return user


def test_the_team_sees_every_organisation_with_its_status_owner_and_reading(
    client: Client, partnership: Any
) -> None:
    overdue = _guide(
        OrganisationFactory(name="Alpha Police"),
        next_review=TODAY - timedelta(days=3),
        review_owner_title="Detective Inspector",
    )
    readers = _readers(overdue.organisation, 2)
    page_acknowledge(page=overdue, user=readers[0].user)
    _guide(OrganisationFactory(name="Beta Health"), next_review=TODAY + timedelta(days=10))
    _guide(OrganisationFactory(name="Gamma School"), next_review=TODAY + timedelta(days=200))
    factories.organisation_page(OrganisationFactory(name="Delta Charity"))
    _guide(OrganisationFactory(name="Epsilon Youth"), live=False)
    procedure = factories.procedure_page(title="Information sharing protocol")
    page_acknowledge(page=procedure, user=readers[1].user)

    response = client.get(OVERVIEW)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Overdue for review</strong>' in body
    assert '<strong class="govuk-tag govuk-tag--yellow">Review due soon</strong>' in body
    assert '<strong class="govuk-tag govuk-tag--green">In date</strong>' in body
    assert body.count('<strong class="govuk-tag govuk-tag--grey">No guide</strong>') == 2
    assert "Draft waiting for approval" in body
    assert "Detective Inspector" in body
    assert "50% (1 of 2)" in body
    assert f"{(TODAY - timedelta(days=3)).day} {TODAY - timedelta(days=3):%B %Y}" in body
    assert "Governors are not asked" in body
    assert reverse("cms:organisation_guides", args=[overdue.organisation.slug]) in body
    counts = response.context["counts"]
    assert (counts.overdue, counts.due_soon, counts.in_date, counts.without_guide) == (1, 1, 1, 2)
    assert "2 organisations, 1 with a draft waiting for approval" in body
    assert "Information sharing protocol" in body
    assert "Read across the partnership" in body
    # Everyone asked anywhere: the two readers.
    assert "50% (1 of 2)" in body.split(PROCEDURES_HEADING)[1]


def test_the_team_can_show_only_overdue_guides(client: Client, partnership: Any) -> None:
    _guide(OrganisationFactory(name="Alpha Police"), next_review=TODAY - timedelta(days=3))
    _guide(OrganisationFactory(name="Gamma School"))
    body = client.get(OVERVIEW, {"status": "overdue"}).content.decode()
    assert "Alpha Police" in body
    assert "Gamma School" not in body
    assert "Show every organisation" in body
    body = client.get(OVERVIEW, {"status": "nonsense"}).content.decode()
    assert "Gamma School" in body


def test_a_coordinator_sees_their_own_organisation_and_no_partnership_figures(
    client: Client,
) -> None:
    mine = _guide(OrganisationFactory(name="Alpha Police"))
    _guide(OrganisationFactory(name="Beta Health"))
    factories.procedure_page(title="Information sharing protocol")
    coordinator = MembershipFactory(organisation=mine.organisation, coordinator=True)
    signed_in(client, coordinator.user)
    response = client.get(OVERVIEW)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Alpha Police" in body
    assert "Beta Health" not in body
    assert "Across the partnership" not in body
    assert "Information sharing protocol" not in body
    assert "counts" not in response.context
    assert "0% (0 of 1)" in body


# An organisation's page --------------------------------------------------------------------


def test_an_organisation_page_lists_who_has_not_confirmed_and_who_has(
    client: Client, partnership: Any
) -> None:
    school = OrganisationFactory(school=True, name="Alpha School")
    guide = _guide(school, review_owner_title="Headteacher")
    manager = MembershipFactory(
        organisation=school, user__first_name="Maya", user__last_name="Boss"
    )
    reading = MembershipFactory(
        organisation=school,
        user__first_name="Rita",
        user__last_name="Reader",
        job_role=JobRoleFactory(name="Teaching assistant"),
        line_manager=manager,
    )
    volunteer = MembershipFactory(
        organisation=school, volunteer=True, user__first_name="Val", user__last_name="Unread"
    )
    MembershipFactory(
        organisation=school, governor=True, user__first_name="Gil", user__last_name="Governor"
    )
    acknowledgement = page_acknowledge(page=guide, user=reading.user)

    url = reverse("cms:organisation_guides", args=[school.slug])
    body = client.get(url).content.decode()
    assert "Headteacher" in body
    assert "33% (1 of 3)" in body
    assert "Not confirmed yet (2)" in body
    assert "Val Unread" in body
    assert "Maya Boss" in body
    assert "Rita Reader" not in body
    assert "Gil Governor" not in body
    assert reverse("organisations:person", args=[school.slug, volunteer.pk]) in body

    body = client.get(url, {"show": "confirmed"}).content.decode()
    assert "Rita Reader" in body
    assert "Teaching assistant" in body
    assert "Maya Boss" in body  # as Rita's line manager
    assert "Val Unread" not in body
    day = timezone.localtime(acknowledgement.acknowledged_at)
    assert f"{day.day} {day:%B %Y}" in body


def test_a_person_with_two_memberships_is_listed_once(client: Client, partnership: Any) -> None:
    guide = _guide()
    both = MembershipFactory(organisation=guide.organisation, user__last_name="Twice")
    MembershipFactory(organisation=guide.organisation, user=both.user, volunteer=True)
    body = client.get(
        reverse("cms:organisation_guides", args=[guide.organisation.slug])
    ).content.decode()
    assert body.count(both.user.get_full_name()) == 1


def test_people_are_listed_50_a_page(client: Client, partnership: Any) -> None:
    guide = _guide()
    _readers(guide.organisation, 51)
    url = reverse("cms:organisation_guides", args=[guide.organisation.slug])
    response = client.get(url)
    assert len(response.context["page"].object_list) == 50
    assert 'aria-label="Pagination"' in response.content.decode()
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 1


def test_an_organisation_without_a_guide_says_so(client: Client, partnership: Any) -> None:
    organisation = factories.organisation_page().organisation
    MembershipFactory(organisation=organisation)
    response = client.get(reverse("cms:organisation_guides", args=[organisation.slug]))
    body = response.content.decode()
    assert "has no escalation guide published" in body
    assert response.context["page"] is None
    assert "Not confirmed yet" not in body


def test_a_guides_organisation_page_shows_partnership_procedure_reading(
    client: Client, partnership: Any
) -> None:
    guide = _guide()
    procedure = factories.procedure_page(title="Communicating with families")
    reader, _ = _readers(guide.organisation, 2)
    page_acknowledge(page=procedure, user=reader.user)
    body = client.get(
        reverse("cms:organisation_guides", args=[guide.organisation.slug])
    ).content.decode()
    procedures = body.split(PROCEDURES_HEADING)[1]
    assert "Communicating with families" in procedures
    assert "50% (1 of 2)" in procedures


# Queries -----------------------------------------------------------------------------------


def _queries_for(client: Client, url: str) -> int:
    client.get(url)  # caches warmed (content types, the site)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_overview_costs_the_same_queries_however_many_organisations(
    client: Client, partnership: Any, django_assert_num_queries: Any
) -> None:
    factories.procedure_page()

    def add_organisation() -> None:
        guide = _guide()
        for membership in _readers(guide.organisation, 2):
            page_acknowledge(page=guide, user=membership.user)

    add_organisation()
    few = _queries_for(client, OVERVIEW)
    for _ in range(5):
        add_organisation()
    factories.organisation_page()
    _guide(live=False)
    with django_assert_num_queries(few):
        client.get(OVERVIEW)


def test_an_organisation_page_costs_the_same_queries_however_many_people(
    client: Client, partnership: Any, django_assert_num_queries: Any
) -> None:
    guide = _guide()
    factories.procedure_page()
    url = reverse("cms:organisation_guides", args=[guide.organisation.slug])
    manager = MembershipFactory(organisation=guide.organisation)
    _readers(guide.organisation, 2, line_manager=manager, job_role=JobRoleFactory())
    page_acknowledge(page=guide, user=manager.user)
    few = _queries_for(client, url)
    few_confirmed = _queries_for(client, f"{url}?show=confirmed")
    for membership in _readers(guide.organisation, 20, line_manager=manager):
        page_acknowledge(page=guide, user=membership.user)
    _readers(guide.organisation, 20, job_role=JobRoleFactory())
    with django_assert_num_queries(few):
        client.get(url)
    with django_assert_num_queries(few_confirmed):
        client.get(url, {"show": "confirmed"})
