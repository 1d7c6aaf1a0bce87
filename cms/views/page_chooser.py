"""Wagtail's page chooser opened at a given page, refused when that page is not one to offer.

The `construct_page_chooser_queryset` hook (cms.wagtail_hooks) narrows the pages the chooser
lists, but not the page it is opened at, whose title heads the list: asked for another
organisation's draft by its number, it would show that title. This view, routed before
Wagtail's own, answers "not found" instead.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import BrowseView
from wagtail.models import Page

from cms.selectors.page_chooser import pages_choosable_by

_wagtail_browse = BrowseView.as_view()


def _browse_child(request: HttpRequest, parent_page_id: int) -> HttpResponse:
    parent = Page.objects.filter(pk=parent_page_id)
    if not pages_choosable_by(user=request.user, pages=parent).exists():
        raise Http404
    return _wagtail_browse(request, parent_page_id=parent_page_id)


# The same guards Wagtail puts on every admin address: signed in with admin access, never cached.
page_chooser_browse_child_view = never_cache(require_admin_access(_browse_child))
