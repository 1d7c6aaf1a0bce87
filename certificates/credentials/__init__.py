"""Signed digital credentials: each certificate as an Open Badges 3.0 credential (a W3C
Verifiable Credential, `OpenBadgeCredential`), signed as a JWT with the partnership's Ed25519
key (VC-JOSE, the Open Badges "JWT proof format"). See docs/credentials.md.

- `documents`: the credential's content, from a typed snapshot (`CredentialSubject`), and the
  issuer's profile.
- `keys`: the signing key (from the environment, or made once in private storage), its `kid`
  and the public key set (JWKS) the site publishes.
- `signing`: the signed credential (a compact JWS).
- `checks`: the deployment check that production has a key of its own.
"""
