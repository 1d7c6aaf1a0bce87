"""Factories for evidence of training done elsewhere, and the PDFs it carries."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import factory
from django.utils import timezone
from pypdf import PdfWriter

from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from tests.training.factories import TrainingStandardFactory


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages, as the evidence check needs (evidence.uploads)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# One certificate's bytes, for tests that upload or store evidence.
PDF_BYTES = pdf_bytes()


class ExternalEvidenceFactory(factory.django.DjangoModelFactory):
    """Evidence waiting for verification, with a small PDF attached."""

    class Meta:
        model = ExternalEvidence

    membership = factory.SubFactory("tests.organisations.factories.MembershipFactory")
    user = factory.LazyAttribute(lambda o: o.membership.user)
    title = "Safeguarding children level 2 e-learning"
    provider = "Previous employer's learning platform"
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    cpd_hours = Decimal("3")
    standard = factory.SubFactory(TrainingStandardFactory)
    file = factory.django.FileField(filename="certificate.pdf", data=PDF_BYTES)
    original_filename = "certificate.pdf"
    status = EvidenceStatus.PENDING
