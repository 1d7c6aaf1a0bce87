"""Compliance pages. Paths are the ones these pages had before the app had its own."""

from django.urls import path

from compliance.views import governors, my_training, tables

app_name = "compliance"

urlpatterns = [
    path("my-training/", my_training.my_training, name="my_training"),
    # Compliance
    path("compliance/", tables.compliance_home, name="home"),
    path("team-compliance/", tables.team_compliance, name="team"),
    path("partnership-compliance/", tables.partnership_compliance, name="partnership"),
    path(
        "partnership-compliance/export/",
        tables.partnership_compliance_export,
        name="partnership_export",
    ),
    path(
        "compliance/<slug:slug>/",
        tables.organisation_compliance,
        name="organisation",
    ),
    path(
        "compliance/<slug:slug>/export/",
        tables.organisation_compliance_export,
        name="organisation_export",
    ),
    # Governors
    path("governors/", governors.boards, name="boards"),
    path("governors/take-up/", governors.take_up, name="take_up"),
    path("governors/take-up/export/", governors.take_up_export, name="take_up_export"),
    path(
        "governors/declaration/<int:membership_pk>/",
        governors.declaration,
        name="declaration",
    ),
    path("governors/<slug:slug>/", governors.board, name="board"),
]
