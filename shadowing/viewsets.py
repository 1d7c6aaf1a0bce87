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

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from organisations.enums import Sector
from organisations.models import Membership, Organisation
from organisations.viewsets import ProtectedDeleteView
from shadowing import permissions
from shadowing.models import (
    Condition,
    ConfidentialityAgreement,
    CountingStandard,
    Opportunity,
    PlacementCheck,
)
from training.models import TrainingStandard

# The team's permissions for these pages are declared in shadowing.permissions.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = permissions.PARTNERSHIP_TEAM_ADMIN_PERMISSIONS


# The checklist --------------------------------------------------------------------------------


class ConditionAdminForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if name := self.fields.get("name"):
            name.error_messages["required"] = "Enter the condition's name."
            name.error_messages["unique"] = "There is already a condition with this name."
        if met_by := self.fields.get("met_by"):
            met_by.error_messages["required"] = "Choose who meets the condition."
        if active := self.fields.get("is_active"):
            active.label = "Offered to hosts"


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

NOT_AN_HOURS_STANDARD = (
    "Choose a standard that asks for CPD hours. Shadowing gives CPD hours, so it can only count "
    "towards a standard with CPD hours required."
)


class CountingStandardAdminForm(WagtailAdminModelForm):
    """A standard shadowing's CPD hours count towards: only one with an hours rule."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if standard := self.fields.get("standard"):
            standard.label = "Standard"
            standard.help_text = "Only standards with CPD hours required are listed."
            standard.queryset = TrainingStandard.objects.filter(cpd_hours_required__isnull=False)
            standard.error_messages["invalid_choice"] = NOT_AN_HOURS_STANDARD
            standard.error_messages["required"] = "Choose a standard."

    def clean_standard(self) -> TrainingStandard:
        standard: TrainingStandard = self.cleaned_data["standard"]
        if standard.cpd_hours_required is None:
            raise ValidationError(NOT_AN_HOURS_STANDARD)
        if CountingStandard.objects.filter(standard=standard).exclude(pk=self.instance.pk).exists():
            raise ValidationError("Shadowing already counts towards this standard.")
        return standard


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

SIGNED_VERSION = (
    "A visitor has signed this version, so it cannot be changed. To change the wording, add a "
    "new version for the organisation."
)


def agreement_is_signed(agreement: ConfidentialityAgreement) -> bool:
    return bool(agreement.pk) and PlacementCheck.objects.filter(agreement=agreement).exists()


class ConfidentialityAgreementAdminForm(WagtailAdminModelForm):
    """A new version of an organisation's agreement is numbered one above its highest; a
    signed version is read-only and its organisation never changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if text := self.fields.get("text"):
            text.error_messages["required"] = "Enter the agreement's text."
            text.help_text = "The words the visitor reads and signs before the visit."
        if organisation := self.fields.get("organisation"):
            organisation.error_messages["required"] = "Choose the host organisation."
            if self.instance.pk:
                organisation.disabled = True
                organisation.help_text = "A version stays with its organisation."
        if agreement_is_signed(self.instance):
            for field in self.fields.values():
                field.disabled = True
            if text:
                text.help_text = SIGNED_VERSION

    def save(self, commit: bool = True) -> ConfidentialityAgreement:
        agreement: ConfidentialityAgreement = super().save(commit=False)
        if agreement.pk is None:
            with transaction.atomic():
                # The organisation row locked, so two versions added at once get two numbers.
                Organisation.objects.select_for_update().filter(
                    pk=agreement.organisation_id
                ).first()
                highest = ConfidentialityAgreement.objects.filter(
                    organisation=agreement.organisation_id
                ).aggregate(highest=Max("version"))["highest"]
                agreement.version = (highest or 0) + 1
                agreement.created_at = timezone.now()
                agreement.created_by = self.for_user
                if commit:
                    agreement.save()
        elif commit:
            agreement.save()
        return agreement


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


class OpportunityAdminForm(WagtailAdminModelForm):
    """An opportunity as the team corrects it: sectors as tick boxes, and a supervisor who is a
    current member of the host organisation."""

    eligible_sectors = forms.MultipleChoiceField(
        label="Sectors that may ask",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every sector.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if (supervisor := self.fields.get("supervisor")) and self.instance.pk:
            supervisor.queryset = (
                Membership.objects.current()
                .filter(organisation=self.instance.organisation_id)
                .select_related("user", "organisation")
            )
            supervisor.error_messages["invalid_choice"] = (
                "Choose a supervisor who works for the host organisation now."
            )

    def clean_supervisor(self) -> Membership:
        supervisor: Membership = self.cleaned_data["supervisor"]
        organisation = self.instance.organisation_id
        if supervisor.organisation_id != organisation or not supervisor.is_current():
            raise ValidationError("Choose a supervisor who works for the host organisation now.")
        return supervisor


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
