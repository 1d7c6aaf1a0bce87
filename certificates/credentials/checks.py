"""The deployment check for the signing key: with DEBUG off, credentials must be signed with
the partnership's own key (`CREDENTIAL_SIGNING_KEY`), not one the site made for itself, which a
lost or rebuilt private volume would change and so break every credential signed before."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def check_credential_signing_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.CREDENTIAL_SIGNING_KEY:
        return []
    return [
        Error(
            "Set CREDENTIAL_SIGNING_KEY to the partnership's Ed25519 private key (PEM): "
            "certificates' digital credentials are signed with it.",
            hint='Make one with: python manage.py shell -c "from certificates.credentials.keys '
            'import private_key_pem_generate as g; print(g())"',
            id="certificates.E001",
        )
    ]
