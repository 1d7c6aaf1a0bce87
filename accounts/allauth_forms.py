"""allauth's forms in GOV.UK words: labels, hints and error messages, nothing else.

Each class subclasses allauth's own form and changes only what people read; the behaviour
(checking passwords, rate limits, codes) stays allauth's. They are wired in with ACCOUNT_FORMS
and MFA_FORMS in settings.

Two forms also apply the MFA policy (accounts.mfa), as a second line behind the middleware:
setting up an authenticator app needs proof beyond the password, and someone whose role needs
an app cannot change their email address before they have one (the address is what the proof
is sent to).
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms as account_forms
from allauth.core import context as allauth_context
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

from accounts.mfa import mfa_enrolled, mfa_enrolment_proven, mfa_required

EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com."
NEW_PASSWORD_HINT = (
    "Use at least 12 characters. Do not use a common password, or one that looks like your "
    "name or email address."
)
CODE_HINT = "The 6-digit code shown in your authenticator app."
ENROLMENT_NOT_PROVEN = (
    "Confirm it is you with the code we email before you set up an authenticator app."
)
EMAIL_CHANGE_NEEDS_MFA = (
    "Your role needs an authenticator app, so you cannot change your email address yourself. "
    "Ask the partnership team to change it for you."
)


def _word_field(
    form: forms.Form,
    name: str,
    *,
    label: str,
    required: str,
    help_text: str = "",
    invalid: str | None = None,
    autocomplete: str | None = None,
) -> None:
    """Give one field its GOV.UK label, hint and error messages."""
    field = form.fields.get(name)
    if field is None:
        return
    field.label = label
    field.help_text = help_text
    field.error_messages["required"] = required
    if invalid is not None:
        field.error_messages["invalid"] = invalid
    # allauth puts the label in a placeholder; GOV.UK forms do not use placeholders.
    field.widget.attrs.pop("placeholder", None)
    if autocomplete is not None:
        field.widget.attrs["autocomplete"] = autocomplete


def _email_input(form: forms.Form, name: str) -> None:
    """A real `type="email"` input, which our field template renders with spellcheck off."""
    field = form.fields.get(name)
    if field is not None:
        field.widget = forms.EmailInput(attrs={"autocomplete": "email"})


def _word_new_password(form: forms.Form, first: str = "password1", second: str = "password2"):
    _word_field(
        form,
        first,
        label="Create a password" if first == "password1" else "New password",
        required="Enter a password.",
        help_text=NEW_PASSWORD_HINT,
        autocomplete="new-password",
    )
    _word_field(
        form,
        second,
        label="Confirm password",
        required="Enter the password again.",
        autocomplete="new-password",
    )


class LoginForm(account_forms.LoginForm):
    """Sign in with an email address and password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_input(self, "login")
        _word_field(
            self,
            "login",
            label="Email address",
            required="Enter your email address.",
            invalid=EMAIL_INVALID,
        )
        _word_field(
            self,
            "password",
            label="Password",
            required="Enter your password.",
            autocomplete="current-password",
        )


class SignupForm(account_forms.SignupForm):
    """Create an account: names and organisation come from accounts.forms.SignupDetailsForm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_input(self, "email")
        _word_field(
            self,
            "email",
            label="Work email address",
            required="Enter your work email address.",
            invalid=EMAIL_INVALID,
            help_text="Use the address your organisation gave you, or the one your invitation "
            "was sent to.",
        )
        _word_new_password(self)


class AddEmailForm(account_forms.AddEmailForm):
    """Change the email address: the new one must be confirmed before it replaces the old."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_input(self, "email")
        _word_field(
            self,
            "email",
            label="New email address",
            required="Enter your new email address.",
            invalid=EMAIL_INVALID,
            help_text="We will send a link to this address. Your email address changes when you "
            "select the link.",
        )

    def clean_email(self) -> str:
        # Otherwise someone with only the password could move the account to their own address,
        # then prove that address to set up their own authenticator app.
        user = self.user
        if user is not None and mfa_required(user) and not mfa_enrolled(user):
            raise forms.ValidationError(EMAIL_CHANGE_NEEDS_MFA)
        return str(super().clean_email())


class ChangePasswordForm(account_forms.ChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_field(
            self,
            "oldpassword",
            label="Current password",
            required="Enter your current password.",
            autocomplete="current-password",
        )
        _word_new_password(self)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "Confirm new password"


class SetPasswordForm(account_forms.SetPasswordForm):
    """For people who so far sign in only with Microsoft."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_new_password(self)


class ResetPasswordForm(account_forms.ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _email_input(self, "email")
        _word_field(
            self,
            "email",
            label="Email address",
            required="Enter your email address.",
            invalid=EMAIL_INVALID,
        )


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_new_password(self)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "Confirm new password"


class ReauthenticateForm(account_forms.ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_field(
            self,
            "password",
            label="Password",
            required="Enter your password.",
            autocomplete="current-password",
        )


def _word_code(form: forms.Form, *, recovery_codes_allowed: bool) -> None:
    hint = CODE_HINT
    if recovery_codes_allowed:
        hint += " If you do not have your phone, enter one of your recovery codes."
    _word_field(
        form,
        "code",
        label="Security code",
        required="Enter the security code.",
        help_text=hint,
        autocomplete="one-time-code",
    )
    form.fields["code"].widget.attrs["inputmode"] = "numeric"
    form.fields["code"].widget.attrs["class"] = "govuk-input--width-10"


class MFAAuthenticateForm(mfa_base_forms.AuthenticateForm):
    """The code asked for at sign-in, after the password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_code(self, recovery_codes_allowed=True)


class MFAReauthenticateForm(mfa_base_forms.ReauthenticateForm):
    """The code asked for again before a change to sign-in security."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_code(self, recovery_codes_allowed=True)


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """Set up an authenticator app by entering the first code it shows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word_code(self, recovery_codes_allowed=False)

    def clean_code(self) -> str:
        request = allauth_context.request
        if request is None or not mfa_enrolment_proven(session=request.session, user=self.user):
            raise forms.ValidationError(ENROLMENT_NOT_PROVEN)
        return str(super().clean_code())
