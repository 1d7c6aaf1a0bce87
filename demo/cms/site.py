"""The seed step for the published site: contacts, home, "About the partnership", every partner's
page and escalation guide, and the partnership's procedures.

Each organisation's web editor (or, without one, its training coordinator) writes its page and
guide and is the guide's review owner; the partnership manager (partnership@demo.example)
publishes everything, as the approval workflow would. Review dates are spread so the currency
table has something to show: one guide overdue (the youth charity's, three weeks), two due within
30 days (the police's and a secondary school's), the rest in date. Three guides and the
information-sharing protocol were published twice, a year apart, with a change people need to
know about, so some readers are asked to confirm them again (`demo.cms.reading`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from wagtail.models import Page, ReferenceIndex

from accounts.models import User
from cms.models import (
    EscalationGuidePage,
    HomePage,
    OrganisationIndexPage,
    OrganisationPage,
    ProcedureIndexPage,
    ProcedurePage,
    SafeguardingContacts,
    StandardPage,
)
from cms.services.editors import organisation_page_provision, organisation_pages_provision_missing
from cms.services.site_tree import site_tree_ensure
from demo.cms import contacts as c
from demo.cms.contacts import Agency
from demo.cms.guides import GuideContent, guide_content
from demo.cms.organisation_pages import OrganisationContent, organisation_content
from demo.cms.procedures import PROCEDURES, WORKING_TOGETHER_URL, ProcedureContent
from demo.cms.publishing import moment_on, page_publish, weekday_on_or_before
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from organisations.enums import MembershipKind, Sector
from organisations.models import Membership

PARTNERSHIP_ACCOUNT = "partnership@demo.example"
GUIDE_SLUG = "escalation"
ABOUT_SLUG = "about"

# Guides are reviewed every year.
REVIEW_PERIOD = relativedelta(years=1)
# Days from the demo's day to each guide's next review. One overdue by three weeks, two due
# within the 30 days that count as "due soon", and children's social care's reviewed six weeks
# ago (its second edition). The rest are drawn from IN_DATE_DAYS.
NEXT_REVIEW_IN_DAYS = {
    orgs.YOUTH_CHARITY: -21,
    orgs.MET_POLICE: 12,
    "telegraph-hill-school": 26,
    orgs.CHILDRENS_SOCIAL_CARE: 320,
}
# An organisation's page went up a week before its guide's first edition.
PAGE_BEFORE_GUIDE = timedelta(days=7)
# Comfortably outside "due soon" (30 days) and no later than a year less a month.
IN_DATE_DAYS = (45, 330)
# The site went live a little before the oldest guide's first edition.
SITE_LAUNCHED_DAYS_AGO = 800
# Organisations that name a person, not a team, as their safeguarding contact.
PERSON_CONTACT_SECTORS = {Sector.SCHOOL, Sector.GP_PRACTICE, Sector.VOLUNTARY}

# The introduction `site_tree_ensure` gives a new home page, replaced by the demo's.
SITE_TREE_HOME_INTRO = (
    "Safeguarding training, escalation routes and procedures for everyone who works with "
    "children in the partnership."
)
HOME_INTRO = (
    "Lewisham's council, police, NHS, schools and voluntary organisations working together to "
    "keep children safe. Find safeguarding training, each organisation's guide to escalating a "
    "concern, and the procedures we all follow."
)
PARTNERS_INTRO = (
    "Every organisation in the partnership, with its safeguarding leads and its guide to "
    "escalating a concern that is not being acted on."
)
PROCEDURES_INTRO = (
    "The procedures every agency in Lewisham follows: how we share information, how we talk to "
    "families and to each other, and how we resolve professional differences."
)


@dataclass(frozen=True)
class Edition:
    """When one edition of a guide or procedure was published, and the review dates it gave."""

    at: datetime
    last_reviewed: date
    next_review: date


def editions_plan(
    rng: random.Random, *, next_review_in: int, today: date, editions: int
) -> list[Edition]:
    """`editions` yearly reviews, the last giving a next review `next_review_in` days away."""
    current = weekday_on_or_before(today + timedelta(days=next_review_in) - REVIEW_PERIOD)
    days = [weekday_on_or_before(current - REVIEW_PERIOD * back) for back in range(editions)]
    days.reverse()
    return [
        Edition(at=moment_on(day, rng), last_reviewed=day, next_review=day + REVIEW_PERIOD)
        for day in days
    ]


def agencies_load(seed: DemoSeed) -> dict[str, Agency]:
    """Every demo organisation as its pages need it, in the order they are listed."""
    agencies = {}
    for index, spec in enumerate(orgs.ORGANISATIONS):
        organisation = seed.organisations[spec.slug]
        lead = (
            organisation.safeguarding_contact_name if spec.sector in PERSON_CONTACT_SECTORS else ""
        )
        agencies[spec.slug] = Agency(
            organisation=organisation, spec=spec, index=index, lead_name=lead
        )
    return agencies


def role_holders_load(organisation_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each organisation's staff names by job role: the first holder by email address."""
    rows = (
        Membership.objects.current()
        .filter(organisation_id__in=organisation_ids, kind=MembershipKind.STAFF)
        .filter(job_role__isnull=False)
        .order_by("user__email")
        .values_list("organisation_id", "job_role__name", "user__first_name", "user__last_name")
    )
    holders: dict[int, dict[str, str]] = {}
    for organisation_id, role, first_name, last_name in rows:
        holders.setdefault(organisation_id, {}).setdefault(role, f"{first_name} {last_name}")
    return holders


