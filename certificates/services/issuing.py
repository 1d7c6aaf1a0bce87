"""Issuing certificates: for one record (when the last condition is met) and in batches (the
sweep that catches any missed, and a big programme's bulk issue).

Idempotent by the database: one current certificate per record
(`one_current_certificate_per_record`). Two workers issuing for the same record at once both
try to insert; PostgreSQL makes the second wait for the first and then refuses it, and the
second returns the first's certificate. A batch inserts with ON CONFLICT DO NOTHING, so a rerun
(or a batch redone after a worker was killed) adds only what is missing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from certificates.models import Certificate
from certificates.selectors.eligibility import (
    current_certificates,
    records_due,
    records_without_certificate,
)
from certificates.services.snapshots import (
    certificate_snapshot,
    issue_time,
    records_for_snapshot,
    signatory_now,
)
from training.models import TrainingRecord

# Records looked at per transaction by the sweep: large enough that the fixed queries of a
# batch are few per certificate (benchmarks/), small enough that a batch commits in a second
# or two and a killed worker loses little.
SWEEP_BATCH_SIZE = 200


def certificate_issue_for_record(*, record_id: int) -> Certificate | None:
    """The record's current certificate, issued now if the rule says it is due and it has
    none; None if it is not due. Safe to call any number of times, from any number of
    workers at once."""
    with transaction.atomic():
        existing = current_certificates().filter(training_record_id=record_id).first()
        if existing is not None:
            return existing
        if Certificate.objects.filter(
            training_record_id=record_id, revoked_at__isnull=False
        ).exists():
            return None  # revoked by the team, on purpose: not issued again
        record = records_for_snapshot().select_related("booking").filter(pk=record_id).first()
        if record is None or not records_due([record]):
            return None
        certificate = certificate_snapshot(
            record=record, signatory=signatory_now(), now=issue_time()
        )
        certificate.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            # Another worker issued it first (or, once in 2**80, the code was taken).
            existing = current_certificates().filter(training_record_id=record_id).first()
            if existing is not None:
                return existing
            raise
        _emails_on_commit([certificate.pk])
    return certificate


def certificate_issue_for_booking(*, booking_id: int) -> Certificate | None:
    """As `certificate_issue_for_record`, for the record a booking gave (if any)."""
    record_id = (
        TrainingRecord.objects.filter(booking_id=booking_id).values_list("pk", flat=True).first()
    )
    if record_id is None:
        return None
    return certificate_issue_for_record(record_id=record_id)


def certificates_issue_for_records(*, record_ids: list[int], email: bool = True) -> list[int]:
    """Issue every certificate due among these records, in one transaction and a fixed number
    of queries, and email each to its holder after the commit (`email=False` for the demo's
    past certificates, which nobody is waiting for). Returns the ids of the certificates issued
    (none for records that already had one)."""
    with transaction.atomic():
        records = list(
            records_for_snapshot()
            .filter(pk__in=record_ids)
            .exclude(Exists(Certificate.objects.filter(training_record=OuterRef("pk"))))
        )
        due = records_due(records)
        if not due:
            return []
        signatory, now = signatory_now(), issue_time()
        certificates = [
            certificate_snapshot(record=record, signatory=signatory, now=now) for record in due
        ]
        Certificate.objects.bulk_create(certificates, ignore_conflicts=True)
        # Only the rows that went in carry the codes just made.
        issued = list(Certificate.objects.filter(code__in=[c.code for c in certificates]))
        Certificate.history.bulk_history_create(issued)
        ids = [certificate.pk for certificate in issued]
        if email:
            _emails_on_commit(ids)
    return ids


def certificates_issue_due(*, batch_size: int = SWEEP_BATCH_SIZE, email: bool = True) -> int:
    """Issue every certificate that is due and missing, batch by batch, each batch its own
    transaction. Safe to rerun or to run after a batch was cut short. Returns how many."""
    issued = 0
    after = 0
    while True:
        ids = list(
            records_without_certificate()
            .filter(pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return issued
        after = ids[-1]
        issued += len(certificates_issue_for_records(record_ids=ids, email=email))


def _emails_on_commit(certificate_ids: list[int]) -> None:
    """Mark the emails owed, in the issuing transaction, and queue them after it commits. A
    task lost between the two (a worker killed) leaves them owed, for the sweep to send."""
    from certificates.tasks.emails import certificate_emails_send_task

    if certificate_ids:
        Certificate.objects.filter(pk__in=certificate_ids).update(email_pending=True)
        transaction.on_commit(lambda: certificate_emails_send_task.delay(certificate_ids))
