"""'I have read and understood this': the panel on guides and procedures, confirming, editions,
the home page's list of what to read, and the navigation to the route finder."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms.models import Acknowledgement, EscalationGuidePage, ProcedurePage
from cms.services.reading import page_acknowledge
from organisations.models import Membership
from tests.accounts.factories import UserFactory, enrol_totp
from tests.accounts.html import parse
from tests.cms import factories
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TICK = "Tick the box to confirm you have read and understood this guide"


def _day(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


def _acknowledge_url(page: Any) -> str:
    return reverse("cms:acknowledge", args=[page.pk])


@pytest.fixture
def guide() -> EscalationGuidePage:
    return factories.guide_page()


@pytest.fixture
def reader(client: Client, guide: EscalationGuidePage) -> Membership:
    """A practitioner at the guide's organisation, signed in."""
    membership = MembershipFactory(organisation=guide.organisation)
    client.force_login(membership.user)
    return membership


def _new_edition(page: Any, *, small_correction: bool = False) -> Any:
    """Publish a changed version, as an editor would, ticking "small correction" or not."""
    page.summary = f"{page.summary} Changed."
    page.minor_change = small_correction
    return factories.publish(page)


# The panel ---------------------------------------------------------------------------------


def test_readers_not_signed_in_are_asked_to_sign_in_not_to_confirm(
    client: Client, guide: EscalationGuidePage
) -> None:
    """Someone not signed in sees a sign-in link and no form."""
    body = client.get(guide.url).content.decode()
    assert "Sign in to confirm you have read this guide" in body
    assert f"{reverse('account_login')}?next={guide.url}" in body
    assert _acknowledge_url(guide) not in body
    assert "I have read and understood this guide" not in body


