"""Placeholder until this module is written (not committed as a feature)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def boards(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def take_up(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def take_up_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def declaration(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def board(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404

