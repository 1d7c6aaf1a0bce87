"""Importing historic completions: storing an upload for its preview, and applying it, all or
nothing, exactly once (docs/imports.md, "Historic training records").

The rows are read and checked by `training.record_imports`; these services keep the result on
a `RecordImportBatch` and, when every row is good, turn the rows into training records in one
transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from pathlib import PurePath

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organisations.enums import ImportStatus
from organisations.models import Organisation
from training.enums import RecordSource
from training.models import RecordImportBatch, TrainingRecord
from training.record_imports.parsing import ROW_NUMBER, FileProblem, upload_parse
from training.record_imports.validation import RowPlan, ValidationResult, rows_validate

logger = logging.getLogger(__name__)

# Uploaded files hold people's names, addresses and training. Once imported (or abandoned) they
# are only needed while someone might ask what a file contained, as for the people import.
KEEP_UPLOADS_DAYS = 90

# Foreign keys are left out of full_clean: each would cost a query per row, and every id came
# from a query in this same transaction.
RECORD_FKS = ["user", "membership", "course", "booking", "created_by", "import_batch"]


class ApplyOutcome(StrEnum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    HAS_PROBLEMS = "has_problems"


def record_import_create(
    *,
    organisation: Organisation,
    uploaded_by: User,
    content: bytes,
    filename: str,
) -> tuple[RecordImportBatch, list[str]]:
    """Read and check an upload, keeping the file and its rows for the preview.

    Returns the batch and the headers that were ignored (columns we do not use), for a note.
    Raises ValidationError when the file as a whole cannot be used (wrong type, no rows, too
    many rows, missing columns); nothing is kept then. Problems with rows do not raise: they
    are stored on the batch, every one, for the preview.
    """
    try:
        parsed = upload_parse(content=content, filename=filename)
    except FileProblem as problem:
        raise ValidationError(problem.message) from problem
    result = rows_validate(organisation=organisation, importer=uploaded_by, rows=parsed.rows)
    batch = RecordImportBatch(
        organisation=organisation,
        uploaded_by=uploaded_by,
        original_filename=PurePath(filename).name[-255:],
        rows=_rows_with_outcomes(parsed.rows, result),
        problems=result.problems,
        row_count=len(parsed.rows),
        record_count=len(result.plans),
    )
    batch.full_clean(exclude=["file"])
    batch.file.save(filename, ContentFile(content), save=False)
    batch.save()
    logger.info(
        "record import uploaded",
        extra={
            "record_import_batch_id": batch.pk,
            "organisation_id": organisation.pk,
            "rows": batch.row_count,
            "problems": len(batch.problems),
        },
    )
    return batch, parsed.ignored_headers


def record_import_apply(*, batch: RecordImportBatch, applied_by: User) -> ApplyOutcome:
    """Check the rows again and, if every one is still good, create every record at once.

    The rows are checked again as `applied_by` sees them now: people may have left, or had the
    same training recorded, since the preview. The batch row is locked, so two confirmations at
    once (a double click, two tabs) apply it once; the organisation row is locked too (without
    blocking rows that refer to it), so two files with the same rows confirmed at once cannot
    both add them.
    """
    with transaction.atomic():
        batch = (
            RecordImportBatch.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=batch.pk)
        )
        if batch.is_applied:
            return ApplyOutcome.ALREADY_APPLIED
        # FOR NO KEY UPDATE: other record imports here wait, rows referring to the
        # organisation (bookings, memberships) do not.
        list(
            Organisation.objects.select_for_update(no_key=True)
            .filter(pk=batch.organisation_id)
            .values_list("pk", flat=True)
        )
        result = rows_validate(
            organisation=batch.organisation, importer=applied_by, rows=batch.rows
        )
        batch.rows = _rows_with_outcomes(batch.rows, result)
        if not result.ok:
            batch.problems = result.problems
            batch.record_count = len(result.plans)
            batch.save(update_fields=["rows", "problems", "record_count"])
            return ApplyOutcome.HAS_PROBLEMS
        records = _records_create(batch=batch, plans=result.plans, applied_by=applied_by)
        batch.status = ImportStatus.APPLIED
        batch.applied_at = timezone.now()
        batch.applied_by = applied_by
        batch.problems = []
        batch.record_count = len(records)
        batch.full_clean(exclude=["file"])
        batch.save()
    logger.info(
        "record import applied",
        extra={
            "record_import_batch_id": batch.pk,
            "applied_by": applied_by.pk,
            "records": batch.record_count,
        },
    )
    return ApplyOutcome.APPLIED


def record_import_batches_delete_expired(*, older_than_days: int = KEEP_UPLOADS_DAYS) -> int:
    """Delete uploads older than the retention period, with their stored files. The records
    an applied file created stay (their `import_batch` becomes empty)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    expired = list(RecordImportBatch.objects.filter(created_at__lt=cutoff))
    for batch in expired:
        batch.file.delete(save=False)
        batch.delete()
    if expired:
        logger.info("record imports deleted", extra={"count": len(expired)})
    return len(expired)


def _rows_with_outcomes(
    rows: Sequence[dict[str, object]], result: ValidationResult
) -> list[dict[str, object]]:
    """The rows, each with the name of the person it was matched to and what confirming would
    do to it ("add", or "" for a row with a problem)."""
    outcomes = result.outcomes()
    marked = []
    for row in rows:
        number = row[ROW_NUMBER]
        assert isinstance(number, int)
        marked.append(
            {
                **row,
                "person": result.people.get(number, ""),
                "outcome": outcomes.get(number, ""),
            }
        )
    return marked


def _records_create(
    *, batch: RecordImportBatch, plans: list[RowPlan], applied_by: User
) -> list[TrainingRecord]:
    """Insert the records, their standards and their history, set-based: one query for each
    (Django splits an insert only where the database limits a query's parameters, as SQLite
    does at 999)."""
    records = [
        TrainingRecord(
            user_id=plan.user_id,
            membership_id=plan.membership_id,
            title=plan.title,
            cpd_hours=plan.cpd_hours,
            completed_on=plan.completed_on,
            expires_on=plan.expires_on,
            source=RecordSource.IMPORT,
            created_by=applied_by,
            import_batch=batch,
        )
        for plan in plans
    ]
    for record in records:
        record.full_clean(exclude=RECORD_FKS, validate_unique=False, validate_constraints=False)
    TrainingRecord.objects.bulk_create(records)

    through = TrainingRecord.standards.through
    links = through.objects.bulk_create(
        [
            through(trainingrecord_id=record.pk, trainingstandard_id=standard_id)
            for record, plan in zip(records, plans, strict=True)
            for standard_id in plan.standard_ids
        ],
    )

    # One history entry a record, as if each had been saved with its standards: who imported
    # it and from which file.
    reason = f"Imported from {batch.original_filename}"
    history = TrainingRecord.history.bulk_history_create(
        records,
        default_user=applied_by,
        default_change_reason=reason[:100],
    )
    history_of = {entry.id: entry for entry in history or ()}
    if not history_of:  # history switched off (SIMPLE_HISTORY_ENABLED)
        return records
    history_links = apps.get_model("training", "HistoricalTrainingRecord_standards")
    history_links.objects.bulk_create(
        [
            history_links(
                history=history_of[link.trainingrecord_id],
                id=link.pk,
                trainingrecord_id=link.trainingrecord_id,
                trainingstandard_id=link.trainingstandard_id,
            )
            for link in links
        ],
    )
    return records
