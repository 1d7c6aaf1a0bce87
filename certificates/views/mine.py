"""A person's own certificates, and downloading one as a PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from certificates.models import Certificate
from certificates.pdf import certificate_pdf, certificate_pdf_filename
from certificates.permissions import can_download_certificate, can_manage_certificates
from certificates.selectors.certificates import certificates_of

if TYPE_CHECKING:
    from accounts.models import User


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    certificates = list(certificates_of(user))
    today = timezone.localdate()
    return render(
        request,
        "certificates/certificate_list.html",
        {
            "current": [c for c in certificates if c.is_current],
            "replaced": [c for c in certificates if not c.is_current],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate's PDF, for its holder (while it is current) and the partnership team."""
    user: User = request.user  # type: ignore[assignment]
    certificate = Certificate.objects.filter(pk=pk).select_related("signature_image").first()
    if certificate is None or not can_download_certificate(user, certificate):
        raise Http404
    if not certificate.is_current and not can_manage_certificates(user):
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{certificate_pdf_filename(certificate)}"'
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
