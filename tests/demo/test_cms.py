"""The demo's published pages (`seed_demo`'s `published_pages_seed` and `page_reading_seed`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.test import Client
from django.utils import timezone
from wagtail.fields import StreamField
from wagtail.models import Page, PageLogEntry, Revision, WorkflowState

from accounts.models import User
from cms.enums import ReviewStatus
from cms.models import (
    Acknowledgement,
    EscalationGuidePage,
    OrganisationPage,
    ProcedureIndexPage,
    ProcedurePage,
    ReviewReminder,
    SafeguardingContacts,
    StandardPage,
)
from cms.selectors.reading import pages_to_confirm_for
from demo.cms.procedures import INFORMATION_SHARING_URL, LONDON_PROCEDURES_URL, PROCEDURES
from demo.organisations import organisations as orgs
from organisations.enums import MembershipKind, Sector
from organisations.models import Membership, Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_pages")]

PARTNERSHIP = "partnership@demo.example"
PRACTITIONER = "practitioner@demo.example"


@pytest.fixture(scope="module")
def demo_pages(demo_seeded: None) -> None:
    """The whole demo, seeded once for every module in tests/demo (tests/demo/conftest.py)."""


def _guides() -> list[EscalationGuidePage]:
    return list(EscalationGuidePage.objects.live().select_related("organisation"))


def _stream_values(page: Page) -> Iterator[tuple[StreamField, Any]]:
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            yield field, getattr(page, field.name)


def _contacts(value: Any) -> Iterator[dict[str, Any]]:
    """Every ContactBlock-like value (a dict with a role) inside a page's raw stream data."""
    if isinstance(value, dict):
        if "role" in value and "email" in value:
            yield value
        for item in value.values():
            yield from _contacts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _contacts(item)


def _raw(page: Page) -> list[Any]:
    return [list(stream.raw_data) for _, stream in _stream_values(page)]


def test_every_demo_organisation_has_a_live_page_and_a_live_guide() -> None:
    """Each of the demo's organisations is published with its leads, website and guide."""
    organisations = Organisation.objects.filter(slug__in=[spec.slug for spec in orgs.ORGANISATIONS])
    assert organisations.count() == len(orgs.ORGANISATIONS)
    for organisation in organisations:
        page = OrganisationPage.objects.get(organisation=organisation)
        assert page.live, organisation.slug
        assert page.website.startswith("https://")
        assert page.website.endswith(".example")
        assert "is a member of the partnership" not in page.summary
        assert page.summary.count(". ") >= 1
        assert len(page.safeguarding_leads) >= 2
        guide = EscalationGuidePage.objects.child_of(page).live().get()
        assert guide.slug == "escalation"
        assert guide.title == f"How to escalate a safeguarding concern at {organisation.name}"
        assert 4 <= len(guide.stages) <= 5
        assert guide.edition >= 1


def test_one_guide_is_overdue_for_review_and_two_are_due_soon() -> None:
    """The currency table has one overdue guide (the youth charity's, three weeks), two due
    within 30 days, and the rest in date."""
    statuses = defaultdict(list)
    for guide in _guides():
        statuses[guide.review_status].append(guide.organisation.slug)
    assert statuses[ReviewStatus.OVERDUE] == [orgs.YOUTH_CHARITY]
    overdue = EscalationGuidePage.objects.get(organisation__slug=orgs.YOUTH_CHARITY)
    assert 19 <= (timezone.localdate() - overdue.next_review).days <= 24
    assert len(statuses[ReviewStatus.DUE_SOON]) == 2
    assert len(statuses[ReviewStatus.IN_DATE]) == len(orgs.ORGANISATIONS) - 3


def test_guides_climb_a_different_ladder_in_each_sector() -> None:
    """No two sectors' guides share a ladder (stage titles and timescales), so guides side by
    side differ as real ones do; schools share one ladder, with their own DSL named."""
    ladders: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
    for guide in _guides():
        ladder = tuple(
            (
                stage.value["title"],
                stage.value["timescale"]["amount"],
                stage.value["timescale"]["unit"],
            )
            for stage in guide.stages
        )
        ladders[guide.organisation.sector].add(ladder)
    sectors = list(ladders)
    assert len(sectors) == 7
    for index, sector in enumerate(sectors):
        for other in sectors[index + 1 :]:
            assert not ladders[sector] & ladders[other], (sector, other)
    assert len(ladders[Sector.SCHOOL]) == 1
    for guide in EscalationGuidePage.objects.filter(organisation__sector=Sector.SCHOOL):
        dsl = guide.stages[0].value["who"]
        assert dsl["role"] == "Designated safeguarding lead"
        assert dsl["name"] == guide.organisation.safeguarding_contact_name


