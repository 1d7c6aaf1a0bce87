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
from functools import partial
from pathlib import PurePath

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organisations.enums import ImportStatus
from organisations.imports.checking import (
    OVERDUE,
    TOO_SLOW,
    check_is_overdue,
    check_queue,
    checks_in_background,
)
from organisations.models import Organisation
from organisations.spreadsheets import spreadsheet_unpacked_size
from training.enums import RecordSource
from training.models import RecordImportBatch, TrainingRecord
from training.record_imports.parsing import (
    MAX_FILE_BYTES,
    ROW_NUMBER,
    FileProblem,
    ParsedFile,
    upload_parse,
)
from training.record_imports.validation import RowPlan, ValidationResult, rows_validate

logger = logging.getLogger(__name__)

# Uploaded files hold people's names, addresses and training. Once imported (or abandoned) they
# are only needed while someone might ask what a file contained, as for the people import.
KEEP_UPLOADS_DAYS = 90

# Foreign keys are left out of full_clean: each would cost a query per row, and every id came
# from a query in this same transaction.
RECORD_FKS = [
    "user",
    "membership",
    "course",
    "booking",
    "created_by",
    "import_batch",
    "attributed_to",
]


class ApplyOutcome(StrEnum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    HAS_PROBLEMS = "has_problems"
    NOT_READY = "not_ready"  # still being checked, or refused


def record_import_create(
    *,
    organisation: Organisation,
    uploaded_by: User,
    content: bytes,
    filename: str,
) -> RecordImportBatch:
    """Read and check an upload, keeping the file and its rows for the preview.

    Raises ValidationError when the file as a whole cannot be used (wrong type, too big, no
    rows, too many rows, a cell too long, missing columns); nothing is kept then. Problems with
    rows do not raise: they are stored on the batch, every one, for the preview, and the
    columns we do not use are noted on it.

    A large file (organisations.imports.checking) is only checked for its type and size here:
    the batch is kept "checking" and `record_import_check` reads it in a task, after the commit.
    """
    batch = RecordImportBatch(
        organisation=organisation,
        uploaded_by=uploaded_by,
        original_filename=PurePath(filename).name[-255:],
        status=ImportStatus.CHECKING,
    )
    try:
        unpacked = spreadsheet_unpacked_size(content=content, filename=filename, unit="rows")
        if not checks_in_background(unpacked_bytes=unpacked):
            _batch_fill(batch, upload_parse(content=content, filename=filename))
    except FileProblem as problem:
        raise ValidationError(problem.message) from problem
    batch.full_clean(exclude=["file"])
    with transaction.atomic():
        batch.file.save(filename, ContentFile(content), save=False)
        batch.save()
        if batch.is_checking:
            transaction.on_commit(partial(_check_queue, batch.pk))
    logger.info(
        "record import uploaded",
        extra={
            "record_import_batch_id": batch.pk,
            "organisation_id": organisation.pk,
            "checking": batch.is_checking,
            "rows": batch.row_count,
            "problems": len(batch.problems),
        },
    )
    return batch


def record_import_check(*, batch_id: int) -> None:
    """Read and check a large upload kept "checking", for its preview (a task's work).

    The rows are checked as the person who uploaded the file sees them. A file that cannot be
    used leaves the batch "failed", with the reason, no rows and no stored file, as if nothing
    had been kept. A batch no longer checking is left alone, so a task that runs twice reads
    the file once."""
    batch = (
        RecordImportBatch.objects.select_related("organisation", "uploaded_by")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or not batch.is_checking:
        return
    if batch.uploaded_by is None or check_is_overdue(uploaded_at=batch.created_at):
        _batch_fail(batch_id, OVERDUE)
        return
    with batch.file.open("rb") as stored:
        content = stored.read(MAX_FILE_BYTES + 1)
    try:
        _batch_fill(batch, upload_parse(content=content, filename=batch.original_filename))
    except FileProblem as problem:
        _batch_fail(batch_id, problem.message)
        return
    batch.full_clean(exclude=["file"])
    with transaction.atomic():
        if not RecordImportBatch.objects.select_for_update().get(pk=batch_id).is_checking:
            return  # given up while the file was read
        batch.save(update_fields=[*FILLED_FIELDS, "status"])
    logger.info(
        "record import checked",
        extra={
            "record_import_batch_id": batch.pk,
            "rows": batch.row_count,
            "problems": len(batch.problems),
        },
    )


def record_import_check_too_slow(*, batch_id: int) -> None:
    """The task checking this batch hit its time limit: refuse the file, saying so."""
    _batch_fail(batch_id, TOO_SLOW)


def record_import_overdue_fail(*, batch: RecordImportBatch) -> bool:
    """Give up a batch whose check can no longer be finishing (its worker was killed or lost),
    so the person waiting sees why. Returns whether it was given up."""
    if not batch.is_checking or not check_is_overdue(uploaded_at=batch.created_at):
        return False
    return _batch_fail(batch.pk, OVERDUE)


# What reading and checking a file sets on its batch.
FILLED_FIELDS = ["rows", "problems", "notes", "row_count", "record_count"]


def _batch_fill(batch: RecordImportBatch, parsed: ParsedFile) -> None:
    """Check the rows read from the file, as the uploader sees them, and keep them."""
    assert batch.uploaded_by is not None
    result = rows_validate(
        organisation=batch.organisation, importer=batch.uploaded_by, rows=parsed.rows
    )
    batch.rows = _rows_with_outcomes(parsed.rows, result)
    batch.problems = result.problems
    batch.notes = [
        {"row": None, "message": f"The column “{header}” is not one we use, so it was ignored."}
        for header in parsed.ignored_headers
    ]
    batch.row_count = len(parsed.rows)
    batch.record_count = len(result.plans)
    batch.status = ImportStatus.UPLOADED


def _batch_fail(batch_id: int, message: str) -> bool:
    """Refuse a batch still checking: the reason (`{filename}` filled in) becomes its only
    problem, and its rows and stored file go. Returns whether it was still checking."""
    with transaction.atomic():
        batch = RecordImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or not batch.is_checking:
            return False
        stored = batch.file.name
        batch.status = ImportStatus.FAILED
        batch.problems = [
            {"row": None, "message": message.replace("{filename}", batch.original_filename)}
        ]
        batch.rows, batch.notes = [], []
        batch.row_count = batch.record_count = 0
        batch.file.name = ""
        batch.save(update_fields=[*FILLED_FIELDS, "status", "file"])
        if stored:
            storage = batch.file.storage
            transaction.on_commit(partial(storage.delete, stored))
    logger.info("record import refused", extra={"record_import_batch_id": batch_id})
    return True


def _check_queue(batch_id: int) -> None:
    from training.tasks.record_imports import record_import_check_task

    check_queue(task=record_import_check_task, batch_id=batch_id)


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
        if batch.status != ImportStatus.UPLOADED:
            return ApplyOutcome.NOT_READY
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
            # Imported by this organisation, so it counts towards its requirements only.
            attributed_to_id=batch.organisation_id,
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
