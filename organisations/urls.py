from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_index, name="index"),
    path("<slug:slug>/people/", views.people_list, name="people"),
]
