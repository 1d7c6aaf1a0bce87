from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("profile/", views.profile, name="profile"),
    path(
        "authenticator/confirm/",
        views.mfa_enrolment_confirm_view,
        name="mfa_enrolment_confirm",
    ),
]
