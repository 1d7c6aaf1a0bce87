"""Shadowing pages: the host's page, and an organisation's placements for its coordinators."""

from __future__ import annotations

from django.urls import URLPattern, path

from shadowing.views import host

urlpatterns: list[URLPattern] = [
    path("host/", host.host_overview, name="host"),
    path("organisations/<slug:slug>/", host.organisation_page, name="organisation"),
]
