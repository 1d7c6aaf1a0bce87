"""The "entra" provider: allauth's Microsoft provider, keyed on tenant id and object id."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.utils import valid_email_or_none
from allauth.socialaccount.providers.microsoft.provider import (
    MicrosoftGraphAccount,
    MicrosoftGraphProvider,
)

from accounts.entra.views import EntraOAuth2Adapter


def entra_uid(*, tenant_id: str, object_id: str) -> str:
    """The stable key of a person in Entra: their tenant and their object id in it.

    Both are GUIDs that never change for the life of the account, unlike the email address
    or user principal name. Lower-cased so the same person always gets the same key.
    """
    return f"{tenant_id.strip().lower()}:{object_id.strip().lower()}"


def entra_email(data: dict[str, Any]) -> str | None:
    """The person's work address: Graph's `mail`, or their sign-in name when it has none."""
    email = valid_email_or_none(data.get("mail") or data.get("userPrincipalName"))
    return email.lower() if email else None


class EntraAccount(MicrosoftGraphAccount):
    def to_str(self) -> str:
        return entra_email(self.account.extra_data) or super().to_str()


class EntraProvider(MicrosoftGraphProvider):
    """Microsoft work and school accounts, from the tenants the partnership allows."""

    id = "entra"
    name = "Microsoft"
    account_class = EntraAccount
    oauth2_adapter_class = EntraOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        # openid gives the ID token with the tenant and object ids; User.Read the profile.
        return ["openid", "profile", "email", "User.Read"]

    def extract_uid(self, data: dict[str, Any]) -> str:
        return entra_uid(tenant_id=data["tid"], object_id=data["oid"])

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "email": entra_email(data),
            "first_name": data.get("givenName") or "",
            "last_name": data.get("surname") or "",
        }

    def extract_email_addresses(self, data: dict[str, Any]) -> list[EmailAddress]:
        # The address comes from an allow-listed tenant's directory, which the partnership
        # trusts; it is still never used to find an existing account.
        email = entra_email(data)
        if not email:
            return []
        return [EmailAddress(email=email, verified=True, primary=True)]


provider_classes = [EntraProvider]
