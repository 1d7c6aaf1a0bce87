"""Being written."""

from django.http import Http404, HttpRequest, HttpResponse


def acknowledge_view(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404
