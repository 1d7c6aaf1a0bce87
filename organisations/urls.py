from django.urls import path

from organisations.views import imports, invitations, people

app_name = "organisations"

urlpatterns = [
    path("", people.organisation_index, name="index"),
    path("<slug:slug>/people/", people.people_list, name="people"),
    path("<slug:slug>/people/invite/", invitations.invite, name="invite"),
    path("<slug:slug>/people/<int:pk>/", people.person_detail, name="person"),
    path("<slug:slug>/people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("<slug:slug>/people/<int:pk>/end/", people.person_end, name="person_end"),
    path("<slug:slug>/invitations/", invitations.invitation_list, name="invitations"),
    path(
        "<slug:slug>/invitations/<int:pk>/send-again/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<slug:slug>/invitations/<int:pk>/withdraw/",
        invitations.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("<slug:slug>/import/", imports.import_upload, name="import_upload"),
    path("<slug:slug>/import/template.csv", imports.import_template, name="import_template"),
    path("<slug:slug>/import/<int:pk>/", imports.import_preview, name="import_preview"),
]
