"""The published pages: the partnership's home, its partners, their guides and procedures.

The tree::

    HomePage (/)
    ├── StandardPage (e.g. /about/)
    ├── OrganisationIndexPage (/partners/)
    │   └── OrganisationPage (one per Organisation, /partners/<slug>/)
    │       ├── EscalationGuidePage (at most one, /partners/<slug>/escalation/)
    │       └── ProcedurePage (the organisation's own procedures)
    └── ProcedureIndexPage (/procedures/)
        └── ProcedurePage (partnership-wide: information sharing, communicating)

Guides and procedures are `ReviewedPage`s: each has a review owner, a last-reviewed and a
next-review date, and an edition that goes up each time a new version is published (unless the
editor marks it a minor correction), which is what "I have read and understood this" refers to.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import (
    ContactBlock,
    ContentBodyBlock,
    DisagreementBlock,
    EscalationStageBlock,
    ProcedureBodyBlock,
    RouteBlock,
)
from cms.enums import REVIEW_DUE_SOON_DAYS, ReviewStatus
from cms.forms.admin import OrganisationPageForm, ReviewedPageForm


class HomePage(Page):
    """The partnership's front page: "Worried about a child?", then ways in."""

    intro = models.TextField(
        help_text="One or two sentences under the title, saying what this site is for."
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "cms.OrganisationIndexPage", "cms.ProcedureIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from accounts.selectors import dashboard_for
        from cms.selectors.pages import home_page_links
        from cms.selectors.reading import pages_to_confirm_for

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_links(home=self, request=request))
        if request.user.is_authenticated:
            context.update(dashboard_for(request.user))
            context["pages_to_confirm"] = pages_to_confirm_for(user=request.user)
        return context


