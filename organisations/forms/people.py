"""Forms for managing an organisation's people. They parse input; the rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from config.widgets import GOVUKDateField
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind
from organisations.models import JobRole, Membership
from organisations.permissions import FLAG_CLERK, FLAG_COORDINATOR, FLAG_WEB_EDITOR

# What people call each kind of membership when choosing who a file or invitation is for.
KIND_LABELS = {
    MembershipKind.STAFF: "Staff",
    MembershipKind.VOLUNTEER: "Volunteers",
    MembershipKind.GOVERNOR: "Governors",
}

FLAG_FIELDS = {
    FLAG_COORDINATOR: ("Training coordinator", "Manages the organisation's people."),
    FLAG_WEB_EDITOR: ("Web editor", "Keeps the organisation's published procedures up to date."),
    FLAG_CLERK: ("Clerk to governors", "Keeps the governing board's list."),
}


class LineManagerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        role = f" ({obj.job_role})" if obj.job_role_id else ""
        return f"{obj.user.get_full_name()}{role}"


class PeopleFilterForm(forms.Form):
    """Search and filter on the people list. Bad values are ignored, never an error."""

    q = forms.CharField(label="Name or email address", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everyone"), *MembershipKind.choices],
    )


class _MembershipDetailsForm(forms.Form):
    """Fields shared by inviting someone and changing their membership, chosen by kind."""

    def __init__(
        self,
        *args: Any,
        kind: str,
        job_roles: QuerySet[JobRole],
        line_managers: QuerySet[Membership],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if kind == MembershipKind.GOVERNOR:
            self.fields["governor_category"] = forms.ChoiceField(
                label="Category",
                choices=GovernorCategory.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select the governor's category."},
            )
            self.fields["governor_role"] = forms.ChoiceField(
                label="Role on the board",
                choices=[("", "None"), *GovernorRole.choices],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields["term_end"] = GOVUKDateField(
                label="Term of office ends",
                required=False,
                help_text="For example, 31 8 2030. Leave blank if you do not know.",
            )
        else:
            self.fields["job_role"] = forms.ModelChoiceField(
                label="Job role",
                queryset=job_roles,
                required=False,
                empty_label="No job role yet",
            )
            self.fields["line_manager"] = LineManagerChoiceField(
                label="Line manager",
                queryset=line_managers,
                required=False,
                empty_label="No line manager",
                help_text="Only current staff of this organisation can be line managers.",
            )
        self.fields["start_date"] = GOVUKDateField(
            label="Start date",
            required=False,
            help_text="For example, 1 9 2026. Leave blank for today.",
        )


class InvitationForm(_MembershipDetailsForm):
    """Invite one person: their name and email, then the details of their membership."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter their first name."},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter their last name."},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class MembershipEditForm(_MembershipDetailsForm):
    """Change a membership. Only the role flags the editor may grant are shown."""

    def __init__(self, *args: Any, grantable_flags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = True
        self.fields["start_date"].help_text = "For example, 1 9 2026."
        self.fields["start_date"].error_messages["required"] = "Enter the start date."
        for flag in grantable_flags:
            label, help_text = FLAG_FIELDS[flag]
            self.fields[flag] = forms.BooleanField(label=label, help_text=help_text, required=False)


class MembershipEndForm(forms.Form):
    end_date = GOVUKDateField(
        label="Last day of membership",
        help_text="For example, 31 8 2026.",
        error_messages={"required": "Enter the last day of their membership."},
    )


class ImportUploadForm(forms.Form):
    """Choose who is in the file, and the file."""

    kind = forms.ChoiceField(
        label="Who is in the file?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is in the file."},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx), with one person on each row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Select a CSV or Excel file.",
            "empty": "The selected file is empty.",
        },
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, KIND_LABELS[MembershipKind(kind)]) for kind in kinds]  # type: ignore[attr-defined]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
