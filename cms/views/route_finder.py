"""Being written."""

from django.http import Http404, HttpRequest, HttpResponse


def route_finder_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def route_poster_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
