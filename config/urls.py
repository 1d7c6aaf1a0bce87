"""URLs. Each app owns its own `urls.py`; Wagtail's admin sits at /admin/."""

from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView
from wagtail.admin import urls as wagtailadmin_urls

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    # Wagtail's own sign-in would skip MFA, so it sends people to ours.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("organisations.urls")),
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
