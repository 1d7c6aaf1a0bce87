"""Placeholder until this module is written (not committed as a feature)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def evidence_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_review(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_verify(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_reject(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def evidence_file(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404

