"""The partnership team's certificate pages: the list, one certificate with its history,
revoking and reissuing. Anyone else gets a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from certificates.forms.certificates import RevokeForm, SearchForm
from certificates.models import Certificate
from certificates.permissions import can_manage_certificates
from certificates.selectors.certificates import MANAGE_PAGE_SIZE, certificates_for_team
from certificates.services.changes import certificate_reissue, certificate_revoke

if TYPE_CHECKING:
    from accounts.models import User


def _team_or_404(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not can_manage_certificates(user):
        raise Http404
    return user


def _certificate_or_404(pk: int) -> Certificate:
    certificate = (
        Certificate.objects.select_related("holder", "revoked_by", "superseded_by", "issued_by")
        .filter(pk=pk)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


@login_required
@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest) -> HttpResponse:
    _team_or_404(request)
    form = SearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(certificates_for_team(search), MANAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/certificate_manage.html",
        {
            "search_form": form,
            "search": search,
            "page": page,
            "page_query": urlencode({"q": search}) if search else "",
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _team_or_404(request)
    certificate = _certificate_or_404(pk)
    history = certificate.history.select_related("history_user").order_by("-history_date")
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "state": certificate.state(),
            "history": list(history),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _team_or_404(request)
    certificate = _certificate_or_404(pk)
    if not certificate.is_current:
        messages.error(request, "This certificate has already been revoked or replaced.")
        return redirect("certificates:manage_detail", pk=certificate.pk)
    posted = request.method == "POST"
    form = RevokeForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            certificate_revoke(
                certificate=certificate, reason=form.cleaned_data["reason"], revoked_by=user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"You have revoked {certificate.holder_name}'s certificate for "
                f"{certificate.course_title}.",
            )
        return redirect("certificates:manage_detail", pk=certificate.pk)
    return render(
        request, "certificates/certificate_revoke.html", {"certificate": certificate, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reissue(request: HttpRequest, pk: int) -> HttpResponse:
    user = _team_or_404(request)
    certificate = _certificate_or_404(pk)
    if request.method == "POST":
        try:
            new = certificate_reissue(certificate=certificate, reissued_by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("certificates:manage_detail", pk=certificate.pk)
        messages.success(
            request,
            f"You have reissued the certificate as {new.holder_name}. "
            + (
                "The old one stays revoked."
                if certificate.revoked_at
                else "The old one now shows as replaced."
            ),
        )
        return redirect("certificates:manage_detail", pk=new.pk)
    holder_name_now = ""
    if certificate.holder is not None:
        holder_name_now = certificate.holder.get_full_name() or certificate.holder.email
    return render(
        request,
        "certificates/certificate_reissue.html",
        {"certificate": certificate, "holder_name_now": holder_name_now},
    )
