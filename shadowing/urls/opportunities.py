"""Shadowing pages: hosts adding and editing opportunities, agreements and hosts."""

from __future__ import annotations

from django.urls import URLPattern, path

from shadowing.views import opportunities

urlpatterns: list[URLPattern] = [
    path("host/opportunities/new/", opportunities.opportunity_new, name="opportunity_new"),
    path(
        "host/opportunities/<int:pk>/edit/",
        opportunities.opportunity_edit,
        name="opportunity_edit",
    ),
    path("host/<slug:slug>/agreement/", opportunities.agreement_new, name="agreement_new"),
    path("host/<slug:slug>/hosts/", opportunities.hosts, name="hosts"),
]
