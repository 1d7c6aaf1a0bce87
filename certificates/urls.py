"""Certificates's pages."""

from __future__ import annotations

from django.urls import path

from certificates.views import credentials, exports, manage, mine, verification

app_name = "certificates"

urlpatterns = [
    path("certificates/", mine.mine, name="mine"),
    path("certificates/<int:pk>/pdf/", mine.download, name="download"),
    path("certificates/verify/", verification.verify, name="verify"),
    path("certificates/verify/<str:code>/", verification.verify_code, name="verify_code"),
    path("certificates/manage/", manage.manage, name="manage"),
    path("certificates/manage/<int:pk>/", manage.manage_detail, name="manage_detail"),
    path("certificates/manage/<int:pk>/revoke/", manage.revoke, name="revoke"),
    path("certificates/manage/<int:pk>/reissue/", manage.reissue, name="reissue"),
    # A coordinator's zip of their staff's certificates for a period.
    path("certificates/staff/", exports.export_home, name="export_home"),
    path("certificates/staff/<slug:slug>/", exports.export_request, name="export_request"),
    path("certificates/staff/<slug:slug>/<int:pk>/", exports.export_detail, name="export_detail"),
    path(
        "certificates/staff/<slug:slug>/<int:pk>/download/",
        exports.export_download,
        name="export_download",
    ),
    # Signed digital credentials (certificates.credentials, docs/credentials.md).
    path(
        "certificates/<int:pk>/credential.jwt",
        credentials.credential_download,
        name="credential_download",
    ),
    path("certificates/issuer/", credentials.issuer, name="credential_issuer"),
    path(".well-known/jwks.json", credentials.jwks, name="credential_jwks"),
]
