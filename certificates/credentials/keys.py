"""The partnership's Ed25519 signing key and the public key set the site publishes.

The key is read from `CREDENTIAL_SIGNING_KEY` (a PEM private key; production must set it, see
`checks.py`). Without it, as in development and tests, a key is made once and kept in private
storage (`credentials/signing-key.pem`, never served by URL), so credentials signed earlier
still verify after a restart.

Each key is named by its RFC 7638 thumbprint (`kid`): a new key gets a new name, and the
published set can hold the old public key beside the new one while credentials signed with it
are still in use (`CREDENTIAL_PREVIOUS_PUBLIC_KEYS`).
"""

from __future__ import annotations

import threading
from typing import Any, Final, Literal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from joserfc.jwk import OKPKey

# Where the key made for development and tests is kept, in private storage.
GENERATED_KEY_NAME = "credentials/signing-key.pem"
# The curve: Ed25519 (EdDSA), short keys and signatures, no choice of parameters to get wrong.
CURVE: Final[Literal["Ed25519"]] = "Ed25519"

_lock = threading.Lock()
_cache: dict[tuple[str, str], OKPKey] = {}


def signing_key() -> OKPKey:
    """The private key that signs credentials."""
    configured = _pem_from_setting(settings.CREDENTIAL_SIGNING_KEY)
    storage = storages["private"]
    cache_key = (configured, "" if configured else str(storage.path(GENERATED_KEY_NAME)))
    with _lock:
        key = _cache.get(cache_key)
        if key is None:
            key = _load(configured) if configured else _generated_key()
            if key.is_private is False or key.as_dict().get("crv") != CURVE:
                raise ValueError("CREDENTIAL_SIGNING_KEY must be an Ed25519 private key in PEM.")
            _cache[cache_key] = key
        return key


def key_id(key: OKPKey | None = None) -> str:
    """The key's name in the published set and in each credential's header."""
    return (key or signing_key()).thumbprint()


def public_jwks() -> dict[str, Any]:
    """The public keys credentials are verified with (RFC 7517 JWK Set): the current key and
    any earlier ones still named in settings."""
    keys = [signing_key(), *(_load(pem) for pem in settings.CREDENTIAL_PREVIOUS_PUBLIC_KEYS)]
    published = []
    seen = set()
    for key in keys:
        kid = key.thumbprint()
        if kid in seen:
            continue
        seen.add(kid)
        public = key.as_dict(private=False)
        published.append({**public, "kid": kid, "alg": "EdDSA", "use": "sig"})
    return {"keys": published}


def private_key_pem_generate() -> str:
    """A new Ed25519 private key in PEM, for `CREDENTIAL_SIGNING_KEY` (docs/credentials.md)."""
    return OKPKey.generate_key(CURVE).as_pem(private=True).decode()


def _generated_key() -> OKPKey:
    storage = storages["private"]
    if storage.exists(GENERATED_KEY_NAME):
        with storage.open(GENERATED_KEY_NAME, "rb") as file:
            return _load(file.read().decode())
    pem = private_key_pem_generate()
    storage.save(GENERATED_KEY_NAME, ContentFile(pem.encode()))
    return _load(pem)


def _load(pem: str) -> OKPKey:
    return OKPKey.import_key(_pem_from_setting(pem))


def _pem_from_setting(value: str) -> str:
    """A PEM as written in an environment variable: on one line with `\\n`, or on several."""
    return value.replace("\\n", "\n").strip()
