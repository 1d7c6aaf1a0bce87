"""What the people, invitation and import views share: finding the organisation and
checking the viewer may open or manage it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from organisations.models import Organisation
from organisations.permissions import (
    can_view_people_of,
    kinds_manageable_in,
)

if TYPE_CHECKING:
    pass


PEOPLE_PER_PAGE = 50  # a screenful that still reads well with a screen reader


def organisation_visible_or_404(request: HttpRequest, slug: str) -> Organisation:
    """The organisation, if the viewer may open its people list."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_view_people_of(request.user, organisation):
        raise Http404
    return organisation


def organisation_managed_or_404(request: HttpRequest, slug: str) -> tuple[Organisation, list[str]]:
    """The organisation and the kinds of member the viewer manages there (at least one)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    kinds = kinds_manageable_in(request.user, organisation)
    if not kinds:
        raise Http404
    return organisation, kinds


def form_errors_show(form: Any, error: ValidationError) -> None:
    """Show a service's errors on the form, on the field they name when the form has it."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)
