"""A coordinator's zip of their staff's certificates for a period: asked for here, made by a
Celery task (each certificate's PDF in turn, the progress saved as it goes), and deleted after a
few days (`CertificateExport.expires_at`)."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from certificates.models import Certificate, CertificateExport, ExportStatus
from certificates.pdf import certificate_pdf
from certificates.selectors.exports import certificates_for_export

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Organisation

logger = logging.getLogger(__name__)

# The longest period one zip covers: three years, a full cycle of most training.
MAX_PERIOD_YEARS = 3
# Progress is saved after this many certificates (one small UPDATE each time).
PROGRESS_EVERY = 5


def export_period_check(*, period_from: date, period_to: date) -> None:
    """Raise a ValidationError, by field, for a period that ends before it starts or is longer
    than `MAX_PERIOD_YEARS`."""
    if period_to < period_from:
        raise ValidationError(
            {"period_to": "The end of the period must be the same as or after its start."},
            code="period_reversed",
        )
    if period_to > _years_after(period_from, MAX_PERIOD_YEARS):
        raise ValidationError(
            {
                "period_to": f"The period can be {MAX_PERIOD_YEARS} years at most. "
                "Ask for a shorter period, or one zip for each part."
            },
            code="period_too_long",
        )


def certificate_export_request(
    *, requested_by: User, organisation: Organisation, period_from: date, period_to: date
) -> CertificateExport:
    """Ask for the zip and queue the task that makes it, once this is committed. Raises a
    ValidationError (and queues nothing) for a bad period or one with no certificates. The
    caller checks that `requested_by` may ask for this organisation's."""
    export_period_check(period_from=period_from, period_to=period_to)
    count = certificates_for_export(
        organisation=organisation, period_from=period_from, period_to=period_to
    ).count()
    if not count:
        raise ValidationError(
            f"Nobody at {organisation.name} has a certificate for a course completed between "
            f"{_long_date(period_from)} and {_long_date(period_to)}.",
            code="no_certificates",
        )
    with transaction.atomic():
        export = CertificateExport(
            organisation=organisation,
            requested_by=requested_by,
            period_from=period_from,
            period_to=period_to,
            total=count,
        )
        export.full_clean(exclude=["file"])
        export.save()
        _build_on_commit(export.pk)
    logger.info(
        "certificate export requested",
        extra={"certificate_export_id": export.pk, "certificates": count},
    )
    return export


def certificate_export_build(*, export_id: int) -> CertificateExport | None:
    """Make the zip: every certificate the export covers (as they are now), one PDF each,
    saving progress as it goes. Safe to run again (a worker killed part way): it starts
    over, and a zip already made is left as it is."""
    export = CertificateExport.objects.select_related("organisation").filter(pk=export_id).first()
    if export is None or export.status == ExportStatus.READY:
        return export
    certificates = list(
        certificates_for_export(
            organisation=export.organisation,
            period_from=export.period_from,
            period_to=export.period_to,
        )
    )
    total = len(certificates)
    CertificateExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, total=total, done=0
    )
    try:
        with tempfile.TemporaryFile() as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for done, certificate in enumerate(certificates, start=1):
                    archive.writestr(export_entry_name(certificate), certificate_pdf(certificate))
                    if done % PROGRESS_EVERY == 0 and done < total:
                        CertificateExport.objects.filter(pk=export.pk).update(done=done)
            handle.seek(0)
            if export.file:
                export.file.delete(save=False)  # a half-saved zip from a run cut short
            export.file.save("certificates.zip", File(handle), save=False)
    except Exception:
        CertificateExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        logger.exception("certificate export failed", extra={"certificate_export_id": export.pk})
        raise
    export.status = ExportStatus.READY
    export.total = export.done = total
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "total", "done", "finished_at"])
    logger.info(
        "certificate export made", extra={"certificate_export_id": export.pk, "certificates": total}
    )
    return export


def certificate_exports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the zips past their keeping date, with their files. Returns how many."""
    now = now or timezone.now()
    expired = list(CertificateExport.objects.filter(expires_at__lte=now))
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        export.delete()
    if expired:
        logger.info("certificate exports deleted", extra={"count": len(expired)})
    return len(expired)


def export_entry_name(certificate: Certificate) -> str:
    """The PDF's name in the zip: holder, course and code (which makes it unique). Names
    outside ASCII are kept (zip stores them as UTF-8)."""
    holder = slugify(certificate.holder_name, allow_unicode=True)[:60] or "certificate"
    course = slugify(certificate.course_title)[:60] or "course"
    return f"{holder}-{course}-{certificate.code}.pdf"


def export_download_filename(export: CertificateExport) -> str:
    return (
        f"certificates-{export.organisation.slug}-"
        f"{export.period_from:%Y-%m-%d}-to-{export.period_to:%Y-%m-%d}.zip"
    )


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year + years, day=28)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _build_on_commit(export_id: int) -> None:
    from certificates.tasks.exports import certificate_export_build_task

    transaction.on_commit(lambda: certificate_export_build_task.delay(export_id))
