"""Forms for the partnership team's organisation pages in Wagtail's admin.

They only parse and tidy input: the logo goes through `organisations.logos`, and one-row rules
(domain shape, an organisation's place in the tree) live in the models' `clean()`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm

from organisations.logos import logo_prepare

ACCEPTED_LOGO_TYPES = "image/png,image/jpeg,image/webp"


class OrganisationAdminForm(WagtailAdminModelForm):
    """Adds a slug made from the name when left blank, and checks and resizes the logo."""

    # A plain file field: Django's ImageField would refuse a bad file with its own wording
    # before `logos.logo_prepare` could explain the problem.
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG, JPEG or WebP image up to 2 MB. It is resized to fit 400 by 400 pixels.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_LOGO_TYPES}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if name := self.fields.get("name"):
            name.error_messages["unique"] = "There is already an organisation with this name."
        if slug := self.fields.get("slug"):
            slug.required = False
            slug.help_text = "Used in web addresses. Leave it blank to make one from the name."
            slug.error_messages["unique"] = (
                "Another organisation already uses this web address. Choose a different one."
            )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return logo_prepare(upload=logo)
        return logo  # unchanged (the stored file), cleared (False) or none

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        name = cleaned_data.get("name")
        if "slug" in self.fields and not cleaned_data.get("slug") and name:
            cleaned_data["slug"] = slugify(name)[: self.instance._meta.get_field("slug").max_length]
        return cleaned_data


class JobRoleAdminForm(WagtailAdminModelForm):
    """A job role, with a plain message when the same role already exists in the sector."""

    class Meta:
        error_messages = {
            NON_FIELD_ERRORS: {
                "unique_together": "This job role already exists for this sector.",
            }
        }


class EmailDomainAdminForm(WagtailAdminModelForm):
    """One allowed email domain, lower-cased so that repeats are spotted whatever the case."""

    def clean_domain(self) -> str:
        # The same tidying as EmailDomain.clean, early enough for the repeat check to see it.
        return str(self.cleaned_data["domain"]).strip().lower().rstrip(".")


class DistinctRowsFormSet(BaseChildFormSet):
    """An inline list in which one field may not repeat, with a plain message naming the repeat.

    Django's own check would say only "Please correct the duplicate data".
    """

    distinct_field = ""
    duplicate_message = "{value} is listed more than once. Remove the extra one."

    def clean(self) -> None:
        seen: set[object] = set()
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            value = form.cleaned_data.get(self.distinct_field)
            if value in (None, ""):
                continue
            if value in seen:
                form.add_error(self.distinct_field, self.duplicate_message.format(value=value))
            seen.add(value)
        super().clean()


class EmailDomainFormSet(DistinctRowsFormSet):
    distinct_field = "domain"


class HeadcountFormSet(DistinctRowsFormSet):
    distinct_field = "job_role"
    duplicate_message = "{value} is listed more than once. Give one headcount for each job role."
