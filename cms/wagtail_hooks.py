"""Wagtail admin adjustments for the published pages.

Which pages a person may edit, add under or publish comes from their groups
(`cms.services.editors`), and Wagtail already hides what those rights do not allow: an
organisation's web editor sees only their organisation's pages, and no Publish button. These
hooks close the gaps that are left:

- an organisation's page is deleted only by the partnership team (an editor could otherwise
  delete the draft made for a new organisation, leaving the organisation without a page);
- the "Page types usage" report, which counts every page on the site and names the last one
  edited of each type, whoever's it is, is shown only to the partnership team (and its address
  refuses everyone else: `cms.views.admin_reports`);
- the page chooser (behind internal links and page fields) offers only pages the person may edit
  and published pages, never another organisation's drafts (`cms.selectors.page_chooser`; the
  chooser opened at such a draft is refused by `cms.views.page_chooser`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin import messages
from wagtail.models import Page
from wagtail.query import PageQuerySet

from accounts.roles import roles_for
from cms.models.pages import OrganisationPage
from cms.selectors.page_chooser import pages_choosable_by
from organisations.permissions import can_manage_organisations

# Reports about every page on the site rather than the pages the person may edit.
SITE_WIDE_REPORTS = frozenset({"page-types-usage"})

ORGANISATION_PAGE_DELETE_REFUSED = (
    "Only the partnership team can delete an organisation's page. "
    "Contact them if the organisation has left the partnership."
)


def _may_delete_organisation_pages(user: Any) -> bool:
    return bool(user.is_superuser or can_manage_organisations(user))


def _is_organisation_page(obj: Any) -> bool:
    # `specific_class` comes from the content type, so a plain `Page` needs no extra query.
    return isinstance(obj, Page) and obj.specific_class is OrganisationPage


@hooks.register("construct_reports_menu")
def hide_site_wide_reports(request: HttpRequest, menu_items: list[Any]) -> None:
    """Web editors see the reports about their own pages only."""
    user: Any = request.user
    if user.is_superuser or roles_for(user).partnership_team:
        return
    menu_items[:] = [item for item in menu_items if item.name not in SITE_WIDE_REPORTS]


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser(pages: PageQuerySet[Page], request: HttpRequest) -> PageQuerySet[Page]:
    """Editors choose from their own pages and published ones, in browsing and in search."""
    return pages_choosable_by(user=request.user, pages=pages)


@hooks.register("before_delete_page")
def keep_organisation_pages(request: HttpRequest, page: Any) -> HttpResponse | None:
    """An organisation's page goes only when the partnership team decides it should."""
    if _is_organisation_page(page) and not _may_delete_organisation_pages(request.user):
        messages.error(request, ORGANISATION_PAGE_DELETE_REFUSED)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_bulk_action")
def keep_organisation_pages_in_bulk(
    request: HttpRequest, action_type: str, objects: list[Any], action_class_instance: Any
) -> HttpResponse | None:
    """The same rule when pages are deleted several at a time from a listing."""
    if action_type != "delete" or _may_delete_organisation_pages(request.user):
        return None
    if any(_is_organisation_page(obj) for obj in objects):
        messages.error(request, ORGANISATION_PAGE_DELETE_REFUSED)
        return redirect("wagtailadmin_explore_root")
    return None
