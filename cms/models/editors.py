"""Each organisation's web editors: a Wagtail group that may edit only its pages."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from wagtail.models import Collection


class OrganisationEditors(models.Model):
    """The group and the image and document collection that belong to one organisation.

    Made when the organisation is created (`cms.services.editors`). People join the group while
    they hold a current membership flagged as web editor, and leave it when they no longer do.
    """

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="editors"
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="+")
    collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "organisation editors"

    def __str__(self) -> str:
        return f"Web editors of {self.organisation}"