def review_owners_load(organisation_ids: list[int]) -> dict[int, User]:
    """Each organisation's web editor, or its training coordinator when it has no web editor."""
    memberships = (
        Membership.objects.current()
        .filter(organisation_id__in=organisation_ids)
        .filter(Q(is_web_editor=True) | Q(is_coordinator=True))
        .select_related("user")
        .order_by("-is_web_editor", "user__email")
    )
    owners: dict[int, User] = {}
    for membership in memberships:
        owners.setdefault(membership.organisation_id, membership.user)
    return owners


def safeguarding_contacts_seed() -> bool:
    """Fill in "Worried about a child?" once; a partnership team's later change is kept."""
    contacts = SafeguardingContacts.load()
    if contacts.front_door_email:
        return False
    contacts.front_door_name = c.FRONT_DOOR_NAME
    contacts.front_door_phone = c.FRONT_DOOR_PHONE
    contacts.front_door_email = c.FRONT_DOOR_EMAIL
    contacts.front_door_hours = c.FRONT_DOOR_HOURS
    contacts.out_of_hours_name = c.OUT_OF_HOURS_NAME
    contacts.out_of_hours_phone = c.OUT_OF_HOURS_PHONE
    contacts.out_of_hours_hours = c.OUT_OF_HOURS_HOURS
    contacts.textphone = f"{c.RELAY_PREFIX} {c.FRONT_DOOR_PHONE}"
    contacts.police_non_emergency = c.POLICE_NON_EMERGENCY
    contacts.full_clean()
    contacts.save()
    return True


