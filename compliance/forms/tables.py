"""Filters for the compliance pages (GET forms) and the exports' query strings.

Choices are the viewer's own: the teams and job roles of the people they may see in the
organisation, so a guessed id from elsewhere is "not one of the choices" and filters nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from compliance.enums import ComplianceStatus
from organisations.enums import MembershipKind, Sector
from organisations.models import JobRole, Membership
from training.models import TrainingStandard

EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "Excel (XLSX)")]


class TeamChoiceField(forms.ModelChoiceField):
    """A team is named after its line manager."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.email}'s team"


def _choose_from_list(field: forms.Field, noun: str) -> None:
    field.error_messages["invalid_choice"] = f"Choose {noun} from the list."


class OrganisationComplianceFilterForm(forms.Form):
    """What the organisation's table shows: ?q=&team=&job_role=&standard=&status=&kind=."""

    q = forms.CharField(label="Name or email address", required=False, max_length=200, strip=True)
    team = TeamChoiceField(
        label="Team", queryset=Membership.objects.none(), required=False, empty_label="All teams"
    )
    job_role = forms.ModelChoiceField(
        label="Job role",
        queryset=JobRole.objects.none(),
        required=False,
        empty_label="All job roles",
    )
    standard = forms.ModelChoiceField(
        label="Standard",
        queryset=TrainingStandard.objects.none(),
        required=False,
        empty_label="All standards",
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "All statuses"), *ComplianceStatus.choices]
    )
    kind = forms.ChoiceField(
        label="Staff, volunteers or governors",
        required=False,
        choices=[("", "Everyone"), *MembershipKind.choices],
    )

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Membership],
        job_roles: QuerySet[JobRole],
        standards: QuerySet[TrainingStandard],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["job_role"].queryset = job_roles  # type: ignore[attr-defined]
        self.fields["standard"].queryset = standards  # type: ignore[attr-defined]
        _choose_from_list(self.fields["team"], "a team")
        _choose_from_list(self.fields["job_role"], "a job role")
        _choose_from_list(self.fields["standard"], "a standard")
        _choose_from_list(self.fields["status"], "a status")
        _choose_from_list(self.fields["kind"], "staff, volunteers or governors")


class OrganisationComplianceExportForm(OrganisationComplianceFilterForm):
    """The export link's query string: the page's filters, its sort and the format."""

    format = forms.ChoiceField(choices=EXPORT_FORMATS, required=False)


class PartnershipComplianceFilterForm(forms.Form):
    """What the partnership summary shows: ?standard=&sector=."""

    standard = forms.ModelChoiceField(
        label="Standard",
        queryset=TrainingStandard.objects.none(),
        required=False,
        empty_label="All standards",
    )
    sector = forms.ChoiceField(
        label="Sector", required=False, choices=[("", "All sectors"), *Sector.choices]
    )

    def __init__(self, *args: Any, standards: QuerySet[TrainingStandard], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards  # type: ignore[attr-defined]
        _choose_from_list(self.fields["standard"], "a standard")
        _choose_from_list(self.fields["sector"], "a sector")


class PartnershipComplianceExportForm(PartnershipComplianceFilterForm):
    format = forms.ChoiceField(choices=EXPORT_FORMATS, required=False)
