"""The host's own pages: adding and changing an opportunity (who may, dates typed one a line
with errors naming the line, the rule for the host's own conditions, a requested date kept),
publishing the next agreement version, and marking shadowing hosts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from organisations.models import Membership, Organisation
from shadowing.enums import DateMode, Duration, Status
from shadowing.models import Condition, ConfidentialityAgreement, Host, Opportunity
from tests.accounts.factories import UserFactory, enrol_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.shadowing.factories import (
    ConfidentialityAgreementFactory,
    HostFactory,
    OpportunityFactory,
    briefing_condition,
    placement_in,
)

pytestmark = pytest.mark.django_db

NEW = reverse("shadowing:opportunity_new")


def weekday(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def saturday(days: int) -> date:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() != 5:
        day += timedelta(days=1)
    return day


def line(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def signed_in(client: Client, user: User) -> Client:
    enrol_totp(user)
    client.force_login(user)
    return client


def posted(supervisor: Membership, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A day in the MASH",
        "team": "Multi-agency safeguarding hub",
        "description": "Sit with the duty social workers as referrals come in.",
        "not_included": "You observe only.",
        "location": "Civic Centre, Catford Road",
        "duration": Duration.DAY,
        "days": "",
        "cpd_hours": "",
        "date_mode": DateMode.SPECIFIC,
        "dates_text": f"{line(weekday(20))}\n{line(weekday(40))}",
        "places_per_date": "2",
        "places_per_month": "",
        "minimum_notice_days": "14",
        "supervisor": str(supervisor.pk),
        "other_conditions": "",
        "joining_instructions": "Ask for the duty manager.",
        "is_published": "on",
    }
    return data | changes


@pytest.fixture
def coordinator() -> Membership:
    return MembershipFactory(coordinator=True)


# Adding an opportunity -------------------------------------------------------------------------


def test_a_coordinator_adds_an_opportunity_with_dates_and_conditions(
    client: Client, coordinator: Membership
) -> None:
    supervisor = MembershipFactory(organisation=coordinator.organisation)
    signed_in(client, coordinator.user)
    response = client.post(
        NEW, posted(supervisor, conditions=[str(briefing_condition().pk)]), follow=True
    )

    opportunity = Opportunity.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "shadowing:opportunity_edit", args=[opportunity.pk]
    )
    assert opportunity.organisation == coordinator.organisation
    assert opportunity.created_by == coordinator.user
    assert opportunity.supervisor == supervisor
    assert sorted(opportunity.dates.values_list("date", flat=True)) == [weekday(20), weekday(40)]
    assert list(opportunity.conditions.all()) == [briefing_condition()]
    assert opportunity.cpd_hours == 7
    assert "is saved and published" in response.content.decode()


def test_a_marked_host_adds_one_too(client: Client) -> None:
    host = HostFactory()
    signed_in(client, host.membership.user)
    supervisor = MembershipFactory(organisation=host.membership.organisation)
    client.post(NEW, posted(supervisor))
    assert Opportunity.objects.get().organisation == host.membership.organisation


def test_the_team_adds_one_on_a_hosts_behalf(client: Client) -> None:
    host = MembershipFactory(coordinator=True)
    MembershipFactory(coordinator=True)  # another organisation, also on offer
    signed_in(client, UserFactory(partnership_team=True))

    choosing = client.get(NEW)
    assert "Which organisation is offering it?" in choosing.content.decode()
    assert host.organisation.name in choosing.content.decode()
    supervisor = MembershipFactory(organisation=host.organisation)
    client.post(f"{NEW}?organisation={host.organisation.slug}", posted(supervisor))

    assert Opportunity.objects.get().organisation == host.organisation


def test_a_host_of_two_organisations_chooses_which(client: Client) -> None:
    first = MembershipFactory(coordinator=True)
    second = MembershipFactory(coordinator=True, user=first.user)
    signed_in(client, first.user)

    choosing = client.get(NEW)
    assert first.organisation.name in choosing.content.decode()
    assert "Which organisation is offering it?" in choosing.content.decode()
    nothing = client.get(NEW, {"choose": "1"})
    assert "Choose the organisation offering the opportunity." in nothing.content.decode()
    chosen = client.get(NEW, {"choose": "1", "organisation": second.organisation.slug})
    assert second.organisation.name in chosen.content.decode()
    assert "Host supervisor" in chosen.content.decode()
    url = f"{NEW}?organisation={second.organisation.slug}"
    supervisor = MembershipFactory(organisation=second.organisation)
    client.post(url, posted(supervisor))
    assert Opportunity.objects.get().organisation == second.organisation
    # A supervisor from the other organisation is not on offer.
    refused = client.post(url, posted(first, title="Another"))
    assert (
        "Choose a supervisor who works for the host organisation now." in refused.content.decode()
    )


def test_a_practitioner_cannot_add_or_edit(client: Client) -> None:
    practitioner = MembershipFactory()
    opportunity = OpportunityFactory(organisation=practitioner.organisation)
    signed_in(client, practitioner.user)
    assert client.get(NEW).status_code == 404
    edit = reverse("shadowing:opportunity_edit", args=[opportunity.pk])
    assert client.post(edit, posted(opportunity.supervisor)).status_code == 404
    assert (
        client.get(
            reverse("shadowing:agreement_new", args=[practitioner.organisation.slug])
        ).status_code
        == 404
    )
    assert not Opportunity.objects.filter(title="A day in the MASH").exists()


def test_another_organisations_coordinator_gets_404_on_edit(
    client: Client, coordinator: Membership
) -> None:
    opportunity = OpportunityFactory()
    signed_in(client, coordinator.user)
    edit = reverse("shadowing:opportunity_edit", args=[opportunity.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, posted(opportunity.supervisor)).status_code == 404


def test_the_pages_ask_people_to_sign_in(client: Client) -> None:
    response = client.get(NEW)
    assert response.status_code == 302
    assert "login" in response["Location"]


# What is typed ---------------------------------------------------------------------------------


def test_bad_dates_are_named_by_line_and_nothing_is_saved(
    client: Client, coordinator: Membership
) -> None:
    supervisor = MembershipFactory(organisation=coordinator.organisation)
    past = timezone.localdate() - timedelta(days=3)
    typed = "\n".join(
        [line(weekday(20)), "31/2/2030", line(saturday(10)), line(weekday(20)), line(past), "soon"]
    )
    signed_in(client, coordinator.user)
    response = client.post(NEW, posted(supervisor, dates_text=typed))

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert escape("Line 2: “31/2/2030” is not a real date.") in page
    assert f"Line 3: {saturday(10):%-d %B %Y} is a Saturday." in page
    assert f"Line 4: {weekday(20):%-d %B %Y} is already on line 1." in page
    assert f"Line 5: {past:%-d %B %Y} is not in the future." in page
    assert escape("Line 6: “soon” is not a real date.") in page
    # What was typed is kept.
    assert typed.split("\n")[1] in page
    assert "Multi-agency safeguarding hub" in page
    assert not Opportunity.objects.exists()


def test_several_days_need_a_number_of_days(client: Client, coordinator: Membership) -> None:
    supervisor = MembershipFactory(organisation=coordinator.organisation)
    signed_in(client, coordinator.user)
    refused = client.post(NEW, posted(supervisor, duration=Duration.SEVERAL_DAYS))
    assert "Enter how many days the visit lasts, from 2 to 5." in refused.content.decode()
    client.post(NEW, posted(supervisor, duration=Duration.SEVERAL_DAYS, days="3"))
    saved = Opportunity.objects.get()
    assert (saved.days, saved.cpd_hours) == (3, 14)


def test_a_condition_asking_for_details_needs_them(client: Client, coordinator: Membership) -> None:
    own = Condition.objects.get(needs_details=True)
    supervisor = MembershipFactory(organisation=coordinator.organisation)
    signed_in(client, coordinator.user)

    missing = client.post(NEW, posted(supervisor, conditions=[str(own.pk)]))
    assert "Describe your own conditions" in missing.content.decode()
    unwanted = client.post(NEW, posted(supervisor, other_conditions="Wear flat shoes."))
    assert "Leave your own conditions blank" in unwanted.content.decode()
    assert not Opportunity.objects.exists()

    client.post(
        NEW, posted(supervisor, conditions=[str(own.pk)], other_conditions="Wear flat shoes.")
    )
    assert Opportunity.objects.get().other_conditions == "Wear flat shoes."


def test_the_form_shows_the_default_text_and_condition_descriptions(
    client: Client, coordinator: Membership
) -> None:
    signed_in(client, coordinator.user)
    page = client.get(NEW).content.decode()
    assert "You observe only. You will not take part" in page
    assert escape(briefing_condition().description) in page
    assert "Dates offered, one per line (for example 14/1/2027)" in page


# Editing ---------------------------------------------------------------------------------------


def test_editing_shows_the_dates_and_saves_changes(client: Client, coordinator: Membership) -> None:
    opportunity = OpportunityFactory(
        organisation=coordinator.organisation, offered_dates=[weekday(20), weekday(40)]
    )
    edit = reverse("shadowing:opportunity_edit", args=[opportunity.pk])
    signed_in(client, coordinator.user)
    assert line(weekday(40)) in client.get(edit).content.decode()

    client.post(edit, posted(opportunity.supervisor, dates_text=line(weekday(20)), title="New"))
    opportunity.refresh_from_db()
    assert opportunity.title == "New"
    assert list(opportunity.dates.values_list("date", flat=True)) == [weekday(20)]


def test_removing_a_requested_date_is_refused_and_nothing_changes(
    client: Client, coordinator: Membership
) -> None:
    requested = weekday(30)
    opportunity = OpportunityFactory(
        organisation=coordinator.organisation, offered_dates=[requested, weekday(60)]
    )
    placement_in(Status.AWAITING_HOST, opportunity=opportunity)
    edit = reverse("shadowing:opportunity_edit", args=[opportunity.pk])
    signed_in(client, coordinator.user)

    response = client.post(
        edit, posted(opportunity.supervisor, dates_text=line(weekday(60)), title="New")
    )

    assert f"{requested:%-d %B %Y} has a request; cancel or move it first." in (
        response.content.decode()
    )
    opportunity.refresh_from_db()
    assert opportunity.title != "New"
    assert sorted(opportunity.dates.values_list("date", flat=True)) == [requested, weekday(60)]


def test_the_team_can_edit_any_opportunity(client: Client, team_member: User) -> None:
    opportunity = OpportunityFactory(offered_dates=[weekday(30), weekday(60)])
    client.force_login(team_member)
    edit = reverse("shadowing:opportunity_edit", args=[opportunity.pk])
    dates = "\n".join(line(d.date) for d in opportunity.dates.all())
    client.post(edit, posted(opportunity.supervisor, dates_text=dates, title="Corrected"))
    opportunity.refresh_from_db()
    assert opportunity.title == "Corrected"


# The agreement ---------------------------------------------------------------------------------


def test_publishing_version_two_keeps_version_one(client: Client, coordinator: Membership) -> None:
    first = ConfidentialityAgreementFactory(
        organisation=coordinator.organisation, text="The first words."
    )
    url = reverse("shadowing:agreement_new", args=[coordinator.organisation.slug])
    signed_in(client, coordinator.user)
    page = client.get(url).content.decode()
    assert "version 1" in page
    assert "The first words." in page

    response = client.post(url, {"text": "The second words.", "based_on": "1"}, follow=True)

    assert "Version 2 of the confidentiality agreement is published" in response.content.decode()
    versions = ConfidentialityAgreement.objects.filter(organisation=coordinator.organisation)
    assert sorted(versions.values_list("version", "text")) == [
        (1, "The first words."),
        (2, "The second words."),
    ]
    first.refresh_from_db()
    assert first.text == "The first words."
    assert versions.get(version=2).created_by == coordinator.user


def test_a_marked_host_publishes_the_first_version(client: Client) -> None:
    host = HostFactory()
    organisation: Organisation = host.membership.organisation
    signed_in(client, host.membership.user)
    url = reverse("shadowing:agreement_new", args=[organisation.slug])
    empty = client.post(url, {"text": " ", "based_on": ""})
    assert "Enter the agreement&#x27;s text." in empty.content.decode()
    client.post(url, {"text": "Keep it to yourself.", "based_on": ""})
    assert ConfidentialityAgreement.objects.get(organisation=organisation).version == 1


def test_another_organisations_host_cannot_publish(client: Client, coordinator: Membership) -> None:
    other = OrganisationFactory()
    signed_in(client, coordinator.user)
    url = reverse("shadowing:agreement_new", args=[other.slug])
    assert client.post(url, {"text": "Mine.", "based_on": ""}).status_code == 404
    assert not ConfidentialityAgreement.objects.exists()


# Marking hosts ---------------------------------------------------------------------------------


def test_a_coordinator_marks_and_unmarks_hosts(client: Client, coordinator: Membership) -> None:
    organisation = coordinator.organisation
    newcomer = MembershipFactory(organisation=organisation)
    leaving = HostFactory(membership__organisation=organisation)
    url = reverse("shadowing:hosts", args=[organisation.slug])
    signed_in(client, coordinator.user)

    page = client.get(url).content.decode()
    assert newcomer.user.last_name in page
    assert "Coordinator: a host already" in page
    assert f'value="{leaving.membership_id}" checked' in page

    response = client.post(url, {"hosts": [str(newcomer.pk)]}, follow=True)

    assert "1 person marked as a shadowing host and 1 no longer a host." in (
        response.content.decode()
    )
    marked = Host.objects.get()
    assert marked.membership == newcomer
    assert marked.marked_by == coordinator.user


def test_the_team_marks_hosts_anywhere(client: Client, team_member: User) -> None:
    member = MembershipFactory()
    client.force_login(team_member)
    url = reverse("shadowing:hosts", args=[member.organisation.slug])
    client.post(url, {"hosts": [str(member.pk)]})
    assert Host.objects.get().marked_by == team_member


@pytest.mark.parametrize("who", ["marked_host", "other_coordinator", "practitioner"])
def test_others_cannot_mark_hosts(client: Client, who: str) -> None:
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation)
    user = {
        "marked_host": lambda: HostFactory(membership__organisation=organisation).membership.user,
        "other_coordinator": lambda: MembershipFactory(coordinator=True).user,
        "practitioner": lambda: MembershipFactory(organisation=organisation).user,
    }[who]()
    signed_in(client, user)
    url = reverse("shadowing:hosts", args=[organisation.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, {"hosts": [str(member.pk)]}).status_code == 404
    assert not Host.objects.filter(membership=member).exists()
