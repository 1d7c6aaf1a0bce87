"""Shadowing pages: a placement with its actions, and the line manager's approvals."""

from __future__ import annotations

from django.urls import URLPattern, path

from shadowing.views import placement

urlpatterns: list[URLPattern] = [
    path("placements/<int:pk>/", placement.placement_detail, name="placement"),
    path("placements/<int:pk>/<str:action>/", placement.placement_action, name="placement_action"),
    path("approvals/", placement.approvals, name="approvals"),
]
