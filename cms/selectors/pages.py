"""Which published pages to list where. Every function here returns live, public pages only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail.models import Page

from cms.models.pages import (
    EscalationGuidePage,
    HomePage,
    OrganisationIndexPage,
    OrganisationPage,
    ProcedureIndexPage,
    ProcedurePage,
)
from organisations.enums import Sector


@dataclass(frozen=True)
class SectorGroup:
    """The organisation pages of one sector, for the index page."""

    sector: str
    label: str
    pages: Sequence[OrganisationPage]


def home_page_links(*, home: HomePage, request: HttpRequest) -> dict[str, Any]:
    """The index pages the home page links into (live ones only), in one query."""
    children = {
        type(page): page
        for page in home.get_children()
        .live()
        .public()
        .specific()
        .type(OrganisationIndexPage, ProcedureIndexPage)
    }
    return {
        "organisation_index": children.get(OrganisationIndexPage),
        "procedure_index": children.get(ProcedureIndexPage),
    }


def organisation_pages_by_sector(*, index: OrganisationIndexPage) -> list[SectorGroup]:
    """Live organisation pages under `index`, grouped by sector in the order sectors are listed."""
    pages = (
        OrganisationPage.objects.child_of(index)
        .live()
        .public()
        .select_related("organisation")
        .order_by("title")
    )
    order = {value: position for position, value in enumerate(Sector.values)}
    ordered = sorted(pages, key=lambda page: (order[page.organisation.sector], page.title))
    return [
        SectorGroup(sector=sector, label=Sector(sector).label, pages=list(group))
        for sector, group in groupby(ordered, key=lambda page: page.organisation.sector)
    ]


def organisation_page_children(*, page: OrganisationPage) -> dict[str, Any]:
    """An organisation's live escalation guide and procedures, for its page."""
    guide = EscalationGuidePage.objects.child_of(page).live().public().first()
    procedures = ProcedurePage.objects.child_of(page).live().public().order_by("title")
    return {"guide": guide, "procedures": list(procedures)}


def procedure_pages(*, under: Page) -> QuerySet[ProcedurePage]:
    """Live procedures directly under `under`, by title."""
    return ProcedurePage.objects.child_of(under).live().public().order_by("title")


def live_guides() -> QuerySet[EscalationGuidePage]:
    """Every live, public escalation guide with its organisation, by organisation name."""
    return (
        EscalationGuidePage.objects.live()
        .public()
        .filter(organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name")
    )
