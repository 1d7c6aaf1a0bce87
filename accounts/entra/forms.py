"""The form shown after a Microsoft sign-in when we need to ask something before sign-up."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.forms import SignupForm


class EntraSignupForm(SignupForm):
    """Names and (for a shared domain) the organisation; the address is Microsoft's.

    The email field is disabled: the account gets the address Microsoft gave, so nobody can
    claim another organisation's domain without proving they hold it.
    """

    email_is_fixed = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.label = "Work email address"
        email.help_text = "From your Microsoft account."
