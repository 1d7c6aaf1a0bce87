"""'I have read and understood this': a signed-in reader confirms the current edition of a guide
or procedure.

Anyone signed in may confirm any live guide or procedure, their own organisation's or another's:
reading another agency's escalation route is exactly what the partnership wants. The form is
on the page itself (cms/includes/reading_panel.html); a box left unticked shows the page again
with the error and saves nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.models import Page

from cms.models.pages import EscalationGuidePage, ProcedurePage, ReviewedPage
from cms.selectors.reading import page_noun
from cms.services.reading import page_acknowledge


class AcknowledgeForm(forms.Form):
    """The one tick box. Its id matches the panel's markup so error links reach it."""

    confirmed = forms.BooleanField()

    def __init__(self, *args: Any, noun: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reading-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["confirmed"]
        field.label = f"I have read and understood this {noun}"
        field.error_messages["required"] = (
            f"Tick the box to confirm you have read and understood this {noun}"
        )


def _readable_page_or_404(request: HttpRequest, page_id: int) -> ReviewedPage:
    """The live guide or procedure, if the reader could open it; anything else is a 404."""
    page = (
        Page.objects.live()
        .type(EscalationGuidePage, ProcedurePage)
        .filter(pk=page_id)
        .specific()
        .first()
    )
    if not isinstance(page, ReviewedPage):
        raise Http404
    # A page behind a view restriction (a password or a group) is confirmed only by someone
    # who could read it.
    if any(not restriction.accept_request(request) for restriction in page.get_view_restrictions()):
        raise Http404
    return page


@login_required
@require_POST
def acknowledge_view(request: HttpRequest, page_id: int) -> HttpResponse:
    page = _readable_page_or_404(request, page_id)
    noun = page_noun(page)
    form = AcknowledgeForm(request.POST, noun=noun)
    if not form.is_valid():
        # The page again, as its readers see it, with the error beside the box.
        context = page.get_context(request)
        context.update({"form": form, "reading_form": form})
        return TemplateResponse(request, page.get_template(request), context)
    try:
        page_acknowledge(page=page, user=request.user)  # type: ignore[arg-type]
    except ValidationError:
        raise Http404 from None
    messages.success(request, f"You have confirmed you have read and understood this {noun}.")
    return redirect(page.get_url(request=request))
