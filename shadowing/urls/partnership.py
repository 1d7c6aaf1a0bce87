"""Shadowing pages: the partnership team's view of every placement, its figures and exports."""

from __future__ import annotations

from django.urls import URLPattern, path

from shadowing.views import partnership

urlpatterns: list[URLPattern] = [
    path("partnership/", partnership.partnership_page, name="partnership"),
    path("partnership/export.<str:fmt>", partnership.partnership_export, name="partnership_export"),
]
