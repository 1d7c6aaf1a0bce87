"""Evidence pages. Paths are the ones these pages had before the app had its own."""

from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    # Evidence of training elsewhere
    path("my-training/evidence/new/", views.evidence_new, name="new"),
    path("evidence/", views.evidence_review, name="review"),
    path("evidence/<int:pk>/", views.evidence_detail, name="detail"),
    path("evidence/<int:pk>/verify/", views.evidence_verify, name="verify"),
    path("evidence/<int:pk>/reject/", views.evidence_reject, name="reject"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="file"),
]
