"""Evaluations' answering pages."""

from __future__ import annotations

from django.urls import path

from evaluations.views import answering

app_name = "evaluations_answering"

urlpatterns = [
    path("evaluations/", answering.mine, name="mine"),
    path("evaluations/<int:pk>/", answering.answer, name="answer"),
    path("evaluations/<int:pk>/manager/", answering.manager, name="manager"),
]