@pytest.mark.parametrize(
    ("sector", "role"),
    [
        (Sector.SCHOOL, "Designated safeguarding lead"),
        (Sector.SCHOOL, "Deputy designated safeguarding lead"),
        (Sector.HEALTH_TRUST, "Named nurse for safeguarding children"),
        (Sector.HEALTH_TRUST, "Named doctor for safeguarding children"),
        (Sector.INTEGRATED_CARE_BOARD, "Designated nurse for safeguarding children"),
        (Sector.INTEGRATED_CARE_BOARD, "Designated doctor for safeguarding children"),
        (Sector.POLICE, "Detective Inspector"),
        (Sector.CHILDRENS_SOCIAL_CARE, "Principal Social Worker"),
        (Sector.CHILDRENS_SOCIAL_CARE, "Head of Safeguarding and Quality Assurance"),
        (Sector.VOLUNTARY, "Designated safeguarding lead"),
        (Sector.GP_PRACTICE, "GP safeguarding lead"),
    ],
)
def test_organisation_pages_name_the_leads_their_sector_has(sector: str, role: str) -> None:
    """Each organisation names the safeguarding leads its sector is expected to have."""
    pages = OrganisationPage.objects.filter(organisation__sector=sector)
    assert pages.exists()
    for page in pages:
        roles = [lead.value["role"] for lead in page.safeguarding_leads]
        assert any(r.startswith(role) for r in roles), (page.slug, roles)


def test_stream_content_passes_the_admins_validation() -> None:
    """Every block of every demo page is valid as the admin would check it (phone numbers,
    email addresses, lengths, required fields), so editors can save the pages unchanged."""
    for page in Page.objects.live().specific():
        for field, value in _stream_values(page):
            field.stream_block.clean(value)


def test_contact_details_are_demo_only() -> None:
    """Every email address in the pages is on a reserved .example domain, and every phone
    number is Lewisham's front door or emergency duty team, 101, or in Ofcom's drama range."""
    allowed_phones = {"020 8314 6660", "020 8314 6000", "101"}
    seen = 0
    for page in Page.objects.live().specific():
        for value in _contacts(_raw(page)):
            seen += 1
            if value["email"]:
                assert value["email"].endswith(".example"), value
            if value["phone"]:
                assert value["phone"] in allowed_phones or value["phone"].startswith(
                    "020 7946 0"
                ), value
    assert seen > 100


def test_safeguarding_contacts_are_filled_in() -> None:
    """ "Worried about a child?" shows the MASH, the emergency duty team and a textphone."""
    contacts = SafeguardingContacts.load()
    assert contacts.front_door_name == "Lewisham Multi-Agency Safeguarding Hub (MASH)"
    assert contacts.front_door_phone == "020 8314 6660"
    assert contacts.front_door_email.endswith(".example")
    assert contacts.out_of_hours_phone == "020 8314 6000"
    assert contacts.textphone == "18001 020 8314 6660"
    assert contacts.police_non_emergency == "101"


def test_partnership_procedures_link_to_the_london_agreement_and_the_national_advice() -> None:
    """The three procedures are published under /procedures/, owned by the partnership, and
    the information-sharing protocol links to both documents rather than inventing its own."""
    index = ProcedureIndexPage.objects.get()
    procedures = {
        page.slug: page for page in ProcedurePage.objects.child_of(index).live().specific()
    }
    assert set(procedures) == {procedure.slug for procedure in PROCEDURES}
    partnership = User.objects.get(email=PARTNERSHIP)
    for procedure in procedures.values():
        assert procedure.review_owner == partnership
        assert procedure.review_owner_title == "Partnership business manager"
        assert procedure.organisation is None
    protocol = procedures["information-sharing-protocol"]
    links = {
        (block.value["url"], block.value["publisher"])
        for block in protocol.body
        if block.block_type == "external_link"
    }
    assert (LONDON_PROCEDURES_URL, "London Safeguarding Children Partnership") in links
    assert (INFORMATION_SHARING_URL, "Department for Education") in links
    assert protocol.edition == 2
    kinds = {block.block_type for procedure in procedures.values() for block in procedure.body}
    assert kinds == {
        "heading",
        "paragraph",
        "steps",
        "inset",
        "warning",
        "details",
        "external_link",
        "contact",
    }


