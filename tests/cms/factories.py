"""Published pages for tests, built on the tree every database has (cms.services.site_tree).

Wagtail pages are made with `add_child` and published through a revision, as the admin does, so
editions, the search index and the audit log behave as they do for real. Creating an
`Organisation` already makes a draft `OrganisationPage` (cms.signals); `organisation_page`
fills that draft in and publishes it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from cms.enums import TimescaleUnit
from cms.models import (
    EscalationGuidePage,
    HomePage,
    OrganisationIndexPage,
    OrganisationPage,
    ProcedureIndexPage,
    ProcedurePage,
    StandardPage,
)
from organisations.models import Organisation
from tests.organisations.factories import OrganisationFactory


def contact(role: str = "Duty team manager", **fields: Any) -> dict[str, Any]:
    """A ContactBlock value."""
    return {
        "role": role,
        "name": "",
        "phone": "020 8314 6660",
        "email": "duty@agency.example",
        "textphone": "18001 020 8314 6660",
        "hours": "Monday to Friday, 9am to 5pm",
    } | fields


def stage(
    title: str, *, amount: int | None = 1, unit: str = TimescaleUnit.WORKING_DAYS, **who: Any
) -> dict[str, Any]:
    """One `stage` item of a guide's `stages` StreamField, as raw data."""
    return {
        "type": "stage",
        "value": {
            "title": title,
            "who": contact(**who),
            "timescale": {"amount": amount, "unit": unit, "note": ""},
            "what_to_do": [f"Do the first thing at {title}.", "Write down what was agreed."],
            "written_notice": False,
        },
    }


def route(title: str, **who: Any) -> list[dict[str, Any]]:
    """A one-route StreamField value (urgent or out of hours), as raw data."""
    return [
        {
            "type": "route",
            "value": {
                "title": title,
                "when": f"When to use {title}.",
                "contact": contact(**who),
                "what_to_do": ["Phone straight away."],
            },
        }
    ]


def disagreement() -> list[dict[str, Any]]:
    return [
        {
            "type": "disagreement",
            "value": {
                "principles": ["Keep the child at the centre."],
                "escalation_notice": {
                    "when": "After stage 2.",
                    "send_to": contact("Head of service"),
                    "copy_to": "The partnership business manager",
                },
                "conference_decisions": "Tell the conference chair within 5 working days.",
            },
        }
    ]


def review_dates(*, next_review: date | None = None) -> dict[str, date]:
    today = timezone.localdate()
    next_review = next_review or today + timedelta(days=300)
    return {
        "last_reviewed": min(today, next_review - timedelta(days=365)),
        "next_review": next_review,
    }


def home_page() -> HomePage:
    return HomePage.objects.get()


def organisation_index() -> OrganisationIndexPage:
    return OrganisationIndexPage.objects.get()


def procedure_index() -> ProcedureIndexPage:
    return ProcedureIndexPage.objects.get()


def publish(page: Any, user: Any = None) -> Any:
    """Save a revision of `page` and publish it, as an editor pressing Publish would."""
    page.save_revision(user=user, log_action=True).publish(user=user)
    page.refresh_from_db()
    return page


def _live_or_draft(page: Any, *, live: bool) -> Any:
    """Publish `page`, or with `live` false leave it as a draft with one revision."""
    if live:
        return publish(page)
    page.save_revision()
    return page


def organisation_page(
    organisation: Organisation | None = None, *, live: bool = True, **fields: Any
) -> OrganisationPage:
    """The organisation's page (made as a draft when the organisation was), filled in."""
    if organisation is None:
        organisation = OrganisationFactory.create()
    page = OrganisationPage.objects.get(organisation=organisation)
    page.summary = fields.pop("summary", f"{organisation.name} works with children and families.")
    page.safeguarding_leads = fields.pop(
        "safeguarding_leads", [{"type": "lead", "value": contact("Designated safeguarding lead")}]
    )
    for name, value in fields.items():
        setattr(page, name, value)
    return _live_or_draft(page, live=live)


def guide_page(
    parent: OrganisationPage | None = None, *, live: bool = True, **fields: Any
) -> EscalationGuidePage:
    """A published escalation guide with three stages, under `parent` (a new organisation's
    page by default)."""
    parent = parent or organisation_page()
    values: dict[str, Any] = {
        "title": f"How to escalate a concern at {parent.title}",
        "slug": "escalation",
        "summary": "For staff whose safeguarding concern is not being acted on.",
        "stages": [
            stage("Talk to the practitioner", role="The practitioner involved"),
            stage("Talk to their manager", role="Team manager"),
            stage("Talk to the head of service", amount=5, role="Head of service"),
        ],
        "urgent_route": route("Urgent concern", role="Duty social worker"),
        "out_of_hours_route": route("Out of hours", role="Emergency duty team"),
        "disagreement": disagreement(),
        "review_owner_title": "Head of Safeguarding",
        **review_dates(),
    } | fields
    page = parent.add_child(instance=EscalationGuidePage(live=False, **values))
    return _live_or_draft(page, live=live)


def procedure_page(parent: Any = None, *, live: bool = True, **fields: Any) -> ProcedurePage:
    """A published procedure, under the procedures index by default (partnership-wide)."""
    parent = parent or procedure_index()
    values: dict[str, Any] = {
        "title": "Information sharing protocol",
        "slug": f"procedure-{ProcedurePage.objects.count() + 1}",
        "summary": "When and how to share information to keep children safe.",
        "body": [
            {"type": "heading", "value": "When to share"},
            {"type": "paragraph", "value": "<p>Share when it keeps a child safe.</p>"},
        ],
        "review_owner_title": "Partnership business manager",
        **review_dates(),
    } | fields
    page = parent.add_child(instance=ProcedurePage(live=False, **values))
    return _live_or_draft(page, live=live)


def standard_page(**fields: Any) -> StandardPage:
    values: dict[str, Any] = {
        "title": "About the partnership",
        "slug": "about",
        "intro": "Who we are.",
        "body": [{"type": "paragraph", "value": "<p>We keep children safe together.</p>"}],
    } | fields
    page = home_page().add_child(instance=StandardPage(live=False, **values))
    return publish(page)
