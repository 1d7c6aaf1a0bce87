"""Admin forms for the published pages: who may be chosen, and what an editor may not change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminPageForm

from accounts.roles import roles_for
from organisations.enums import MembershipKind
from organisations.models import Membership, Organisation


def _organisation_of(page: Any) -> Organisation | None:
    from cms.models.pages import OrganisationPage

    specific = page.specific if page is not None else None
    return specific.organisation if isinstance(specific, OrganisationPage) else None


def review_owner_choices(parent_page: Any) -> QuerySet[Any]:
    """Current members of the page's organisation; the partnership team for partnership pages."""
    users = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
    organisation = _organisation_of(parent_page)
    if organisation is None:
        return users.filter(is_partnership_team=True)
    return users.filter(
        pk__in=Membership.objects.current()
        .filter(organisation=organisation)
        .exclude(kind=MembershipKind.GOVERNOR)
        .values("user")
    )


class ReviewedPageForm(WagtailAdminPageForm):
    """Guides and procedures: a review owner from the organisation, "small correction" unticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each version is a new edition unless the editor says otherwise this time.
        self.initial["minor_change"] = False
        if "review_owner" in self.fields:
            queryset = review_owner_choices(self.parent_page)
            if self.instance.review_owner_id:
                # Someone who has since left stays chosen until an editor picks a new owner.
                queryset = queryset | queryset.model._default_manager.filter(
                    pk=self.instance.review_owner_id
                )
            self.fields["review_owner"].queryset = queryset.distinct()
        if "minor_change" in self.fields and not self.instance.edition:
            # The first publication is edition 1 whatever the tick says, so do not offer it.
            del self.fields["minor_change"]


class OrganisationPageForm(WagtailAdminPageForm):
    """Only the partnership team chooses or changes which organisation a page is about."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        if field is None:
            return
        taken = Organisation.objects.filter(page__isnull=False)
        if self.instance.pk:
            taken = taken.exclude(page=self.instance)
        field.queryset = Organisation.objects.exclude(pk__in=taken)
        user = getattr(self, "for_user", None)
        if self.instance.pk and (user is None or not roles_for(user).partnership_team):
            field.disabled = True
            field.help_text = "Only the partnership team can change this."