def test_about_page_and_home_introduction() -> None:
    """The home page says what the site is for, and "About the partnership" names the three
    lead partners."""
    about = StandardPage.objects.live().get(slug="about")
    text = " ".join(str(block.value) for block in about.body)
    for partner in ("Lewisham", "Metropolitan Police", "Integrated Care Board"):
        assert partner in text
    home = about.get_parent().specific
    assert "keep children safe" in home.intro


def _reading_rates() -> dict[str, float]:
    """Share of each organisation's staff and volunteers who confirmed its guide's current
    edition."""
    rates = {}
    for guide in _guides():
        people = set(
            Membership.objects.current()
            .filter(
                organisation=guide.organisation,
                kind__in=[MembershipKind.STAFF, MembershipKind.VOLUNTEER],
            )
            .values_list("user_id", flat=True)
        )
        read = set(
            Acknowledgement.objects.filter(page_id=guide.pk, edition=guide.edition).values_list(
                "user_id", flat=True
            )
        )
        assert read <= people
        rates[guide.organisation.slug] = len(read) / len(people)
    return rates


def test_reading_rates_vary_between_organisations() -> None:
    """Some organisations have most of their staff confirmed, others a fifth."""
    rates = _reading_rates()
    assert min(rates.values()) >= 0.1
    assert max(rates.values()) <= 0.95
    assert max(rates.values()) - min(rates.values()) >= 0.4


def test_every_organisation_has_read_the_information_sharing_protocol_in_part() -> None:
    """The protocol has been confirmed by some staff of every organisation."""
    protocol = ProcedurePage.objects.get(slug="information-sharing-protocol")
    readers = Acknowledgement.objects.filter(page_id=protocol.pk, edition=protocol.edition)
    organisations = set(
        Membership.objects.current()
        .filter(user__in=readers.values("user"))
        .values_list("organisation__slug", flat=True)
    )
    assert {spec.slug for spec in orgs.ORGANISATIONS} <= organisations


def test_second_editions_ask_some_readers_again() -> None:
    """Where a guide has a second edition, some people confirmed only the first, so they are
    asked again, and Children's Social Care's second stage now takes 1 working day, not 2."""
    guide = EscalationGuidePage.objects.get(organisation__slug=orgs.CHILDRENS_SOCIAL_CARE)
    assert guide.edition == 2
    earlier = set(
        Acknowledgement.objects.filter(page_id=guide.pk, edition=1).values_list(
            "user_id", flat=True
        )
    )
    current = set(
        Acknowledgement.objects.filter(page_id=guide.pk, edition=2).values_list(
            "user_id", flat=True
        )
    )
    assert earlier - current
    first_publication = (
        PageLogEntry.objects.filter(page=guide, action="wagtail.publish")
        .order_by("timestamp")
        .first()
    )
    assert first_publication is not None
    first_edition = Revision.objects.get(pk=first_publication.revision_id).as_object()
    assert first_edition.stages[1].value["timescale"]["amount"] == 2
    assert guide.stages[1].value["timescale"]["amount"] == 1
    assert EscalationGuidePage.objects.filter(edition=2).count() == 3


def test_confirmations_come_after_the_edition_they_confirm() -> None:
    """Nobody confirmed an edition before it was published, or in the future."""
    now = timezone.now()
    published: dict[int, list[Any]] = defaultdict(list)
    for page_id, at in (
        PageLogEntry.objects.filter(action="wagtail.publish")
        .order_by("timestamp")
        .values_list("page_id", "timestamp")
    ):
        published[page_id].append(at)
    acknowledgements = Acknowledgement.objects.all()
    assert acknowledgements.count() > 500
    for acknowledgement in acknowledgements:
        assert published[acknowledgement.page_id][acknowledgement.edition - 1] <= (
            acknowledgement.acknowledged_at
        )
        assert acknowledgement.acknowledged_at <= now


