"""Wagtail admin pages where the partnership team sets up shadowing: the checklist of host
conditions, the standards shadowing's CPD hours count towards, host organisations'
confidentiality agreements, and every opportunity.

Registered in `shadowing.wagtail_hooks` only. Access follows Django's model permissions, which
`accounts.backends.RolePermissionBackend` grants to the partnership team alone (from
`PARTNERSHIP_TEAM_ADMIN_PERMISSIONS` below, which `shadowing.permissions` must name for the
backend to find it). Hosts manage their own opportunities on our own pages, never here.

Nothing a placement relied on is changed under it: a condition an opportunity uses is not
deleted (it is taken out of use instead), and an agreement version a visitor signed is read-only
(a change is a new version, numbered automatically).
"""

from __future__ import annotations

from typing import Any

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from organisations.viewsets import ProtectedDeleteView
from shadowing import permissions
from shadowing.forms.admin import (
    SIGNED_VERSION,
    ConditionAdminForm,
    ConfidentialityAgreementAdminForm,
    CountingStandardAdminForm,
    OpportunityAdminForm,
)
from shadowing.models import (
    Condition,
    ConfidentialityAgreement,
    CountingStandard,
    Opportunity,
)

# The team's permissions for these pages are declared in shadowing.permissions.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = permissions.PARTNERSHIP_TEAM_ADMIN_PERMISSIONS


# The checklist --------------------------------------------------------------------------------


class ConditionDeleteView(ProtectedDeleteView):
    """A condition an opportunity asks for, or a placement met, stays."""

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        used = self.object.opportunities.count()
        if used:
            self.blocking[Opportunity._meta] += used

    @property
    def refusal_message(self) -> str:
        return (
            f"“{self.object}” is used by an opportunity or a placement, so it cannot be deleted. "
            "To stop offering it, untick “Offered to hosts”."
        )


class ConditionViewSet(ModelViewSet):
    """The partnership's checklist of host conditions that hosts choose from."""

    model = Condition
    icon = "tasks"
    menu_label = "Host conditions"
    url_prefix = "shadowing-conditions"
    url_namespace = "shadowing_condition_admin"
    list_display = ["name", "met_by", "order", "is_active"]
    list_filter = ["met_by", "is_active"]
    search_fields = ["name", "description"]
    ordering = ["order", "name"]
    copy_view_enabled = False
    delete_view_class = ConditionDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("met_by"),
            FieldPanel("needs_details"),
            FieldPanel("order"),
            FieldPanel("is_active"),
        ],
        base_form_class=ConditionAdminForm,
    )


# Counting standards ---------------------------------------------------------------------------


class CountingStandardViewSet(ModelViewSet):
    """Which standards a completed placement's CPD hours count towards."""

    model = CountingStandard
    icon = "tick-inverse"
    menu_label = "Standards it counts towards"
    url_prefix = "shadowing-standards"
    url_namespace = "shadowing_standard_admin"
    list_display = ["standard"]
    ordering = ["standard__name"]
    copy_view_enabled = False
    edit_handler = ObjectList([FieldPanel("standard")], base_form_class=CountingStandardAdminForm)


# Confidentiality agreements -------------------------------------------------------------------


class ConfidentialityAgreementDeleteView(ProtectedDeleteView):
    @property
    def refusal_message(self) -> str:
        return SIGNED_VERSION.replace("changed", "deleted", 1)


class ConfidentialityAgreementViewSet(ModelViewSet):
    """Host organisations' confidentiality agreements, one row a version."""

    model = ConfidentialityAgreement
    icon = "doc-full"
    menu_label = "Confidentiality agreements"
    url_prefix = "shadowing-agreements"
    url_namespace = "shadowing_agreement_admin"
    list_display = ["organisation", "version", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["organisation__name", "text"]
    ordering = ["organisation__name", "-version"]
    copy_view_enabled = False
    delete_view_class = ConfidentialityAgreementDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [FieldPanel("organisation"), FieldPanel("text")],
        base_form_class=ConfidentialityAgreementAdminForm,
    )


# Opportunities --------------------------------------------------------------------------------


class OpportunityViewSet(ModelViewSet):
    """Every host's opportunities, for the team to correct."""

    model = Opportunity
    icon = "group"
    menu_label = "Opportunities"
    url_prefix = "shadowing-opportunities"
    url_namespace = "shadowing_opportunity_admin"
    list_display = ["title", "organisation", "duration", "date_mode", "is_published"]
    list_filter = ["is_published", "date_mode", "duration"]
    search_fields = ["title", "team", "organisation__name"]
    ordering = ["title"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("team"),
            FieldPanel("description"),
            FieldPanel("not_included"),
            FieldPanel("location"),
            MultiFieldPanel(
                [
                    FieldPanel("duration"),
                    FieldPanel("days"),
                    FieldPanel("cpd_hours"),
                    FieldPanel("date_mode"),
                    FieldPanel("places_per_date"),
                    FieldPanel("places_per_month"),
                    FieldPanel("minimum_notice_days"),
                ],
                heading="The visit",
            ),
            MultiFieldPanel(
                [FieldPanel("eligible_sectors"), FieldPanel("eligible_job_roles")],
                heading="Who may ask",
            ),
            FieldPanel("supervisor"),
            MultiFieldPanel(
                [FieldPanel("conditions"), FieldPanel("other_conditions")],
                heading="Conditions",
            ),
            FieldPanel("joining_instructions"),
            FieldPanel("is_published"),
        ],
        base_form_class=OpportunityAdminForm,
    )


class ShadowingViewSetGroup(ModelViewSetGroup):
    """The "Shadowing" menu, for the partnership team."""

    menu_label = "Shadowing"
    menu_icon = "group"
    menu_order = 225  # after Evaluations (220)
    items = (
        OpportunityViewSet,
        ConditionViewSet,
        ConfidentialityAgreementViewSet,
        CountingStandardViewSet,
    )
