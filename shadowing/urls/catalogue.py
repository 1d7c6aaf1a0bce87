"""Shadowing pages: the catalogue, an opportunity, the request form and My shadowing."""

from __future__ import annotations

from django.urls import URLPattern, path

from shadowing.views import catalogue, mine

urlpatterns: list[URLPattern] = [
    path("", catalogue.catalogue_list, name="catalogue"),
    path("opportunities/<int:pk>/", catalogue.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/request/", catalogue.placement_request_form, name="request"),
    path("mine/", mine.mine, name="mine"),
]
