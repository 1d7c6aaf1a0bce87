"""Placeholder until this module is written (not committed as a feature)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def upload(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def template(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def preview(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404

