"""Forms for accounts: the extra sign-up details, and Wagtail's user forms without passwords."""

from __future__ import annotations

from typing import Any

from allauth.core import context as allauth_context
from django import forms
from django.http import HttpRequest
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.adapters import INVITATION_SESSION_KEY, invitation_from_session
from accounts.models import User
from accounts.selectors import organisations_for_email
from organisations.models import Organisation

NOT_IN_PARTNERSHIP = (
    "You can only create an account with an invitation, or with a work email address from an "
    "organisation in the partnership. Ask your training coordinator to invite you."
)


class SignupDetailsForm(forms.Form):
    """Added to allauth's sign-up form: names, and the organisation when the domain is shared."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name."},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name."},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Only needed when your email domain is used by more than one organisation.",
        empty_label="Choose your organisation",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data or {}
        email = (data.get("email") or self.initial.get("email") or "").strip()
        if "@" in email:
            self.fields["organisation"].queryset = organisations_for_email(email=email)
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(
                email_domains__isnull=False
            ).distinct()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = (cleaned.get("email") or "").lower()
        if not email:
            return cleaned
        # allauth holds the current request in a context variable for the length of a request.
        request: HttpRequest | None = allauth_context.request
        invitation = invitation_from_session(request) if request else None
        if invitation and invitation.email.lower() == email:
            cleaned["invitation"] = invitation
            return cleaned
        matches = list(organisations_for_email(email=email))
        if not matches:
            self.add_error("email", NOT_IN_PARTNERSHIP)
        elif len(matches) == 1:
            cleaned["organisation"] = matches[0]
        elif cleaned.get("organisation") not in matches:
            self.add_error("organisation", "Choose the organisation you work for.")
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        """Called by allauth once the user is saved: give them their first membership."""
        from accounts.services import signup_membership_create

        signup_membership_create(
            user=user,
            invitation=self.cleaned_data.get("invitation"),
            organisation=self.cleaned_data.get("organisation"),
        )
        request.session.pop(INVITATION_SESSION_KEY, None)


class WagtailUserEditForm(UserEditForm):
    """Wagtail's user form, without password fields: passwords are managed through allauth."""


class WagtailUserCreationForm(UserCreationForm):
    """Wagtail's user creation form. People normally join by invitation instead."""
