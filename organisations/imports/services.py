"""Storing an uploaded file for its preview, and applying it: all or nothing, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import invitations_send_on_commit
from organisations.enums import ImportStatus, MembershipKind
from organisations.imports.checking import (
    OVERDUE,
    TOO_SLOW,
    check_is_overdue,
    check_queue,
    checks_in_background,
)
from organisations.imports.parsing import (
    MAX_FILE_BYTES,
    ROW_NUMBER,
    FileProblem,
    ParsedFile,
    upload_parse,
)
from organisations.imports.validation import RowPlan, ValidationResult, rows_validate
from organisations.models import ImportBatch, Membership, Organisation
from organisations.services import memberships_added_notify_on_commit
from organisations.spreadsheets import spreadsheet_unpacked_size

logger = logging.getLogger(__name__)

# Invitation emails go out in tasks of this many, so several workers can share a large import.
SEND_TASK_SIZE = 100

# Uploaded files hold people's names and addresses. Once imported (or abandoned) they are only
# needed while someone might ask what a file contained; after this long they are deleted.
KEEP_UPLOADS_DAYS = 90

# Someone else added one of these people between the check and the insert (the database's
# unique constraints caught it). Rare; checking the file again shows who.
CHANGED_MEANWHILE = (
    "Some of these people were added by someone else while you were confirming. Upload the "
    "file again to see who."
)


class ApplyOutcome(StrEnum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    HAS_PROBLEMS = "has_problems"
    NOT_READY = "not_ready"  # still being checked, or refused


def import_batch_create(
    *,
    organisation: Organisation,
    kind: str,
    uploaded_by: User,
    content: bytes,
    filename: str,
) -> ImportBatch:
    """Read and check an upload, keeping the file and its rows for the preview.

    Raises ValidationError when the file as a whole cannot be used (wrong type, too big, no
    rows, too many rows, a cell too long, missing columns); nothing is kept then. Problems with
    rows do not raise: they are stored on the batch for the preview.

    A large file (organisations.imports.checking) is only checked for its type and size here:
    the batch is kept "checking" and `import_batch_check` reads it in a task, after the commit.
    """
    if kind not in MembershipKind.values:
        raise ValidationError("Choose who is in the file.")
    if kind == MembershipKind.GOVERNOR and not organisation.has_governors:
        raise ValidationError(f"{organisation} does not have a governing board.")
    batch = ImportBatch(
        organisation=organisation,
        kind=kind,
        uploaded_by=uploaded_by,
        original_filename=PurePath(filename).name[-255:],
        status=ImportStatus.CHECKING,
    )
    try:
        unpacked = spreadsheet_unpacked_size(content=content, filename=filename, unit="people")
        if not checks_in_background(unpacked_bytes=unpacked):
            _batch_fill(batch, upload_parse(content=content, filename=filename, kind=kind))
    except FileProblem as problem:
        raise ValidationError(problem.message) from problem
    batch.full_clean(exclude=["file"])
    with transaction.atomic():
        batch.file.save(filename, ContentFile(content), save=False)
        batch.save()
        if batch.is_checking:
            transaction.on_commit(partial(_check_queue, batch.pk))
    logger.info(
        "people import uploaded",
        extra={
            "import_batch_id": batch.pk,
            "organisation_id": organisation.pk,
            "checking": batch.is_checking,
            "rows": batch.row_count,
            "problems": len(batch.problems),
        },
    )
    return batch


def import_batch_check(*, batch_id: int) -> None:
    """Read and check a large upload kept "checking", for its preview (a task's work).

    A file that cannot be used leaves the batch "failed", with the reason, no rows and no
    stored file, as if nothing had been kept. A batch no longer checking is left alone, so a
    task that runs twice reads the file once."""
    batch = ImportBatch.objects.select_related("organisation").filter(pk=batch_id).first()
    if batch is None or not batch.is_checking:
        return
    if check_is_overdue(uploaded_at=batch.created_at):
        _batch_fail(batch_id, OVERDUE)
        return
    with batch.file.open("rb") as stored:
        content = stored.read(MAX_FILE_BYTES + 1)
    try:
        _batch_fill(
            batch, upload_parse(content=content, filename=batch.original_filename, kind=batch.kind)
        )
    except FileProblem as problem:
        _batch_fail(batch_id, problem.message)
        return
    batch.full_clean(exclude=["file"])
    with transaction.atomic():
        if not ImportBatch.objects.select_for_update().get(pk=batch_id).is_checking:
            return  # given up while the file was read
        batch.save(update_fields=[*FILLED_FIELDS, "status"])
    logger.info(
        "people import checked",
        extra={
            "import_batch_id": batch.pk,
            "rows": batch.row_count,
            "problems": len(batch.problems),
        },
    )


def import_batch_check_too_slow(*, batch_id: int) -> None:
    """The task checking this batch hit its time limit: refuse the file, saying so."""
    _batch_fail(batch_id, TOO_SLOW)


def import_batch_overdue_fail(*, batch: ImportBatch) -> bool:
    """Give up a batch whose check can no longer be finishing (its worker was killed or lost),
    so the person waiting sees why. Returns whether it was given up."""
    if not batch.is_checking or not check_is_overdue(uploaded_at=batch.created_at):
        return False
    return _batch_fail(batch.pk, OVERDUE)


# What reading and checking a file sets on its batch.
FILLED_FIELDS = ["rows", "problems", "notes", "row_count", "invited_count", "added_count"]


def _batch_fill(batch: ImportBatch, parsed: ParsedFile) -> None:
    """Check the rows read from the file and keep them, with what confirming would do."""
    result = rows_validate(organisation=batch.organisation, kind=batch.kind, rows=parsed.rows)
    column_notes: list[dict[str, object]] = [
        {"row": None, "message": f"The column “{header}” is not one we use, so it was ignored."}
        for header in parsed.ignored_headers
    ]
    batch.rows = _rows_with_outcomes(parsed.rows, result)
    batch.problems = result.problems
    batch.notes = column_notes + result.notes
    batch.row_count = len(parsed.rows)
    batch.invited_count = result.invite_count
    batch.added_count = result.add_count
    batch.status = ImportStatus.UPLOADED


def _batch_fail(batch_id: int, message: str) -> bool:
    """Refuse a batch still checking: the reason (`{filename}` filled in) becomes its only
    problem, and its rows and stored file go. Returns whether it was still checking."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or not batch.is_checking:
            return False
        stored = batch.file.name
        batch.status = ImportStatus.FAILED
        batch.problems = [
            {"row": None, "message": message.replace("{filename}", batch.original_filename)}
        ]
        batch.rows, batch.notes = [], []
        batch.row_count = batch.invited_count = batch.added_count = 0
        batch.file.name = ""
        batch.save(update_fields=[*FILLED_FIELDS, "status", "file"])
        if stored:
            storage = batch.file.storage
            transaction.on_commit(partial(storage.delete, stored))
    logger.info("people import refused", extra={"import_batch_id": batch_id})
    return True


def _check_queue(batch_id: int) -> None:
    from organisations.tasks import import_batch_check_task

    check_queue(task=import_batch_check_task, batch_id=batch_id)


def import_batch_apply(*, batch: ImportBatch, applied_by: User) -> ApplyOutcome:
    """Check the rows again and, if every one is still good, create everyone in one transaction.

    People with an account get their membership now; everyone else gets an invitation. Emails
    go out from Celery tasks after the commit. The batch row is locked, so two confirmations at
    once (a double click, two tabs) apply it once.
    """
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update().select_related("organisation").get(pk=batch.pk)
        )
        if batch.is_applied:
            return ApplyOutcome.ALREADY_APPLIED
        if batch.status != ImportStatus.UPLOADED:
            return ApplyOutcome.NOT_READY
        result = rows_validate(organisation=batch.organisation, kind=batch.kind, rows=batch.rows)
        batch.rows = _rows_with_outcomes(batch.rows, result)
        batch.notes = [note for note in batch.notes if note["row"] is None] + result.notes
        if not result.ok:
            batch.problems = result.problems
            batch.save(update_fields=["rows", "problems", "notes"])
            return ApplyOutcome.HAS_PROBLEMS
        try:
            with transaction.atomic():
                added_ids, invited_ids = _plans_apply(
                    batch=batch, plans=result.plans, applied_by=applied_by
                )
        except IntegrityError:
            batch.problems = [{"row": None, "message": CHANGED_MEANWHILE}]
            batch.save(update_fields=["rows", "problems", "notes"])
            return ApplyOutcome.HAS_PROBLEMS
        batch.status = ImportStatus.APPLIED
        batch.applied_at = timezone.now()
        batch.applied_by = applied_by
        batch.problems = []
        batch.added_count = len(added_ids)
        batch.invited_count = len(invited_ids)
        batch.save()
        memberships_added_notify_on_commit(ids=added_ids)
        for start in range(0, len(invited_ids), SEND_TASK_SIZE):
            invitations_send_on_commit(ids=invited_ids[start : start + SEND_TASK_SIZE])
    logger.info(
        "people import applied",
        extra={
            "import_batch_id": batch.pk,
            "applied_by": applied_by.pk,
            "added": batch.added_count,
            "invited": batch.invited_count,
        },
    )
    return ApplyOutcome.APPLIED


