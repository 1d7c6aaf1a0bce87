"""Social sign-in adapter. Microsoft Entra ID is the only provider (see accounts.entra)."""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class EntraSocialAccountAdapter(DefaultSocialAccountAdapter):
    pass
