"""Forms for evidence of training elsewhere: sending it, and rejecting it with a reason.

The rules (dates, hours, the file) live in `evidence.services` and `evidence.uploads`;
the form asks them, so every problem is shown at once, next to its field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from config.widgets import GOVUKDateField
from evidence.services import completed_on_problem, cpd_hours_problem
from evidence.uploads import ACCEPT_ATTRIBUTE, evidence_file_check
from organisations.models import Membership
from training.forms.fields import NO_CHILD_INFORMATION, MembershipChoiceField
from training.models import TrainingStandard


class EvidenceForm(forms.Form):
    """What a person sends: the course, when, how long, the standard, and the certificate.

    With more than one current membership the person chooses which it is for (its coordinator
    or clerk checks it); with one, that one is used and the question is not asked.
    """

    title = forms.CharField(
        label="Course name",
        max_length=200,
        error_messages={
            "required": "Enter the course name.",
            "max_length": "The course name must be 200 characters or fewer.",
        },
    )
    provider = forms.CharField(
        label="Who provided the training?",
        help_text="For example, your employer's e-learning or a training company.",
        max_length=200,
        error_messages={
            "required": "Enter who provided the training.",
            "max_length": "The provider's name must be 200 characters or fewer.",
        },
    )
    completed_on = GOVUKDateField(
        label="When did you complete it?",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date you completed the training."},
    )
    cpd_hours = forms.DecimalField(
        label="How many CPD hours was it?",
        help_text="As shown on your certificate, for example 3 or 1.5.",
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the number of CPD hours, for example 3 or 1.5.",
            "invalid": "Enter the CPD hours as a number, for example 3 or 1.5.",
            "max_digits": "The CPD hours must be 100 or fewer.",
            "max_whole_digits": "The CPD hours must be 100 or fewer.",
            "max_decimal_places": "Enter the CPD hours with no more than 2 decimal places.",
        },
    )
    standard = forms.ModelChoiceField(
        label="Which standard does it meet?",
        help_text="The standard your certificate says the course meets.",
        queryset=TrainingStandard.objects.order_by("name"),
        empty_label="Choose a standard",
        error_messages={
            "required": "Choose the standard the training meets.",
            "invalid_choice": "Choose a standard from the list.",
        },
    )
    file = forms.FileField(
        label="Upload your certificate",
        help_text=f"A PDF, PNG or JPEG file, smaller than 10 MB. {NO_CHILD_INFORMATION}",
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={
            "required": "Select the file with your certificate.",
            "empty": "The selected file is empty. Choose the file with your certificate in it.",
            "invalid": "The selected file could not be read. Choose it again.",
        },
    )

    def __init__(
        self, *args: Any, memberships: list[Membership], today: date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.only_membership = memberships[0] if len(memberships) == 1 else None
        if self.only_membership is None:
            field = MembershipChoiceField(
                label="Which organisation is this for?",
                help_text=(
                    "Its training coordinator (or the clerk, for governors) checks your evidence."
                ),
                queryset=Membership.objects.filter(pk__in=[m.pk for m in memberships]),
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={
                    "required": "Select which organisation this is for.",
                    "invalid_choice": "Select which organisation this is for.",
                },
            )
            # The choices come from the list already fetched, in its order.
            field.choices = [(m.pk, field.label_from_instance(m)) for m in memberships]
            self.fields = {"membership": field, **self.fields}

    def clean_completed_on(self) -> date:
        completed_on: date = self.cleaned_data["completed_on"]
        problem = completed_on_problem(completed_on, today=self.today)
        if problem:
            raise forms.ValidationError(problem)
        return completed_on

    def clean_cpd_hours(self) -> Decimal:
        cpd_hours: Decimal = self.cleaned_data["cpd_hours"]
        problem = cpd_hours_problem(cpd_hours)
        if problem:
            raise forms.ValidationError(problem)
        return cpd_hours

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        evidence_file_check(upload)
        return upload

    @property
    def membership(self) -> Membership:
        """The membership chosen, or the only one (call after `is_valid`)."""
        return self.only_membership or self.cleaned_data["membership"]


class EvidenceRejectForm(forms.Form):
    reason = forms.CharField(
        label="Why are you rejecting this evidence?",
        help_text=(
            "We will send this to the person, so say what they need to do, for example send "
            f"a clearer copy of the certificate. {NO_CHILD_INFORMATION}"
        ),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why you are rejecting the evidence.",
            "max_length": "The reason must be 2,000 characters or fewer.",
        },
    )
