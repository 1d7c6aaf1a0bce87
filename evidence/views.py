"""Evidence of training done elsewhere: sending it, the review list, one item, verifying,
rejecting, and downloading the file.

A person sees their own evidence. Whoever manages the membership it was sent through checks
it: the coordinator for staff and volunteers, the clerk for governors, or the partnership team
(`organisations.permissions.evidence_reviewable_by`). Anyone else gets a 404, the file included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.roles import roles_for
from evidence.enums import EvidenceStatus
from evidence.forms import EvidenceForm, EvidenceRejectForm
from evidence.models import ExternalEvidence
from evidence.selectors import (
    evidence_checker_description,
    evidence_counts_for_review,
    evidence_decision_refused,
    evidence_for_review,
    evidence_memberships_of,
    evidence_reviewable,
    evidence_visible,
)
from evidence.services import evidence_reject as reject_service
from evidence.services import evidence_submit
from evidence.services import evidence_verify as verify_service
from evidence.uploads import file_type_of

if TYPE_CHECKING:
    from accounts.models import User

EVIDENCE_PER_PAGE = 50  # a screenful that still reads well with a screen reader
# For a file whose content no longer looks like what was checked on upload: a plain download.
UNKNOWN_CONTENT_TYPE = "application/octet-stream"


def may_review_evidence(user: User) -> bool:
    """Whether the person holds a role that checks anyone's evidence (the review list and the
    navigation use this; each item is still checked on its own)."""
    roles = roles_for(user)
    return roles.partnership_team or roles.coordinator or roles.clerk


@login_required
@require_http_methods(["GET", "POST"])
def evidence_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    memberships = list(evidence_memberships_of(user))
    if not memberships:
        return render(request, "evidence/new.html", {"form": None})
    posted = request.method == "POST"
    form = EvidenceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        memberships=memberships,
    )
    if posted and form.is_valid():
        try:
            evidence = evidence_submit(
                user=user,
                membership=form.membership,
                title=form.cleaned_data["title"],
                provider=form.cleaned_data["provider"],
                completed_on=form.cleaned_data["completed_on"],
                cpd_hours=form.cleaned_data["cpd_hours"],
                standard=form.cleaned_data["standard"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            checker = evidence_checker_description(evidence.membership)
            messages.success(
                request,
                f"You have sent your evidence for {evidence.title}. We have asked {checker} "
                "to check it.",
            )
            return redirect("evidence:detail", pk=evidence.pk)
    return render(
        request,
        "evidence/new.html",
        {"form": form, "file_not_kept": posted and bool(request.FILES)},
    )


@login_required
@require_http_methods(["GET"])
def evidence_review(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not may_review_evidence(user):
        raise Http404
    try:
        status: EvidenceStatus | None = EvidenceStatus(request.GET.get("status", ""))
    except ValueError:
        status = None  # no filter, or one that does not exist: show everything
    evidence = evidence_for_review(viewer=user, status=status)
    page = Paginator(evidence, EVIDENCE_PER_PAGE).get_page(request.GET.get("page"))
    counts = evidence_counts_for_review(viewer=user)
    filters = [
        (None, "All", counts.total),
        (EvidenceStatus.PENDING, EvidenceStatus.PENDING.label, counts.pending),
        (EvidenceStatus.VERIFIED, EvidenceStatus.VERIFIED.label, counts.verified),
        (EvidenceStatus.REJECTED, EvidenceStatus.REJECTED.label, counts.rejected),
    ]
    context = {
        "page": page,
        "page_query": f"status={status.value}" if status else "",
        "status": status,
        "counts": counts,
        "filters": [
            {
                "label": label,
                "count": count,
                "url": f"?status={value.value}" if value else "?",
                "current": value == status,
            }
            for value, label, count in filters
        ],
    }
    return render(request, "evidence/review.html", context)


@login_required
@require_http_methods(["GET"])
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    evidence = evidence_visible(viewer=user, pk=pk)
    if evidence is None:
        raise Http404
    reviewer = evidence_reviewable(viewer=user, pk=pk) is not None
    context = {
        "evidence": evidence,
        "own": evidence.user_id == user.pk,
        "reviewer": reviewer,
        "can_decide": reviewer
        and evidence_decision_refused(evidence=evidence, viewer=user) is None,
        "reject_form": EvidenceRejectForm(),
        "back": _back(evidence, user, reviewer=reviewer),
    }
    return render(request, "evidence/detail.html", context)


@login_required
@require_http_methods(["POST"])
def evidence_verify(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    evidence = _reviewable_or_404(user, pk)
    try:
        verify_service(evidence=evidence, verified_by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("evidence:detail", pk=evidence.pk)
    messages.success(
        request,
        f"You have verified {_name(evidence)}'s evidence for {evidence.title}. It now counts "
        f"towards {evidence.standard.name}. We have told them.",
    )
    return redirect("evidence:review")


@login_required
@require_http_methods(["GET", "POST"])
def evidence_reject(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    evidence = _reviewable_or_404(user, pk)
    refused = evidence_decision_refused(evidence=evidence, viewer=user)
    if refused:
        messages.error(request, refused)
        return redirect("evidence:detail", pk=evidence.pk)
    posted = request.method == "POST"
    form = EvidenceRejectForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            reject_service(evidence=evidence, rejected_by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Decided by someone else meanwhile: the form cannot fix that.
                messages.error(request, " ".join(error.messages))
                return redirect("evidence:detail", pk=evidence.pk)
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"You have rejected {_name(evidence)}'s evidence for {evidence.title}. "
                "We have told them why.",
            )
            return redirect("evidence:review")
    return render(request, "evidence/reject.html", {"evidence": evidence, "form": form})


@login_required
@require_http_methods(["GET"])
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The certificate, always as a download, labelled with the type its content has."""
    evidence = evidence_visible(viewer=request.user, pk=pk)
    if evidence is None or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    file_type = file_type_of(handle)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_filename or f"evidence-{evidence.pk}",
        content_type=file_type.content_type if file_type else UNKNOWN_CONTENT_TYPE,
    )
    # Browsers must not second-guess the type, and nobody should keep a copy on the way.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _reviewable_or_404(user: User, pk: int) -> ExternalEvidence:
    evidence = evidence_reviewable(viewer=user, pk=pk)
    if evidence is None:
        raise Http404
    return evidence


def _name(evidence: ExternalEvidence) -> str:
    return evidence.user.get_full_name() or evidence.user.email


def _back(evidence: ExternalEvidence, user: User, *, reviewer: bool) -> tuple[str, str]:
    """Where the back link goes: the review list for people who check evidence (unless it is
    their own), otherwise the person's training."""
    if reviewer and evidence.user_id != user.pk:
        return reverse("evidence:review"), "Back to evidence"
    return reverse("compliance:my_training"), "Back to my training"
