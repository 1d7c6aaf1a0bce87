"""Signing a credential as a JWT (VC-JOSE; the Open Badges 3.0 "JWT proof format", section
8.2): the payload is the credential itself, with the registered claims Open Badges asks for
(`iss`, `jti`, `nbf`, `exp`), signed with EdDSA (Ed25519) by joserfc.

The header names the key by `kid`, to be found in the JWK Set the issuer's profile names; it
carries no `jwk`, so a verifier trusts the issuer's published key rather than one the token
brings with it.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import SecurityWarning

from certificates.credentials.documents import CredentialSubject, credential_document
from certificates.credentials.keys import key_id, signing_key

# "EdDSA" rather than RFC 9864's newer "Ed25519": it is the name Open Badges and VC-JOSE
# verifiers (and PyJWT) know today. joserfc warns of the newer name on every signature; that
# warning is the one silenced here, for this name only.
ALGORITHM = "EdDSA"
warnings.filterwarnings("ignore", message="EdDSA is deprecated", category=SecurityWarning)
# The media type Open Badges 3.0 gives the JOSE header's `typ`.
TOKEN_TYPE = "JWT"


def credential_claims(subject: CredentialSubject) -> dict[str, Any]:
    """The JWT payload: the credential, and its registered claims."""
    document = credential_document(subject)
    claims: dict[str, Any] = {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": _seconds(subject.issued_at),
    }
    if "validUntil" in document:
        claims["exp"] = _seconds(datetime.fromisoformat(document["validUntil"]))
    return claims


def credential_sign(subject: CredentialSubject) -> str:
    """The signed credential, a compact JWS (three base64url parts joined by dots)."""
    key = signing_key()
    header = {"alg": ALGORITHM, "typ": TOKEN_TYPE, "kid": key_id(key)}
    return jwt.encode(header, credential_claims(subject), key, algorithms=[ALGORITHM])


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())
