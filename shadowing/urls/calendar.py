"""Shadowing pages: calendar."""

from __future__ import annotations

from django.urls import URLPattern, path

from shadowing.views import calendar

urlpatterns: list[URLPattern] = [
    path("placements/<int:pk>/calendar.ics", calendar.placement_calendar, name="placement_ics"),
]
