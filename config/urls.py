"""URLs. Each app owns its own `urls.py`; Wagtail's admin sits at /admin/."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.urls import include, path, re_path
from django.views.generic import RedirectView, TemplateView
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.views import admin_reports, page_chooser

urlpatterns = [
    # The home page is a Wagtail page (cms.HomePage); named so templates can link to it.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
    # Wagtail's own sign-in would skip MFA and rate limits, so it sends people to ours, for
    # every method: a POST with a password signs nobody in. The same for its password reset.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # The same for the sign-in Wagtail sends people to from private pages and documents.
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    re_path(
        r"^admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=False),
    ),
    # Wagtail's site-wide page report, limited to the partnership team (cms.views.admin_reports).
    path("admin/reports/page-types-usage/", admin_reports.page_types_usage_view),
    path("admin/reports/page-types-usage/results/", admin_reports.page_types_usage_results_view),
    # Wagtail's page chooser opened at a page the person may not see (cms.views.page_chooser).
    path(
        "admin/choose-page/<int:parent_page_id>/",
        page_chooser.page_chooser_browse_child_view,
    ),
    path("admin/", include(wagtailadmin_urls)),
    # Documents editors upload, served through Wagtail's view so a collection's privacy
    # setting holds; PDFs open in the browser, anything else downloads (docs/cms.md).
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("organisations.urls")),
    path("", include("training.urls")),
    path("", include("compliance.urls")),
    path("", include("evidence.urls")),
    path("", include("evaluations.urls")),
    path("", include("certificates.urls")),
    path("shadowing/", include("shadowing.urls")),
    path("reports/", include("reporting.urls")),
    path("", include("cms.urls")),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="pages/cookies.html"), name="cookies"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Last: every other path is a Wagtail page (partners, guides, procedures), or a 404.
urlpatterns += [path("", include(wagtail_urls))]


def handler500(request: HttpRequest) -> HttpResponse:
    """The error page, rendered without the request: whatever broke may be in its context."""
    context = {"PARTNERSHIP_NAME": settings.PARTNERSHIP_NAME}
    return HttpResponseServerError(render_to_string("500.html", context))
