"""Shadowing's pages, under /shadowing/, in one namespace ("shadowing"); each module holds one
group of pages."""

from __future__ import annotations

from shadowing.urls import calendar, catalogue, host, opportunities, partnership, placement

app_name = "shadowing"

urlpatterns = [
    *catalogue.urlpatterns,
    *placement.urlpatterns,
    *calendar.urlpatterns,
    *host.urlpatterns,
    *opportunities.urlpatterns,
    *partnership.urlpatterns,
]
