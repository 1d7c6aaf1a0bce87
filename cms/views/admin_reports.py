"""Wagtail admin reports that cover every organisation's pages, for the partnership team only.

Wagtail shows its "Page types usage" report to anyone who can reach the admin. It counts every
page on the site and names the last one edited of each type, whichever organisation's it is, so
an organisation's web editor would see other organisations' draft titles. `cms.wagtail_hooks`
hides it from their menu; these views, routed before Wagtail's own, refuse the address itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from accounts.roles import roles_for


def _partnership_team_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not (user.is_authenticated and (user.is_superuser or roles_for(user).partnership_team)):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


page_types_usage_view = _partnership_team_only(PageTypesUsageReportView.as_view())
page_types_usage_results_view = _partnership_team_only(
    PageTypesUsageReportView.as_view(results_only=True)
)