class _Publishing:
    """One run's publishing: who publishes, and the pages made, for the log and the index."""

    def __init__(self, seed: DemoSeed, rng: random.Random) -> None:
        self.seed = seed
        self.rng = rng
        self.publisher = seed.demo_memberships[PARTNERSHIP_ACCOUNT].user
        self.launched = moment_on(
            weekday_on_or_before(seed.today - timedelta(days=SITE_LAUNCHED_DAYS_AGO)), rng
        )
        self.made: list[Page] = []

    def intro_set(self, page: Any, intro: str, *, unless: str = "") -> None:
        """Give an index or home page its introduction, unless someone has written their own."""
        if page.intro and page.intro != unless:
            return
        page.intro = intro
        page_publish(page, author=self.publisher, publisher=self.publisher, at=self.launched)

    def about_seed(self, home: HomePage) -> None:
        if home.get_children().filter(slug=ABOUT_SLUG).exists():
            return
        about = home.add_child(
            instance=StandardPage(
                title="About the partnership",
                slug=ABOUT_SLUG,
                live=False,
                intro=(
                    "Who the Lewisham Safeguarding Children Partnership is, who leads it, and "
                    "what this site is for."
                ),
                body=ABOUT_BODY,
            )
        )
        page_publish(about, author=self.publisher, publisher=self.publisher, at=self.launched)
        self.made.append(about)

    def organisation_seed(
        self,
        agency: Agency,
        *,
        content: OrganisationContent,
        guide: GuideContent,
        owner: User,
        page_at: datetime,
        editions: list[Edition],
    ) -> None:
        """The organisation's page, filled in and published once, and its guide if missing."""
        if organisation_page_provision(organisation=agency.organisation) is None:
            raise LookupError("The site has no partner organisations page: run migrate first.")
        page = OrganisationPage.objects.get(organisation=agency.organisation)
        if not page.live and page.first_published_at is None:
            page.summary = content.summary
            page.website = agency.website
            page.safeguarding_leads = content.leads
            page.body = content.body
            page_publish(page, author=owner, publisher=self.publisher, at=page_at)
            self.made.append(page)
        if not EscalationGuidePage.objects.child_of(page).exists():
            self.made.append(self.guide_make(page, agency, guide, owner=owner, editions=editions))

    def guide_make(
        self,
        parent: OrganisationPage,
        agency: Agency,
        content: GuideContent,
        *,
        owner: User,
        editions: list[Edition],
    ) -> EscalationGuidePage:
        stages = [content.earlier_stages or content.stages, content.stages]
        guide = parent.add_child(
            instance=EscalationGuidePage(
                title=f"How to escalate a safeguarding concern at {agency.name}",
                slug=GUIDE_SLUG,
                live=False,
                summary=content.summary,
                stages=stages[0],
                urgent_route=content.urgent_route,
                out_of_hours_route=content.out_of_hours_route,
                disagreement=content.disagreement,
                review_owner=owner,
                review_owner_title=content.owner_title,
                last_reviewed=editions[0].last_reviewed,
                next_review=editions[0].next_review,
            )
        )
        for number, edition in enumerate(editions):
            if number:
                guide.stages = stages[1]
                guide.last_reviewed = edition.last_reviewed
                guide.next_review = edition.next_review
            page_publish(guide, author=owner, publisher=self.publisher, at=edition.at)
        return guide

    def procedure_seed(self, index: ProcedureIndexPage, content: ProcedureContent) -> None:
        bodies = [content.earlier_body, content.body] if content.earlier_body else [content.body]
        editions = editions_plan(
            self.rng,
            next_review_in=365 - content.published_days_ago,
            today=self.seed.today,
            editions=len(bodies),
        )
        if ProcedurePage.objects.child_of(index).filter(slug=content.slug).exists():
            return
        procedure = index.add_child(
            instance=ProcedurePage(
                title=content.title,
                slug=content.slug,
                live=False,
                summary=content.summary,
                body=bodies[0],
                review_owner=self.publisher,
                review_owner_title=c.BUSINESS_MANAGER_TITLE,
                last_reviewed=editions[0].last_reviewed,
                next_review=editions[0].next_review,
            )
        )
        for body, edition in zip(bodies, editions, strict=True):
            procedure.body = body
            procedure.last_reviewed = edition.last_reviewed
            procedure.next_review = edition.next_review
            page_publish(procedure, author=self.publisher, publisher=self.publisher, at=edition.at)
        self.made.append(procedure)

    def reference_index_update(self) -> None:
        """Bring the admin's usage counts up to date for the pages made (the seed runs with the
        reference index's automatic updates off)."""
        for page in self.made:
            if ReferenceIndex.is_indexed(type(page)):
                ReferenceIndex.create_or_update_for_object(page)


