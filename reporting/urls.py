"""The reports pages, under /reports/."""

from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:key>.<str:fmt>", views.export, name="export"),
]
