"""Revoking and reissuing certificates. Each change is kept in the certificate's history, with
who made it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from certificates.models import (
    ATTENDANCE_CORRECTED_REASON,
    RECORD_REMOVED_REASON,
    Certificate,
)
from certificates.selectors.eligibility import current_certificates
from certificates.services.snapshots import (
    certificate_snapshot,
    issue_time,
    records_for_snapshot,
    signatory_now,
)
from training.enums import RecordSource

if TYPE_CHECKING:
    from accounts.models import User
    from training.models import TrainingRecord

# Longest reason kept (the field's length).
REASON_MAX_LENGTH = 500


def certificate_revoke(
    *, certificate: Certificate, reason: str, revoked_by: User | None
) -> Certificate:
    """Withdraw a current certificate. The reason is kept (and in the history) but never shown
    on the public verification page."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Enter why the certificate is being revoked.", code="no_reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            f"The reason must be {REASON_MAX_LENGTH} characters or fewer.", code="reason_too_long"
        )
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not certificate.is_current:
            raise ValidationError(
                "This certificate has already been revoked or replaced.", code="not_current"
            )
        certificate.revoked_at = issue_time()
        certificate.revoked_reason = reason
        certificate.revoked_by = revoked_by
        certificate._history_user = revoked_by  # type: ignore[attr-defined]
        certificate._change_reason = reason  # type: ignore[attr-defined]
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate


def certificate_reissue(*, certificate: Certificate, reissued_by: User) -> Certificate:
    """Replace a certificate with a new one, with a new code and a new snapshot (the person's
    name as it is now, say, after it changed). A current one is superseded: its verification
    page says so, from today. A revoked one stays revoked, and the new one is the record's
    current certificate: how the team undoes a revocation made in error (the sweep never
    issues a revoked record's certificate again on its own)."""
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.superseded_at is not None:
            raise ValidationError(
                "This certificate has been replaced already: reissue the newer one.",
                code="not_current",
            )
        if (
            old.revoked_at is not None
            and current_certificates().filter(training_record_id=old.training_record_id).exists()
        ):
            raise ValidationError(
                "This training record has a current certificate already.", code="not_current"
            )
        record = (
            records_for_snapshot().filter(pk=old.training_record_id).first()
            if old.training_record_id is not None
            else None
        )
        if record is None:
            raise ValidationError(
                "This certificate's training record has been removed, so it cannot be reissued.",
                code="no_record",
            )
        now = issue_time()
        if old.revoked_at is None:
            old.superseded_at = now
            old._history_user = reissued_by  # type: ignore[attr-defined]
            old._change_reason = "Reissued"  # type: ignore[attr-defined]
            old.save(update_fields=["superseded_at"])
        new = certificate_snapshot(record=record, signatory=signatory_now(), now=now)
        new.issued_by = reissued_by
        new._history_user = reissued_by  # type: ignore[attr-defined]
        new.full_clean(validate_unique=False, validate_constraints=False)
        new.save()
        if old.revoked_at is None:
            old.superseded_by = new
            old.save(update_fields=["superseded_by"])
        from certificates.services.issuing import _emails_on_commit

        _emails_on_commit([new.pk])
    return new


def certificates_revoke_for_record(*, record: TrainingRecord, removed_by: User | None) -> int:
    """When a training record is removed (its attendance corrected), revoke its current
    certificate. Runs in the transaction that removes the record."""
    reason = (
        ATTENDANCE_CORRECTED_REASON
        if record.source == RecordSource.ATTENDANCE
        else RECORD_REMOVED_REASON
    )
    revoked = 0
    for certificate in current_certificates().filter(training_record=record):
        certificate_revoke(certificate=certificate, reason=reason, revoked_by=removed_by)
        revoked += 1
    return revoked
