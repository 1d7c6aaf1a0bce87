"""Forms for accounts: the extra sign-up details, the emailed code that comes before setting up an
authenticator app, and Wagtail's user forms without passwords.

`SignupDetailsForm` is allauth's ACCOUNT_SIGNUP_FORM_CLASS: allauth builds its own sign-up forms
(with a password, or from a Microsoft sign-in) on top of it. So this module must not import
`allauth.account.forms`, which imports this module while it loads; our rewording of allauth's
own forms lives in `accounts.allauth_forms`.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.core import context as allauth_context
from django import forms
from django.http import HttpRequest
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.adapters import INVITATION_SESSION_KEY, invitation_from_session
from accounts.models import User
from accounts.selectors import SignupRoute, signup_route_for
from organisations.models import Organisation

NOT_IN_PARTNERSHIP = (
    "You can only create an account with an invitation, or with a work email address from an "
    "organisation in the partnership. Ask your training coordinator to invite you."
)
CHOOSE_ORGANISATION = "Select the organisation you work for."


class SignupDetailsForm(forms.Form):
    """Added to allauth's sign-up forms: names, and the organisation when the domain is shared.

    The address decides how the person joins (`accounts.selectors.signup_route_for`): the
    invitation this browser followed, or their email domain. The organisation question only
    appears when the domain belongs to more than one organisation.
    """

    field_order = ["first_name", "last_name", "email", "organisation", "password1", "password2"]
    # Set by forms whose address comes from elsewhere (Microsoft) and cannot be typed in.
    email_is_fixed = False

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
        label="Which organisation do you work for?",
        queryset=Organisation.objects.none(),
        help_text="More than one organisation in the partnership uses your email domain.",
        empty_label="Select your organisation",
        error_messages={
            "required": CHOOSE_ORGANISATION,
            "invalid_choice": CHOOSE_ORGANISATION,
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invitation = invitation_from_session(self._request())
        route = signup_route_for(email=self._email_given(), invitation=invitation)
        if route.needs_organisation_choice:
            self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
                pk__in=[organisation.pk for organisation in route.organisations]
            ).order_by("name")
        else:
            del self.fields["organisation"]
        if invitation is not None and not self.is_bound:
            self.fields["first_name"].initial = invitation.first_name
            self.fields["last_name"].initial = invitation.last_name

    @staticmethod
    def _request() -> HttpRequest | None:
        # allauth's middleware holds the current request in a context variable.
        return allauth_context.request

    def _email_given(self) -> str:
        if self.is_bound and not self.email_is_fixed:
            return str(self.data.get("email") or "")
        email = self.initial.get("email") or self.fields.get("email", forms.Field()).initial
        return str(email or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if not email:
            return cleaned
        route: SignupRoute = signup_route_for(
            email=email, invitation=invitation_from_session(self._request())
        )
        cleaned["invitation"] = route.invitation
        if not route.allowed:
            self.add_error("email", NOT_IN_PARTNERSHIP)
        elif route.needs_organisation_choice:
            chosen = cleaned.get("organisation")
            if chosen not in route.organisations and "organisation" not in self.errors:
                self.add_error(
                    "organisation" if "organisation" in self.fields else "email",
                    CHOOSE_ORGANISATION,
                )
        else:
            cleaned["organisation"] = route.organisation
        return cleaned

    def signup(self, request: HttpRequest, user: User) -> None:
        """Called by allauth once the user is saved: give them their first membership."""
        from allauth.account.adapter import get_adapter

        from accounts.services import mfa_enrolment_proof_record, signup_membership_create

        invitation = self.cleaned_data.get("invitation")
        signup_membership_create(
            user=user,
            invitation=invitation,
            organisation=self.cleaned_data.get("organisation"),
        )
        if invitation is not None:
            request.session.pop(INVITATION_SESSION_KEY, None)
            # The link reached them at this address, which is the proof an authenticator app
            # needs before it can be set up (accounts.mfa).
            mfa_enrolment_proof_record(
                session=request.session, user=user, email=invitation.email, how="invitation"
            )
        else:
            # The invitation link stashed its address as verified; this person signed up with
            # another address, which must be verified by email like any domain sign-up.
            stashed = request.session.get("account_verified_email")
            if stashed and stashed.lower() != user.email.lower():
                get_adapter(request).unstash_verified_email(request)


ENROLMENT_CODE_FORMAT = re.compile(r"^\d{6}$")


class MFAEnrolmentCodeForm(forms.Form):
    """The 6-digit code we emailed, before an authenticator app may be set up.

    Only checks the shape of what was typed; `accounts.services.mfa_enrolment_code_check` says
    whether it is the right code.
    """

    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code in the email we sent you.",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
        error_messages={"required": "Enter the 6-digit code from the email."},
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not ENROLMENT_CODE_FORMAT.match(code):
            raise forms.ValidationError("The code must be 6 digits, like 123456.")
        return code


class WagtailUserEditForm(UserEditForm):
    """Wagtail's user form, without password fields: passwords are managed through allauth."""


class WagtailUserCreationForm(UserCreationForm):
    """Wagtail's user creation form. People normally join by invitation instead."""
