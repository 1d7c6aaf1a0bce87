"""The forms on certificates' pages."""

from __future__ import annotations

from django import forms

from certificates.codes import code_is_well_formed, code_normalise
from certificates.services.changes import REASON_MAX_LENGTH


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Certificate code",
        help_text="It is printed on the certificate, for example K7Q2-9MZD-4TWX-B1HC.",
        max_length=40,
        error_messages={
            "required": "Enter the certificate code.",
            "max_length": "Enter the 16 letters and numbers of the code, like K7Q2-9MZD-4TWX-B1HC.",
        },
    )

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if not code_is_well_formed(code):
            raise forms.ValidationError(
                "Enter the 16 letters and numbers of the code, like K7Q2-9MZD-4TWX-B1HC."
            )
        return code


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why are you revoking this certificate?",
        help_text=(
            "This is kept in the certificate's history. It is not shown on the public "
            "verification page. Do not include any information that could identify a child "
            "or family."
        ),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are revoking the certificate.",
            "max_length": f"The reason must be {REASON_MAX_LENGTH} characters or fewer.",
        },
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search by name, email, course or code", required=False)
