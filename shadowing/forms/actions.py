"""The forms on a placement's page, one for each action someone may take
(`shadowing.states.allowed_actions`). They only read what was typed: whether the action may be
taken, and every rule about it, is the services' (`shadowing.services`), whose refusals the view
shows on the same form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from config.widgets import GOVUKDateField
from organisations.models import Membership
from shadowing.enums import CheckKind, DbsLevel
from shadowing.models import Condition, ConfidentialityAgreement

# Shown with the reflection and feedback boxes: people write about their work, and their work
# is with children and families.
NO_CHILD_OR_FAMILY_INFORMATION = "Do not write anything that could identify a child or family."

TEXT_MAX_LENGTH = 5000


def _text(label: str, required_message: str, *, help_text: str = "", rows: int = 5) -> Any:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {TEXT_MAX_LENGTH:,} characters or fewer.",
        },
    )


class MemberChoiceField(forms.ModelChoiceField):
    """A member of an organisation, named as people know them."""

    def label_from_instance(self, obj: Any) -> str:
        user = obj.user
        name = user.get_full_name() or user.email
        return f"{name} ({user.email})" if name != user.email else name


class ConfirmForm(forms.Form):
    """An action with nothing to type: approving, recording that the visit happened or not."""


class ReasonForm(forms.Form):
    """Declining (as line manager or host) or cancelling: the reason is always asked for, and
    everyone involved is told it."""

    reason = _text(
        "Reason",
        "Enter the reason.",
        help_text="Everyone involved in this placement will see it.",
        rows=4,
    )

    def __init__(self, *args: Any, label: str = "Reason", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"Enter the {label.lower()}."


class HostAcceptForm(forms.Form):
    supervisor = MemberChoiceField(
        label="Who will supervise the visit?",
        queryset=Membership.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose who will supervise the visit.",
            "invalid_choice": "Choose a supervisor from the list.",
        },
    )
    visit_date = GOVUKDateField(
        label="Date of the visit",
        error_messages={"required": "Enter the date of the visit."},
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = members  # type: ignore[attr-defined]


class DateChangeForm(forms.Form):
    """The host moves the visit to another date, agreed with the visitor beforehand."""

    visit_date = GOVUKDateField(
        label="New date of the visit",
        help_text="Agree the new date with the visitor first.",
        error_messages={"required": "Enter the new date of the visit."},
    )
    reason = _text(
        "Why the date is changing",
        "Enter why the date is changing.",
        help_text="The visitor, their line manager and the supervisor will see it.",
        rows=3,
    )


class RecordCheckForm(forms.Form):
    """One condition met. Which fields it has depends on who meets the condition: the level and
    date of a DBS check (never its number), the agreement the visitor signs, or a note."""

    dbs_level = forms.ChoiceField(
        label="Level of the DBS check",
        choices=[("", "Choose the level"), *DbsLevel.choices],
        error_messages={
            "required": "Choose the level of the DBS check.",
            "invalid_choice": "Choose the level of the DBS check from the list.",
        },
    )
    dbs_issued_on = GOVUKDateField(
        label="Date on the DBS certificate",
        error_messages={"required": "Enter the date on the DBS certificate."},
    )
    signed = forms.BooleanField(
        label="I have read the agreement and will keep to it",
        error_messages={
            "required": "Confirm that you have read the agreement and will keep to it."
        },
    )
    # The version the visitor read, so a newer one published meanwhile is not signed unread.
    agreement = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "The note must be 500 characters or fewer."},
    )

    def __init__(
        self,
        *args: Any,
        condition: Condition,
        agreement: ConfidentialityAgreement | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", f"check-{condition.pk}")
        super().__init__(*args, **kwargs)
        self.condition = condition
        if condition.met_by != CheckKind.HOME_DBS:
            del self.fields["dbs_level"], self.fields["dbs_issued_on"]
        if condition.met_by == CheckKind.AGREEMENT:
            self.fields["agreement"].initial = agreement.pk if agreement else None
        else:
            del self.fields["signed"], self.fields["agreement"]

    def service_arguments(self) -> dict[str, Any]:
        """What `placement_check_record` takes besides the placement and who."""
        cleaned = self.cleaned_data
        return {
            "condition_id": self.condition.pk,
            "dbs_level": cleaned.get("dbs_level", ""),
            "dbs_issued_on": cleaned.get("dbs_issued_on"),
            "agreement_id": cleaned.get("agreement"),
            "note": cleaned.get("note", ""),
        }


class ReflectionForm(forms.Form):
    learnt_about_role = _text(
        "What did you learn about their role and their thresholds for action?",
        "Enter what you learnt about their role and their thresholds for action.",
    )
    surprised_me = _text("What surprised you?", "Enter what surprised you.")
    do_differently = _text("What will you do differently?", "Enter what you will do differently.")
    share_with_team = _text(
        "What will you share with your team?", "Enter what you will share with your team."
    )


class FeedbackForm(forms.Form):
    feedback = _text(
        "Your feedback to the visitor",
        "Enter your feedback to the visitor.",
        help_text="The visitor and their line manager will see it.",
    )


class ReturnInvitationForm(forms.Form):
    invited_visitor = MemberChoiceField(
        label="Who from your organisation would make the return visit?",
        queryset=Membership.objects.none(),
        error_messages={
            "required": "Choose who would make the return visit.",
            "invalid_choice": "Choose who would make the return visit from the list.",
        },
    )
    message = forms.CharField(
        label="Message to the visitor's organisation (optional)",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, members: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invited_visitor"].queryset = members  # type: ignore[attr-defined]
        self.fields["invited_visitor"].empty_label = "Choose someone"  # type: ignore[attr-defined]
