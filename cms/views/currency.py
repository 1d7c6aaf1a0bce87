"""Being written."""

from django.http import Http404, HttpRequest, HttpResponse


def guides_overview_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


def organisation_guides_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