def import_batches_delete_expired(*, older_than_days: int = KEEP_UPLOADS_DAYS) -> int:
    """Delete uploads older than the retention period, with their stored files."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    expired = list(ImportBatch.objects.filter(created_at__lt=cutoff))
    for batch in expired:
        batch.file.delete(save=False)
        batch.delete()
    if expired:
        logger.info("people imports deleted", extra={"count": len(expired)})
    return len(expired)


def _rows_with_outcomes(
    rows: Sequence[dict[str, object]], result: ValidationResult
) -> list[dict[str, object]]:
    """The rows, each marked with what confirming would do to it ("add", "invite" or "")."""
    outcomes = result.outcomes()
    return [{**row, "outcome": outcomes.get(row[ROW_NUMBER], "")} for row in rows]  # type: ignore[call-overload]


# Foreign keys are left out of full_clean: each would cost a query per row, and every id
# came from a query in this same transaction.
MEMBERSHIP_FKS = ["user", "organisation", "job_role", "line_manager"]
INVITATION_FKS = ["organisation", "job_role", "line_manager", "invited_by", "membership"]


def _plans_apply(
    *, batch: ImportBatch, plans: list[RowPlan], applied_by: User
) -> tuple[list[int], list[int]]:
    """Create the memberships and invitations. Returns their ids."""
    organisation, kind = batch.organisation, batch.kind
    adds = [(plan, user_id) for plan in plans if (user_id := plan.user_id) is not None]
    memberships = [
        Membership(
            user_id=user_id,
            organisation=organisation,
            kind=kind,
            job_role_id=plan.job_role_id,
            line_manager_id=plan.line_manager_id,
            start_date=plan.start_date,
            governor_category=plan.governor_category,
            governor_role=plan.governor_role,
            term_end=plan.term_end,
        )
        for plan, user_id in adds
    ]
    for membership in memberships:
        # Uniqueness and constraints were checked for the whole file at once, and the
        # database enforces them again on insert.
        membership.full_clean(
            exclude=MEMBERSHIP_FKS, validate_unique=False, validate_constraints=False
        )
    Membership.objects.bulk_create(memberships)
    created = {
        plan.email: membership for (plan, _), membership in zip(adds, memberships, strict=True)
    }

    # Managers in the same file who already had an account have a membership now: link them.
    linked = []
    for (plan, _), membership in zip(adds, memberships, strict=True):
        if plan.line_manager_email:
            membership.line_manager_id = created[plan.line_manager_email].pk
            linked.append(membership)
    Membership.objects.bulk_update(linked, ["line_manager"])

    invitations = [
        Invitation(
            email=plan.email,
            first_name=plan.first_name,
            last_name=plan.last_name,
            organisation=organisation,
            kind=kind,
            job_role_id=plan.job_role_id,
            line_manager_id=(
                created[plan.line_manager_email].pk
                if plan.line_manager_email
                else plan.line_manager_id
            ),
            start_date=plan.start_date,
            governor_category=plan.governor_category,
            governor_role=plan.governor_role,
            term_end=plan.term_end,
            invited_by=applied_by,
        )
        for plan in plans
        if not plan.user_id
    ]
    for invitation in invitations:
        invitation.full_clean(
            exclude=INVITATION_FKS, validate_unique=False, validate_constraints=False
        )
    Invitation.objects.bulk_create(invitations)
    return [m.pk for m in memberships], [i.pk for i in invitations]
