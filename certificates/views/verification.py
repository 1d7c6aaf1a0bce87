"""The public verification pages: a form to type a code, and one certificate's answer.

Rate-limited per client address (django-ratelimit, counted in the default cache, which is
Redis in production so every web process shares the counts): codes cannot be harvested by
trying many. The answer shows only what the certificate says, never why it was revoked.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from certificates.codes import code_display, code_normalise
from certificates.forms.certificates import VerifyForm
from certificates.models import CertificateState
from certificates.selectors.certificates import certificate_by_code

# One count for both pages: typing codes into the form or the address bar is the same guess.
RATE_LIMIT_GROUP = "certificates.verify"


def _rate(group: str, request: HttpRequest) -> str:
    return settings.CERTIFICATE_VERIFY_RATE_LIMIT


def _limited(request: HttpRequest) -> HttpResponse | None:
    if getattr(request, "limited", False):
        return render(request, "certificates/verify_limited.html", status=429)
    return None


@ratelimit(group=RATE_LIMIT_GROUP, key="ip", rate=_rate, block=False)
@require_http_methods(["GET", "HEAD"])
def verify(request: HttpRequest) -> HttpResponse:
    if "code" not in request.GET:
        return render(request, "certificates/verify.html", {"form": VerifyForm()})
    if (limited := _limited(request)) is not None:
        return limited
    form = VerifyForm(request.GET)
    if form.is_valid():
        return redirect("certificates:verify_code", code=form.cleaned_data["code"])
    return render(request, "certificates/verify.html", {"form": form})


@ratelimit(group=RATE_LIMIT_GROUP, key="ip", rate=_rate, block=False)
@require_http_methods(["GET", "HEAD"])
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    if (limited := _limited(request)) is not None:
        return limited
    certificate = certificate_by_code(code)
    if certificate is None:
        return render(
            request,
            "certificates/verify_not_found.html",
            {"typed": code_display(code_normalise(code))[:40], "form": VerifyForm()},
            status=404,
        )
    state = certificate.state(timezone.localdate())
    ended_on = None
    if state == CertificateState.REVOKED and certificate.revoked_at:
        ended_on = timezone.localdate(certificate.revoked_at)
    elif state == CertificateState.SUPERSEDED and certificate.superseded_at:
        ended_on = timezone.localdate(certificate.superseded_at)
    elif state == CertificateState.EXPIRED:
        ended_on = certificate.expires_on
    response = render(
        request,
        "certificates/verify_code.html",
        {
            "certificate": certificate,
            "state": state,
            "states": CertificateState,
            "ended_on": ended_on,
        },
    )
    # The answer changes when a certificate is revoked or expires: never kept by a cache.
    response["Cache-Control"] = "no-store"
    return response
