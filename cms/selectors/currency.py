"""Whether each organisation's escalation guide, and each partnership procedure, is published
and within its review date.

An organisation either has a live guide (in date, review due soon or overdue, by
`review_status_on`), or has a draft waiting for approval (a guide not yet published, or one
submitted to the approval workflow), or has no guide at all. A live guide may also have a new
version waiting for approval; that is shown alongside its status.

Every figure is fetched for all the organisations at once: a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from cms.enums import ReviewStatus
from cms.models.pages import EscalationGuidePage, ProcedurePage, review_status_on
from cms.selectors.pages import live_guides
from organisations.models import Organisation

ReviewedPageT = TypeVar("ReviewedPageT", EscalationGuidePage, ProcedurePage)


@dataclass(frozen=True)
class PageCurrency(Generic[ReviewedPageT]):
    """A live guide or procedure and where it stands against its review date."""

    page: ReviewedPageT
    status: ReviewStatus


@dataclass(frozen=True)
class OrganisationCurrency:
    """An organisation's guide: live (with its currency), waiting for approval, or missing."""

    organisation: Organisation
    guide: PageCurrency[EscalationGuidePage] | None
    awaiting_approval: bool

    @property
    def status(self) -> str:
        """The review status of the live guide, or "awaiting_approval" or "missing"."""
        if self.guide is not None:
            return str(self.guide.status)
        return "awaiting_approval" if self.awaiting_approval else "missing"


@dataclass(frozen=True)
class CurrencyCounts:
    """How many organisations stand where, for the top of the partnership's page."""

    organisations: int
    in_date: int
    due_soon: int
    overdue: int
    awaiting_approval: int
    missing: int

    @property
    def without_guide(self) -> int:
        """No live guide, whether or not a draft is waiting for approval."""
        return self.awaiting_approval + self.missing


def _in_workflow() -> Exists:
    """Inside a query of pages: whether the page is waiting in the approval workflow."""
    return Exists(
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
    )


def organisation_currency(
    *, organisations: QuerySet[Organisation], today: date | None = None
) -> list[OrganisationCurrency]:
    """Each organisation's guide and its currency, by organisation name. Three queries (four
    when a page is private: `public()` looks up the restrictions)."""
    today = today or timezone.localdate()
    listed = list(organisations.order_by("name"))
    ids = [organisation.pk for organisation in listed]
    live = {guide.organisation_id: guide for guide in live_guides().filter(organisation__in=ids)}
    waiting = set(
        EscalationGuidePage.objects.filter(organisation__in=ids)
        .filter(Q(live=False) | _in_workflow())
        .values_list("organisation", flat=True)
    )
    return [
        OrganisationCurrency(
            organisation=organisation,
            guide=(
                PageCurrency(
                    page=live[organisation.pk],
                    status=review_status_on(live[organisation.pk].next_review, today),
                )
                if organisation.pk in live
                else None
            ),
            awaiting_approval=organisation.pk in waiting,
        )
        for organisation in listed
    ]


def currency_counts(rows: Sequence[OrganisationCurrency]) -> CurrencyCounts:
    """Counts over rows already fetched (no query)."""
    statuses = [row.status for row in rows]
    return CurrencyCounts(
        organisations=len(rows),
        in_date=statuses.count(ReviewStatus.IN_DATE),
        due_soon=statuses.count(ReviewStatus.DUE_SOON),
        overdue=statuses.count(ReviewStatus.OVERDUE),
        awaiting_approval=statuses.count("awaiting_approval"),
        missing=statuses.count("missing"),
    )


def partnership_procedures() -> list[ProcedurePage]:
    """The live partnership-wide procedures (not any organisation's own), by title."""
    return list(
        ProcedurePage.objects.live().public().filter(organisation__isnull=True).order_by("title")
    )


def procedure_currency(
    procedures: Sequence[ProcedurePage], *, today: date | None = None
) -> list[PageCurrency[ProcedurePage]]:
    """Each procedure's currency (no query)."""
    today = today or timezone.localdate()
    return [
        PageCurrency(page=procedure, status=review_status_on(procedure.next_review, today))
        for procedure in procedures
    ]
