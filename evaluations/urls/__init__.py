"""Evaluations' pages: answering (learners and their line managers) and results."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("evaluations.urls.answering")),
    path("", include("evaluations.urls.results")),
]
