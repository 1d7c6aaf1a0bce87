"""A person's own training: what is required of them and what would satisfy it, their
governor declarations, bookings, requests, waiting lists, past sessions, records and evidence.
It brings training, evidence and compliance together, so it lives in the highest of the three."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from compliance.my_training_sections import my_training_sections
from compliance.selectors.my_requirements import requirements_for
from evidence.selectors import evidence_of
from training.models import BookingRules
from training.selectors.my_training import my_training_for


@login_required
@require_http_methods(["GET", "HEAD"])
def my_training(request: HttpRequest) -> HttpResponse:
    required = requirements_for(user=request.user)  # type: ignore[arg-type]
    context = {
        "required": required,
        "training": my_training_for(user=request.user),
        "evidence": list(evidence_of(request.user)),  # type: ignore[arg-type]
        "rules": BookingRules.load(),
        # Certificates and evaluations, from the apps that own them.
        "sections": my_training_sections(request.user),  # type: ignore[arg-type]
    }
    return render(request, "compliance/my_training.html", context)
