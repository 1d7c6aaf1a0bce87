"""Certificates' section of My training (compliance.my_training_sections): the person's
current certificates, to download as a PDF or a digital credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from certificates.selectors.certificates import certificates_of
from compliance.my_training_sections import MyTrainingSection

if TYPE_CHECKING:
    from accounts.models import User


def my_training_section(user: User) -> MyTrainingSection | None:
    current = [c for c in certificates_of(user) if c.is_current]
    return MyTrainingSection(
        order=20,
        template="certificates/_my_training.html",
        context={"current": current, "today": timezone.localdate()},
    )
