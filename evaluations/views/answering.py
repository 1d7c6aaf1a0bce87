"""Answering an evaluation: the learner's form, the line manager's form at follow-up, and a
person's list of their evaluations. Anyone but the learner (or the manager asked) gets a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from evaluations.enums import Step
from evaluations.forms.answering import (
    NO_CHILD_OR_FAMILY_INFORMATION,
    EvaluationForm,
    ManagerCommentForm,
)
from evaluations.models import Invitation
from evaluations.selectors.answering import (
    evaluations_of,
    invitation_for_learner,
    invitation_for_manager,
    invitation_is_open,
    manager_request_is_open,
    questions_for_invitation,
)
from evaluations.selectors.gate import certificate_waits_for_evaluation
from evaluations.services.answers import invitation_complete, invitation_manager_comment
from training.enums import BookingStatus

if TYPE_CHECKING:
    from accounts.models import User

ALREADY_DONE = "You have already sent this evaluation. We have kept the answers you sent first."
MANAGER_ALREADY_DONE = (
    "You have already said what has changed in their practice. We have kept what you sent first."
)


def _certificate_waits(invitation: Invitation) -> bool:
    """Whether this step is the one the learner's certificate waits for (and they attended
    in full, so answering it releases the certificate)."""
    return (
        invitation.step == Step.AFTER
        and invitation.booking.status == BookingStatus.ATTENDED
        and certificate_waits_for_evaluation(course_id=invitation.booking.session.course_id)
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request, "evaluations/answering/invitation_list.html", {"evaluations": evaluations_of(user)}
    )


def _done(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return render(
        request,
        "evaluations/answering/invitation_done.html",
        {"invitation": invitation, "certificate_waits": _certificate_waits(invitation)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    invitation = invitation_for_learner(pk=pk, user=user)
    if invitation is None:
        raise Http404
    if invitation.completed_at is not None:
        if request.method == "POST":
            messages.info(request, ALREADY_DONE)
        return _done(request, invitation)
    if not invitation_is_open(invitation):
        return render(
            request, "evaluations/answering/invitation_closed.html", {"invitation": invitation}
        )
    posted = request.method == "POST"
    form = EvaluationForm(
        request.POST if posted else None, course_questions=questions_for_invitation(invitation)
    )
    if posted and form.is_valid():
        try:
            completed = invitation_complete(invitation=invitation, answers=form.answers(), by=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not completed:
                messages.info(request, ALREADY_DONE)
            return redirect("evaluations_answering:answer", pk=invitation.pk)
    return render(
        request,
        "evaluations/answering/invitation_form.html",
        {"invitation": invitation, "form": form, "warning": NO_CHILD_OR_FAMILY_INFORMATION},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manager(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    invitation = invitation_for_manager(pk=pk, user=user)
    if invitation is None:
        raise Http404
    if invitation.manager_completed_at is not None:
        if request.method == "POST":
            messages.info(request, MANAGER_ALREADY_DONE)
        return render(
            request, "evaluations/answering/manager_done.html", {"invitation": invitation}
        )
    if not manager_request_is_open(invitation):
        return render(
            request, "evaluations/answering/manager_closed.html", {"invitation": invitation}
        )
    posted = request.method == "POST"
    form = ManagerCommentForm(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            saved = invitation_manager_comment(
                invitation=invitation, comment=form.cleaned_data["comment"], by=user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not saved:
                messages.info(request, MANAGER_ALREADY_DONE)
            return redirect("evaluations_answering:manager", pk=invitation.pk)
    return render(
        request,
        "evaluations/answering/manager_form.html",
        {"invitation": invitation, "form": form, "warning": NO_CHILD_OR_FAMILY_INFORMATION},
    )
