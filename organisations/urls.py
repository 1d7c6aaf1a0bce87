from django.urls import path

from organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_index, name="index"),
    path("<slug:slug>/people/", views.people_list, name="people"),
    path("<slug:slug>/people/invite/", views.invite, name="invite"),
    path("<slug:slug>/people/<int:pk>/", views.person_detail, name="person"),
    path("<slug:slug>/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<slug:slug>/people/<int:pk>/end/", views.person_end, name="person_end"),
    path("<slug:slug>/invitations/", views.invitation_list, name="invitations"),
    path(
        "<slug:slug>/invitations/<int:pk>/send-again/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:slug>/import/", views.import_upload, name="import_upload"),
    path("<slug:slug>/import/template.csv", views.import_template, name="import_template"),
    path("<slug:slug>/import/<int:pk>/", views.import_preview, name="import_preview"),
]
