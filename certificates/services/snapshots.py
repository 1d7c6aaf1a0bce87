"""What a certificate says, copied from its sources at the moment it is issued."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from certificates.codes import code_generate
from certificates.models import Certificate, CertificateSignatory
from training.models import TrainingRecord


def records_for_snapshot() -> QuerySet[TrainingRecord]:
    """Records with everything a snapshot reads, in a fixed number of queries."""
    return TrainingRecord.objects.select_related(
        "user", "course", "booking__session"
    ).prefetch_related("standards", "booking__session__parts")


def certificate_snapshot(
    *,
    record: TrainingRecord,
    signatory: CertificateSignatory,
    now: datetime,
) -> Certificate:
    """An unsaved certificate for `record`: the person's name, the course, its days, hours and
    standards, the partnership and its signatory, as they are now."""
    days = _course_days(record)
    standards = sorted(standard.name for standard in record.standards.all())
    return Certificate(
        code=code_generate(),
        training_record=record,
        holder=record.user,
        holder_name=record.user.get_full_name() or record.user.email,
        course_title=record.title,
        session_dates=dates_text(days) if days else _long_date(record.completed_on),
        starts_on=days[0] if days else record.completed_on,
        completed_on=record.completed_on,
        cpd_hours=record.cpd_hours,
        standards_met="; ".join(standards),
        issuer=settings.PARTNERSHIP_NAME,
        signatory_name=signatory.name,
        signatory_role=signatory.role,
        signature_image_id=signatory.signature_id,
        issued_at=now,
        expires_on=record.expires_on,
    )


def signatory_now() -> CertificateSignatory:
    return CertificateSignatory.load()


def issue_time() -> datetime:
    return timezone.now()


def dates_text(days: list[date]) -> str:
    """The course's days as printed: "3 March 2026", "3 and 10 March 2026",
    "3, 10 and 17 March 2026", or with each month and year when they differ."""
    if len(days) == 1:
        return _long_date(days[0])
    same_month = all((d.year, d.month) == (days[-1].year, days[-1].month) for d in days)
    if same_month:
        parts = [str(d.day) for d in days[:-1]]
        return f"{', '.join(parts)} and {_long_date(days[-1])}"
    parts = [_long_date(d) for d in days[:-1]]
    return f"{', '.join(parts)} and {_long_date(days[-1])}"


def _course_days(record: TrainingRecord) -> list[date]:
    if record.booking is None:
        return []
    session = record.booking.session
    return sorted({timezone.localdate(part.starts_at) for part in session.parts.all()})


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