class StandardPage(Page):
    """An ordinary page of text, such as "About the partnership"."""

    intro = models.TextField(blank=True)
    body = StreamField(ContentBodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []


class OrganisationIndexPage(Page):
    """Every partner organisation's page, grouped by sector."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OrganisationPage"]
    max_count = 1

    class Meta:
        verbose_name = "organisation index page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors.pages import organisation_pages_by_sector

        context = super().get_context(request, *args, **kwargs)
        context["sectors"] = organisation_pages_by_sector(index=self)
        return context


class OrganisationPage(Page):
    """A partner organisation: who they are and their safeguarding leads.

    Linked one to one to its `organisations.Organisation`; the organisation's web editors may
    edit this page and the pages below it, and nothing else.
    """

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="page",
        help_text="The organisation this page is about.",
    )
    summary = models.TextField(
        "Who they are", help_text="What the organisation does, in a few plain sentences."
    )
    website = models.URLField(blank=True)
    safeguarding_leads = StreamField(
        [("lead", ContactBlock(label="Safeguarding lead"))],
        blank=True,
        help_text="The organisation's named or designated safeguarding leads.",
    )
    body = StreamField(ContentBodyBlock(), blank=True)

    base_form_class = OrganisationPageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation"),
        FieldPanel("summary"),
        FieldPanel("website"),
        FieldPanel("safeguarding_leads"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("safeguarding_leads"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.OrganisationIndexPage"]
    subpage_types = ["cms.EscalationGuidePage", "cms.ProcedurePage"]

    class Meta:
        verbose_name = "organisation page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors.pages import organisation_page_children

        context = super().get_context(request, *args, **kwargs)
        context.update(organisation_page_children(page=self))
        return context


class ReviewedPage(Page):
    """A page with an owner who reviews it by a date, that readers confirm they have read.

    Abstract; guides and procedures inherit it. `organisation` is copied from the
    `OrganisationPage` above on every save (blank for partnership-wide procedures), so figures by
    organisation need no walk up the tree.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Review owner",
        help_text="Reminded by email 30 days before the next review date and on the date.",
    )
    review_owner_title = models.CharField(
        "Owner shown to readers",
        max_length=200,
        help_text="The owner's role, for example 'Head of Safeguarding and Quality Assurance'.",
    )
    last_reviewed = models.DateField("Last reviewed")
    next_review = models.DateField("Next review due")
    edition = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Goes up each time a new version is published; readers confirm an edition.",
    )
    minor_change = models.BooleanField(
        "This is a small correction",
        default=False,
        help_text=(
            "Tick for a typo or a changed phone number. People who have confirmed they read "
            "this will not be asked again. Leave it clear for a change people need to know about."
        ),
    )

    base_form_class = ReviewedPageForm

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("review_owner"),
                FieldPanel("review_owner_title"),
                FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("next_review")]),
                FieldPanel("minor_change"),
            ],
            heading="Ownership and review",
        )
    ]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.organisation_id = self.organisation_from_tree()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.last_reviewed and self.next_review and self.next_review <= self.last_reviewed:
            raise ValidationError(
                {"next_review": "The next review date must be after the last reviewed date."}
            )
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            raise ValidationError(
                {"last_reviewed": "The last reviewed date must not be in the future."}
            )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Every guide and procedure asks a signed-in reader to confirm they have read it."""
        from cms.selectors.reading import reading_state_for

        context = super().get_context(request, *args, **kwargs)
        context["reading"] = reading_state_for(page=self, user=request.user)
        return context

    def organisation_from_tree(self) -> int | None:
        """The organisation of the `OrganisationPage` this page sits under, if any."""
        if not self.path or self.depth < 2:
            return None
        parent_path = self.path[: -self.steplen]
        return (
            OrganisationPage.objects.filter(path=parent_path)
            .values_list("organisation_id", flat=True)
            .first()
        )

    def with_content_json(self, content: dict[str, Any]) -> Any:
        """Publishing an old revision keeps the current edition: it belongs to the page."""
        page = super().with_content_json(content)
        page.edition = self.edition
        page.organisation_id = self.organisation_id
        return page

    @property
    def review_status(self) -> ReviewStatus:
        """In date, review due within 30 days, or overdue (past the next review date)."""
        return review_status_on(self.next_review, timezone.localdate())

    @property
    def is_overdue_for_review(self) -> bool:
        return self.review_status == ReviewStatus.OVERDUE


def review_status_on(next_review: date, today: date) -> ReviewStatus:
    """A page is overdue from the day after its review date; due soon in the 30 days before."""
    if next_review < today:
        return ReviewStatus.OVERDUE
    if next_review <= today + timedelta(days=REVIEW_DUE_SOON_DAYS):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.IN_DATE


class EscalationGuidePage(ReviewedPage):
    """How to escalate a safeguarding concern at one organisation, stage by stage.

    "If a child is in immediate danger, call 999" is part of the template, not of the content,
    so no edit can remove it.
    """

    summary = models.TextField(
        help_text="Who this guide is for and when to use it, in a sentence or two."
    )
    stages = StreamField(
        [("stage", EscalationStageBlock())],
        min_num=1,
        help_text="The stages in order: who to go to first, then who next if it is not resolved.",
    )
    urgent_route = StreamField(
        [("route", RouteBlock())],
        min_num=1,
        max_num=1,
        help_text="What to do about an urgent concern in office hours.",
    )
    out_of_hours_route = StreamField(
        [("route", RouteBlock())],
        min_num=1,
        max_num=1,
        help_text="What to do in the evening, at weekends and on bank holidays.",
    )
    disagreement = StreamField(
        [("disagreement", DisagreementBlock())],
        min_num=1,
        max_num=1,
        verbose_name="Resolving a professional disagreement",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("urgent_route"),
        FieldPanel("out_of_hours_route"),
        FieldPanel("stages"),
        FieldPanel("disagreement"),
        *ReviewedPage.review_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("stages"),
        index.SearchField("urgent_route"),
        index.SearchField("out_of_hours_route"),
        index.SearchField("disagreement"),
        index.FilterField("organisation"),
    ]

    parent_page_types = ["cms.OrganisationPage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = "escalation guide"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="escalationguide_one_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(next_review__gt=models.F("last_reviewed")),
                name="escalationguide_review_after_last",
            ),
        ]


class ProcedureIndexPage(Page):
    """The partnership's procedures, and a way into every organisation's guide."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ProcedurePage"]
    max_count = 1

    class Meta:
        verbose_name = "procedure index page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors.pages import procedure_pages

        context = super().get_context(request, *args, **kwargs)
        context["procedures"] = procedure_pages(under=self)
        context["organisation_index"] = OrganisationIndexPage.objects.live().public().first()
        return context


class ProcedurePage(ReviewedPage):
    """A written procedure: the information-sharing protocol, communication guidance, or an
    organisation's own procedure."""

    summary = models.TextField(help_text="What this procedure covers, in a sentence or two.")
    body = StreamField(ProcedureBodyBlock())

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        *ReviewedPage.review_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("organisation"),
    ]

    parent_page_types = ["cms.ProcedureIndexPage", "cms.OrganisationPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "procedure"
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review__gt=models.F("last_reviewed")),
                name="procedure_review_after_last",
            ),
        ]
