"""What a reader has confirmed reading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef

from cms.models.reading import Acknowledgement
from organisations.enums import MembershipKind

if TYPE_CHECKING:
    from cms.models.pages import ReviewedPage


@dataclass(frozen=True)
class ReadingState:
    """Where a signed-in reader stands with one page: confirmed this edition, an older one, or none.

    `signed_in` is False for anonymous readers, who are not asked anything. `noun` is how the
    page calls itself to readers ("guide" or "procedure").
    """

    signed_in: bool
    current: Acknowledgement | None = None
    earlier: Acknowledgement | None = None
    noun: str = "guide"

    @property
    def needs_confirming(self) -> bool:
        return self.signed_in and self.current is None


def reading_state_for(*, page: ReviewedPage, user: Any) -> ReadingState:
    """The reader's latest acknowledgement of `page`, in one query (none when signed out)."""
    noun = page_noun(page)
    if user is None or not user.is_authenticated:
        return ReadingState(signed_in=False, noun=noun)
    latest = Acknowledgement.objects.filter(page_id=page.pk, user=user).order_by("-edition").first()
    if latest is not None and latest.edition == page.edition:
        return ReadingState(signed_in=True, current=latest, noun=noun)
    return ReadingState(signed_in=True, earlier=latest, noun=noun)


def page_noun(page: ReviewedPage) -> str:
    """What readers call the page: "procedure" for procedures, "guide" for escalation guides."""
    from cms.models.pages import ProcedurePage

    return "procedure" if isinstance(page, ProcedurePage) else "guide"


@dataclass(frozen=True)
class PageToConfirm:
    """A guide or procedure the person is asked to read, and whether they read an older edition."""

    page: ReviewedPage
    read_earlier_edition: bool


def pages_to_confirm_for(*, user: Any) -> list[PageToConfirm]:
    """Live guides of the person's own organisations, and the partnership's procedures, that they
    have not confirmed reading in their current edition. Two queries."""
    from cms.models.pages import EscalationGuidePage, ProcedurePage
    from organisations.models import Membership

    organisations = (
        Membership.objects.current()
        .filter(user=user, kind__in=[MembershipKind.STAFF, MembershipKind.VOLUNTEER])
        .values("organisation")
    )
    acknowledgements = Acknowledgement.objects.filter(page_id=OuterRef("pk"), user=user)
    pending: list[PageToConfirm] = []
    for queryset in (
        EscalationGuidePage.objects.filter(organisation__in=organisations),
        ProcedurePage.objects.filter(organisation__isnull=True),
    ):
        rows = (
            queryset.live()
            .public()
            .annotate(
                read_now=Exists(acknowledgements.filter(edition=OuterRef("edition"))),
                read_before=Exists(acknowledgements),
            )
            .filter(read_now=False)
            .order_by("title")
        )
        pending.extend(
            PageToConfirm(page=row, read_earlier_edition=row.read_before) for row in rows
        )
    return pending
