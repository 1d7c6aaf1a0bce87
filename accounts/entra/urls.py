"""The sign-in and callback URLs for Microsoft, found by allauth's URL loader."""

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from accounts.entra.provider import EntraProvider

urlpatterns = default_urlpatterns(EntraProvider)
