"""The forms behind the partnership team's Wagtail admin pages for shadowing
(`shadowing.viewsets`): plain-English messages, and nothing a placement relied on changed under
it (a signed agreement version is read-only; a new version is numbered one above the
organisation's highest)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminModelForm

from organisations.enums import Sector
from organisations.models import Membership, Organisation
from shadowing.models import ConfidentialityAgreement, CountingStandard, PlacementCheck
from training.models import TrainingStandard


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
