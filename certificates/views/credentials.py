"""Signed digital credentials: one certificate's, for its holder and the partnership team, and
the public documents a verifier needs (the issuer's profile and its public keys)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from certificates.credentials.documents import issuer_profile, subject_from_certificate
from certificates.credentials.keys import public_jwks
from certificates.credentials.signing import credential_sign
from certificates.models import Certificate
from certificates.permissions import can_download_certificate, can_manage_certificates

if TYPE_CHECKING:
    from accounts.models import User

# The public documents change only when the key does; an hour keeps verifiers' fetches few and
# a change of key visible the same morning.
PUBLIC_MAX_AGE = 60 * 60
# RFC 7519's media type for a JWT; Open Badges 3.0 names the JWT's `typ` "JWT" too.
JWT_CONTENT_TYPE = "application/jwt"


@login_required
@require_http_methods(["GET", "HEAD"])
def credential_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate as a signed Open Badges 3.0 credential (a JWT), for its holder while it
    is current, and for the partnership team; a 404 for anyone else."""
    user: User = request.user  # type: ignore[assignment]
    certificate = Certificate.objects.filter(pk=pk).first()
    if certificate is None or not can_download_certificate(user, certificate):
        raise Http404
    if not certificate.is_current and not can_manage_certificates(user):
        raise Http404
    token = credential_sign(subject_from_certificate(certificate))
    response = HttpResponse(token, content_type=JWT_CONTENT_TYPE)
    title = slugify(certificate.course_title)[:60] or "course"
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{title}-{certificate.code}.jwt"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def jwks(request: HttpRequest) -> HttpResponse:
    """The public keys credentials are signed with (a JWK Set), for anyone."""
    return _public(JsonResponse(public_jwks(), content_type="application/jwk-set+json"))


@require_http_methods(["GET", "HEAD"])
def issuer(request: HttpRequest) -> HttpResponse:
    """The issuer's Open Badges profile: every credential's `issuer.id`, naming the keys."""
    return _public(JsonResponse(issuer_profile(), content_type="application/ld+json"))


def _public(response: HttpResponse) -> HttpResponse:
    # Public documents with nothing personal: cacheable, and readable by verifiers running in
    # another site's pages (no cookies are sent or read).
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
