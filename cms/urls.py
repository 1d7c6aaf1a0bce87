"""URLs of the published-pages app that are not Wagtail pages. Wagtail serves the rest."""

from django.urls import path

from cms.views import currency, reading, route_finder, search

app_name = "cms"

urlpatterns = [
    path("where-to-escalate/", route_finder.route_finder_view, name="route_finder"),
    path("where-to-escalate/poster.pdf", route_finder.route_poster_view, name="route_poster"),
    path("search/", search.search_view, name="search"),
    path("guides/<int:page_id>/read/", reading.acknowledge_view, name="acknowledge"),
    path("published-guides/", currency.guides_overview_view, name="guides_overview"),
    path(
        "published-guides/<slug:slug>/",
        currency.organisation_guides_view,
        name="organisation_guides",
    ),
]
