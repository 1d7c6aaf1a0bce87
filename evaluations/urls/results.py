"""Evaluations' results pages: the filtered results, one session's, and their exports."""

from __future__ import annotations

from django.urls import path

from evaluations.views import results

app_name = "evaluations_results"

urlpatterns = [
    path("evaluations/results/", results.results, name="results"),
    path(
        "evaluations/results/sessions/<int:session_id>/",
        results.session_results,
        name="session",
    ),
    path(
        "evaluations/results/export.<str:file_format>",
        results.results_export,
        name="export",
    ),
]