def published_pages_seed(seed: DemoSeed) -> None:
    """Contacts, the home and about pages, every partner's page and guide, the procedures."""
    rng = seed.rng("published pages")
    contacts_set = safeguarding_contacts_seed()
    home = site_tree_ensure()
    # Every organisation's group and draft page now, not when the seed's transaction commits
    # (cms.signals), so the steps below find them.
    organisation_pages_provision_missing()
    publishing = _Publishing(seed, rng)
    publishing.intro_set(home, HOME_INTRO, unless=SITE_TREE_HOME_INTRO)
    publishing.about_seed(home)
    publishing.intro_set(OrganisationIndexPage.objects.get(), PARTNERS_INTRO)
    agencies = agencies_load(seed)
    ids = [agency.organisation.pk for agency in agencies.values()]
    people = role_holders_load(ids)
    owners = review_owners_load(ids)
    for agency in agencies.values():
        guide = guide_content(agency, agencies)
        editions = editions_plan(
            rng,
            next_review_in=NEXT_REVIEW_IN_DAYS.get(agency.slug) or rng.randint(*IN_DATE_DAYS),
            today=seed.today,
            editions=1 if guide.earlier_stages is None else 2,
        )
        page_day = weekday_on_or_before(editions[0].last_reviewed - PAGE_BEFORE_GUIDE)
        publishing.organisation_seed(
            agency,
            content=organisation_content(agency, people.get(agency.organisation.pk, {}), rng),
            guide=guide,
            owner=owners[agency.organisation.pk],
            page_at=moment_on(page_day, rng),
            editions=editions,
        )
    procedure_index = ProcedureIndexPage.objects.get()
    publishing.intro_set(procedure_index, PROCEDURES_INTRO)
    for procedure in PROCEDURES:
        publishing.procedure_seed(procedure_index, procedure)
    publishing.reference_index_update()
    made = publishing.made
    if not made and not contacts_set:
        seed.log("Published pages: already there")
        return
    seed.log(
        f"Published pages: {sum(isinstance(p, OrganisationPage) for p in made)} organisation "
        f"pages, {sum(isinstance(p, EscalationGuidePage) for p in made)} escalation guides, "
        f"{sum(isinstance(p, ProcedurePage) for p in made)} procedures, "
        f"{sum(isinstance(p, StandardPage) for p in made)} other pages"
        + (", safeguarding contacts" if contacts_set else "")
    )


ABOUT_BODY: list[dict[str, Any]] = [
    {"type": "heading", "value": "Who we are"},
    {
        "type": "paragraph",
        "value": (
            "<p>The Lewisham Safeguarding Children Partnership is how the organisations that "
            "work with children in Lewisham keep them safe together. Under Working Together to "
            "Safeguard Children 2023, three lead safeguarding partners share that "
            "responsibility and answer for it:</p>"
            "<ul><li>London Borough of Lewisham, for children's social care and education</li>"
            "<li>the Metropolitan Police, through the South East Basic Command Unit</li>"
            "<li>NHS South East London Integrated Care Board, for health services</li></ul>"
            "<p>Each has named a delegated safeguarding partner, a senior leader who makes "
            "decisions for them from day to day and chairs the partnership in turn.</p>"
        ),
    },
    {
        "type": "paragraph",
        "value": (
            "<p>Schools, GP practices, hospital and mental health trusts, early years settings, "
            "and voluntary and community organisations are relevant agencies: they take part in "
            "our training, our procedures and our reviews of practice. An independent "
            "scrutineer checks how well we work together and reports to the lead partners.</p>"
        ),
    },
    {"type": "heading", "value": "What this site is for"},
    {
        "type": "paragraph",
        "value": (
            "<ul><li>Book multi-agency safeguarding training, and see the training your role "
            "needs.</li>"
            "<li>Find how to escalate a concern in each partner organisation, and who to "
            "contact.</li>"
            "<li>Read the procedures every agency follows, and confirm you have read your "
            "organisation's guide.</li></ul>"
        ),
    },
    {
        "type": "inset",
        "value": (
            "This site holds no information about individual children. Never type a child's "
            "details into it."
        ),
    },
    {
        "type": "details",
        "value": {
            "summary": "Contact the partnership business unit",
            "text": (
                f"<p>Email {c.BUSINESS_MANAGER_EMAIL} or phone {c.BUSINESS_MANAGER_PHONE}, "
                f"{c.OFFICE_HOURS}. The business unit cannot take referrals about children: "
                f"phone the MASH on {c.FRONT_DOOR_PHONE}.</p>"
            ),
        },
    },
    {
        "type": "external_link",
        "value": {
            "title": "Working Together to Safeguard Children 2023",
            "url": WORKING_TOGETHER_URL,
            "publisher": "Department for Education",
            "description": "The statutory guidance that sets out how safeguarding partners "
            "work together.",
        },
    },
]
