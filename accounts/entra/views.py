"""Talking to Microsoft: the tenant allow-list, the ID token, and the Graph profile."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialLogin, SocialToken
from allauth.socialaccount.providers.microsoft.views import (
    MicrosoftGraphOAuth2Adapter,
    _check_errors,
)
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

PROVIDER_ID = "entra"
DEFAULT_LOGIN_URL = "https://login.microsoftonline.com"


class EntraSignInRefused(PermissionDenied):
    """Microsoft said who the person is, but the partnership does not let them in this way.

    `user_message` is shown on the sign-in error page.
    """

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


TENANT_NOT_ALLOWED = (
    "Your organisation's Microsoft accounts cannot be used to sign in to this service. "
    "Sign in with your email address and password instead."
)


def tenant_allowed(tenant_id: str) -> bool:
    """Whether people from this Entra tenant may sign in with Microsoft."""
    allowed = {tenant.strip().lower() for tenant in settings.ENTRA_ALLOWED_TENANTS}
    return tenant_id.strip().lower() in allowed


def entra_configured(request: HttpRequest) -> bool:
    """Whether Microsoft sign-in is set up (settings or a SocialApp in the database)."""
    return bool(get_adapter(request).list_apps(request, provider=PROVIDER_ID))


class EntraOAuth2Adapter(MicrosoftGraphOAuth2Adapter):
    """allauth's Microsoft adapter, reading the tenant and object ids from the ID token."""

    provider_id = PROVIDER_ID

    def complete_login(
        self, request: HttpRequest, app: Any, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        claims = self._id_token_claims(app, kwargs.get("response") or {})
        tenant_id, object_id = str(claims["tid"]), str(claims["oid"])
        if not tenant_allowed(tenant_id):
            raise EntraSignInRefused(TENANT_NOT_ALLOWED)
        headers = {"Authorization": f"Bearer {token.token}"}
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, params=self.profile_url_params, headers=headers
            )
            profile = _check_errors(response)
        # Graph's `id` for a work account is the same object id; a mismatch means the two
        # answers are not about the same person.
        if str(profile["id"]).lower() != object_id.lower():
            raise OAuth2Error("Microsoft Graph described a different account from the ID token.")
        data = {**profile, "tid": tenant_id, "oid": object_id}
        return self.get_provider().sociallogin_from_response(request, data)

    def _id_token_claims(self, app: Any, token_response: dict[str, Any]) -> dict[str, Any]:
        """The checked claims of the ID token that came with the access token.

        The token came straight from Microsoft's token endpoint over TLS, so, as allauth's
        OpenID Connect provider does (OpenID Connect Core 3.1.3.7), the signature is not
        checked again; the issuer (which names the tenant), audience and expiry are.
        """
        id_token = token_response.get("id_token")
        if not id_token:
            raise OAuth2Error("Microsoft did not send an ID token: is the openid scope set?")
        try:
            unverified = jwt.decode(id_token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise OAuth2Error("Microsoft sent an ID token that cannot be read.") from error
        tenant_id = unverified.get("tid")
        if not tenant_id or not unverified.get("oid"):
            raise OAuth2Error("Microsoft's ID token has no tenant or object id.")
        login_url = app.settings.get("login_url", DEFAULT_LOGIN_URL)
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=f"{login_url}/{tenant_id}/discovery/v2.0/keys",
            issuer=f"{login_url}/{tenant_id}/v2.0",
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=not self.did_fetch_access_token,
        )


def _only_when_configured(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Without Microsoft sign-in set up, its URLs do not exist (404, not a server error)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not entra_configured(request):
            raise Http404("Microsoft sign-in is not set up.")
        return view(request, *args, **kwargs)

    return wrapper


oauth2_login = _only_when_configured(OAuth2LoginView.adapter_view(EntraOAuth2Adapter))
oauth2_callback = _only_when_configured(OAuth2CallbackView.adapter_view(EntraOAuth2Adapter))
