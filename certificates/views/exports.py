"""A coordinator's zip of their staff's certificates: ask for one, watch it being made, and
download it. Organisations and zips the viewer may not use are a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from certificates.forms.exports import ExportForm
from certificates.models import CertificateExport
from certificates.permissions import (
    certificate_exports_visible_to,
    organisations_for_certificate_exports,
)
from certificates.services.exports import (
    MAX_PERIOD_YEARS,
    certificate_export_request,
    export_download_filename,
)

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Organisation
    from organisations.permissions import Viewer

# How often the page of a zip being made reloads itself (a meta refresh: no script).
REFRESH_SECONDS = 5
# Zips listed under the form.
RECENT_EXPORTS = 10


@login_required
@require_http_methods(["GET", "HEAD"])
def export_home(request: HttpRequest) -> HttpResponse:
    """Straight to the one organisation a coordinator looks after, or a list to choose from."""
    organisations = list(organisations_for_certificate_exports(request.user).order_by("name"))
    if not organisations:
        raise Http404
    if len(organisations) == 1:
        return redirect("certificates:export_request", slug=organisations[0].slug)
    return render(request, "certificates/export_home.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def export_request(request: HttpRequest, slug: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    organisation = _organisation_or_404(user, slug)
    posted = request.method == "POST"
    form = ExportForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            export = certificate_export_request(
                requested_by=user,
                organisation=organisation,
                period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(export.get_absolute_url())
    exports = (
        certificate_exports_visible_to(user)
        .filter(organisation=organisation)
        .select_related("requested_by")[:RECENT_EXPORTS]
    )
    return render(
        request,
        "certificates/export_request.html",
        {
            "organisation": organisation,
            "form": form,
            "exports": list(exports),
            "max_years": MAX_PERIOD_YEARS,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def export_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    export = _export_or_404(request.user, slug, pk)
    return render(
        request,
        "certificates/export_detail.html",
        {"export": export, "organisation": export.organisation, "refresh_seconds": REFRESH_SECONDS},
    )


@login_required
@require_http_methods(["GET"])
def export_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    export = _export_or_404(request.user, slug, pk)
    if not export.is_ready:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=export_download_filename(export),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _organisation_or_404(user: User, slug: str) -> Organisation:
    organisation = organisations_for_certificate_exports(user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def _export_or_404(viewer: Viewer, slug: str, pk: int) -> CertificateExport:
    export = (
        certificate_exports_visible_to(viewer)
        .select_related("organisation")
        .filter(pk=pk, organisation__slug=slug)
        .first()
    )
    if export is None:
        raise Http404
    return export