def test_practitioner_is_asked_to_confirm_their_own_guide() -> None:
    """The practitioner confirmed the first edition of their service's guide, not the current
    one: it is waiting for them, marked as changed since they confirmed."""
    practitioner = User.objects.get(email=PRACTITIONER)
    guide = EscalationGuidePage.objects.get(organisation__slug=orgs.CHILDRENS_SOCIAL_CARE)
    assert not Acknowledgement.objects.filter(
        user=practitioner, page_id=guide.pk, edition=guide.edition
    ).exists()
    waiting = {item.page.pk: item for item in pages_to_confirm_for(user=practitioner)}
    assert guide.pk in waiting
    assert waiting[guide.pk].read_earlier_edition


def test_history_shows_who_wrote_and_who_published() -> None:
    """Each guide was edited by its organisation's web editor or coordinator, its review owner,
    and published by the partnership manager, on days in the past."""
    partnership = User.objects.get(email=PARTNERSHIP)
    for guide in _guides():
        owner = guide.review_owner
        assert owner is not None
        assert (
            Membership.objects.current()
            .filter(organisation=guide.organisation, user=owner)
            .exclude(kind=MembershipKind.GOVERNOR)
            .exists()
        )
        entries = PageLogEntry.objects.filter(page=guide)
        assert {e.user_id for e in entries.filter(action="wagtail.publish")} == {partnership.pk}
        assert owner.pk in {e.user_id for e in entries.filter(action="wagtail.edit")}
        assert guide.first_published_at < timezone.now() - timezone.timedelta(days=7)
    editor = EscalationGuidePage.objects.get(
        organisation__slug=orgs.CHILDRENS_SOCIAL_CARE
    ).review_owner
    assert editor is not None
    assert editor.email == "editor@demo.example"


def test_a_change_waits_for_the_partnerships_approval() -> None:
    """The hospital's web editor submitted a change to its guide, which waits in the approval
    workflow; Children's Social Care's guide has nothing in progress."""
    hospital = EscalationGuidePage.objects.get(organisation__slug=orgs.HOSPITAL)
    state = WorkflowState.objects.for_instance(hospital).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert Membership.objects.filter(
        organisation=hospital.organisation, user=state.requested_by, is_web_editor=True
    ).exists()
    assert hospital.has_unpublished_changes
    assert hospital.stages[1].value["timescale"]["unit"] == "working_days"
    draft = hospital.get_latest_revision_as_object()
    assert draft.stages[1].value["timescale"]["unit"] == "hours"
    social_care = EscalationGuidePage.objects.get(organisation__slug=orgs.CHILDRENS_SOCIAL_CARE)
    assert not WorkflowState.objects.for_instance(social_care).exists()
    assert not social_care.has_unpublished_changes


def test_reminders_already_sent_for_pages_due() -> None:
    """The overdue guide's owner has had both reminders; the due-soon guides' owners one."""
    overdue = EscalationGuidePage.objects.get(organisation__slug=orgs.YOUTH_CHARITY)
    assert set(
        ReviewReminder.objects.filter(page_id=overdue.pk).values_list("kind", flat=True)
    ) == {"due_soon", "due"}
    assert ReviewReminder.objects.count() == 4


def test_second_run_adds_nothing() -> None:
    """Running the seed again finds every page and confirmation and adds none."""

    def counts() -> dict[str, Any]:
        return {
            "pages": Page.objects.count(),
            "live": Page.objects.live().count(),
            "revisions": Revision.objects.count(),
            "history": PageLogEntry.objects.count(),
            "acknowledgements": Acknowledgement.objects.count(),
            "latest acknowledgement": Acknowledgement.objects.aggregate(Max("pk")),
            "reminders": ReviewReminder.objects.count(),
            "workflows": WorkflowState.objects.count(),
        }

    before = counts()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert counts() == before


def test_every_live_page_renders_for_someone_signed_out(client: Client) -> None:
    """The home page, the about page, every organisation page, guide, index and procedure
    open for the public."""
    failures = []
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() == 1 + 1 + 2 + 2 * len(orgs.ORGANISATIONS) + len(PROCEDURES)
    for page in pages:
        response = client.get(page.url)
        if response.status_code != 200:
            failures.append((page.url, response.status_code))
    assert failures == []
