"""Placeholder until this module is written (not committed as a feature)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def compliance_home(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def team_compliance(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def partnership_compliance(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def partnership_compliance_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def organisation_compliance(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def organisation_compliance_export(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404