def test_signed_in_readers_get_a_form_that_works_without_javascript(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """The form posts to the acknowledge URL, carries the CSRF token, and has a labelled tick
    box and a Confirm button."""
    response = client.get(guide.url)
    body = response.content.decode()
    page = parse(body)
    assert f'action="{_acknowledge_url(guide)}"' in body
    assert 'method="post"' in body
    assert page.input_named("csrfmiddlewaretoken")["type"] == "hidden"
    box = page.input_named("confirmed")
    assert box["type"] == "checkbox"
    assert box["class"] == "govuk-checkboxes__input"
    assert page.unlabelled_inputs() == []
    assert "I have read and understood this guide" in body
    assert ">Confirm</button>" in body
    assert "Sign in to confirm" not in body


def test_procedures_say_procedure(client: Client, reader: Membership) -> None:
    """On a procedure the panel talks about the procedure, not a guide."""
    procedure = factories.procedure_page()
    body = client.get(procedure.url).content.decode()
    assert "I have read and understood this procedure" in body
    assert "this guide" not in body


# Confirming --------------------------------------------------------------------------------


def test_confirming_records_the_current_edition_and_goes_back_to_the_page(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """A ticked box records the reader's acknowledgement of this edition, says so, and sends
    them back to the guide."""
    response = client.post(_acknowledge_url(guide), {"confirmed": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"] == guide.url
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.user, acknowledgement.page_id, acknowledgement.edition) == (
        reader.user,
        guide.pk,
        1,
    )
    body = client.get(guide.url).content.decode()
    assert "You have confirmed you have read and understood this guide." in body
    assert (
        "You confirmed you had read and understood this guide on "
        f"{_day(acknowledgement.acknowledged_at)}." in body
    )
    assert _acknowledge_url(guide) not in body


def test_an_unticked_box_saves_nothing_and_says_what_to_do(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """Without the tick the guide is shown again with the error beside the box."""
    response = client.post(_acknowledge_url(guide), {})
    assert response.status_code == 200
    body = response.content.decode()
    assert TICK in body
    assert 'aria-describedby="reading-confirmed-error"' in body
    assert "govuk-form-group--error" in body
    assert parse(body).title.startswith("Error: ")
    assert guide.title in body
    assert not Acknowledgement.objects.exists()


def test_confirming_twice_keeps_one_acknowledgement(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """Confirming again (a second click, the back button) changes nothing."""
    for _ in range(2):
        assert client.post(_acknowledge_url(guide), {"confirmed": "yes"}).status_code == 302
    assert Acknowledgement.objects.count() == 1


def test_anyone_signed_in_may_confirm_another_organisations_guide(
    client: Client, guide: EscalationGuidePage
) -> None:
    """Reading another agency's escalation route is encouraged, so it can be confirmed."""
    elsewhere = MembershipFactory()
    client.force_login(elsewhere.user)
    assert client.post(_acknowledge_url(guide), {"confirmed": "yes"}).status_code == 302
    assert Acknowledgement.objects.filter(user=elsewhere.user, page_id=guide.pk).exists()


def test_the_way_back_is_always_the_page_never_a_given_address(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """A `next` in the form or the query string is ignored."""
    response = client.post(
        f"{_acknowledge_url(guide)}?next=https://evil.example/",
        {"confirmed": "yes", "next": "https://evil.example/"},
    )
    assert response.headers["Location"] == guide.url


def test_only_published_guides_and_procedures_can_be_confirmed(
    client: Client, reader: Membership
) -> None:
    """A draft, an organisation's page, an ordinary page or no page at all is a 404."""
    draft = factories.guide_page(live=False)
    others = [
        draft,
        factories.organisation_page(),
        factories.standard_page(),
        factories.home_page(),
    ]
    for page in others:
        response = client.post(_acknowledge_url(page), {"confirmed": "yes"})
        assert response.status_code == 404, page
    assert client.post("/guides/999999/read/", {"confirmed": "yes"}).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_a_guide_unpublished_after_it_was_read_can_no_longer_be_confirmed(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    guide.unpublish()
    assert client.post(_acknowledge_url(guide), {"confirmed": "yes"}).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_a_page_restricted_to_a_group_is_confirmed_only_by_its_members(
    client: Client, reader: Membership
) -> None:
    """A restriction the reader does not pass makes the page a 404 here too."""
    procedure = factories.procedure_page()
    restriction = PageViewRestriction.objects.create(
        page=procedure, restriction_type=PageViewRestriction.GROUPS
    )
    group = Group.objects.create(name="Designated leads")
    restriction.groups.add(group)
    assert client.post(_acknowledge_url(procedure), {"confirmed": "yes"}).status_code == 404
    reader.user.groups.add(group)
    assert client.post(_acknowledge_url(procedure), {"confirmed": "yes"}).status_code == 302


def test_confirming_takes_a_post(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    assert client.get(_acknowledge_url(guide)).status_code == 405


def test_confirming_needs_signing_in(client: Client, guide: EscalationGuidePage) -> None:
    response = client.post(_acknowledge_url(guide), {"confirmed": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
    assert not Acknowledgement.objects.exists()


def test_procedure_errors_say_procedure(client: Client, reader: Membership) -> None:
    procedure = factories.procedure_page()
    body = client.post(_acknowledge_url(procedure), {}).content.decode()
    assert "Tick the box to confirm you have read and understood this procedure" in body


# Editions ----------------------------------------------------------------------------------


def test_a_new_edition_asks_readers_again(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """Publishing a change that is not a small correction means the old confirmation no longer
    counts: the reader is told the guide changed, and asked to confirm again."""
    first = page_acknowledge(page=guide, user=reader.user)
    guide = _new_edition(guide)
    assert guide.edition == 2
    body = client.get(guide.url).content.decode()
    assert (
        "This guide has changed since you confirmed you had read it on "
        f"{_day(first.acknowledged_at)}. Read it again and confirm." in body
    )
    assert _acknowledge_url(guide) in body

    client.post(_acknowledge_url(guide), {"confirmed": "yes"})
    assert list(
        Acknowledgement.objects.filter(user=reader.user).values_list("edition", flat=True)
    ) == [2, 1]
    assert "has changed since" not in client.get(guide.url).content.decode()


def test_a_small_correction_keeps_readers_confirmation(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    page_acknowledge(page=guide, user=reader.user)
    guide = _new_edition(guide, small_correction=True)
    assert guide.edition == 1
    body = client.get(guide.url).content.decode()
    assert "You confirmed you had read and understood this guide on" in body
    assert _acknowledge_url(guide) not in body


# The home page -----------------------------------------------------------------------------


def test_home_page_lists_what_to_read_and_what_has_changed(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    """The reader's organisation's guide and the partnership's procedures, each a link; one
    read in an earlier edition says so; one confirmed is not listed."""
    changed = factories.procedure_page(title="Communicating with families")
    done = factories.procedure_page(title="Information sharing protocol")
    page_acknowledge(page=changed, user=reader.user)
    page_acknowledge(page=done, user=reader.user)
    changed = _new_edition(changed)

    body = client.get(reverse("home")).content.decode()
    assert "Guides and procedures to read" in body
    assert f'<a class="govuk-link" href="{guide.url}">{guide.title}</a></li>' in body
    assert (
        f'<a class="govuk-link" href="{changed.url}">Communicating with families</a> '
        "(changed since you last confirmed)" in body
    )
    assert done.url not in body


def test_home_page_has_no_reading_list_when_all_is_read(
    client: Client, guide: EscalationGuidePage, reader: Membership
) -> None:
    page_acknowledge(page=guide, user=reader.user)
    assert "Guides and procedures to read" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("role", "link_text"),
    [
        ("practitioner", None),
        ("coordinator", "See who has read your organisation's escalation guide"),
        ("partnership_team", "See every organisation's guides: review dates and who has read"),
    ],
)
def test_home_page_links_coordinators_and_the_team_to_the_guides_pages(
    client: Client, role: str, link_text: str | None
) -> None:
    user = UserFactory(partnership_team=role == "partnership_team")
    MembershipFactory(user=user, coordinator=role == "coordinator")
    if role != "practitioner":
        enrol_totp(user)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    overview = f'href="{reverse("cms:guides_overview")}"'
    assert (overview in body) is (link_text is not None)
    if link_text:
        assert link_text in body


# Getting there -----------------------------------------------------------------------------


def _navigation(response: Any) -> list[str]:
    return [item.text for item in response.context["service_navigation"]]


def test_navigation_offers_where_to_escalate_first_when_signed_out(client: Client) -> None:
    response = client.get(reverse("account_login"))
    assert _navigation(response) == ["Where to escalate", "Sign in", "Create an account"]


def test_navigation_offers_where_to_escalate_after_my_training(
    client: Client, reader: Membership
) -> None:
    navigation = _navigation(client.get(reverse("home")))
    assert navigation[:4] == ["Home", "Courses", "My training", "Where to escalate"]


def test_where_to_escalate_is_marked_current_on_the_route_finder(client: Client) -> None:
    response = client.get(reverse("cms:route_finder"))
    current = [item.text for item in response.context["service_navigation"] if item.current]
    assert current == ["Where to escalate"]


def test_reading_state_names_the_kind_of_page(guide: EscalationGuidePage) -> None:
    from cms.selectors.reading import reading_state_for

    procedure = ProcedurePage.objects.get(pk=factories.procedure_page().pk)
    assert reading_state_for(page=guide, user=None).noun == "guide"
    assert reading_state_for(page=procedure, user=None).noun == "procedure"
