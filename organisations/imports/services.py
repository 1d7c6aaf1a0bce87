"""Storing an uploaded file for its preview, and applying it: all or nothing, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Invitation, User
from accounts.services import invitations_send_on_commit
from organisations.enums import ImportStatus, MembershipKind
from organisations.imports.parsing import ROW_NUMBER, FileProblem, upload_parse
from organisations.imports.validation import RowPlan, ValidationResult, rows_validate
from organisations.models import ImportBatch, Membership, Organisation
from organisations.services import memberships_added_notify_on_commit

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


def import_batch_create(
    *,
    organisation: Organisation,
    kind: str,
    uploaded_by: User,
    content: bytes,
    filename: str,
) -> ImportBatch:
    """Read and check an upload, keeping the file and its rows for the preview.

    Raises ValidationError when the file as a whole cannot be used (wrong type, no rows, too
    many rows, missing columns); nothing is kept then. Problems with rows do not raise: they are
    stored on the batch for the preview.
    """
    if kind not in MembershipKind.values:
        raise ValidationError("Choose who is in the file.")
    if kind == MembershipKind.GOVERNOR and not organisation.has_governors:
        raise ValidationError(f"{organisation} does not have a governing board.")
    try:
        parsed = upload_parse(content=content, filename=filename, kind=kind)
    except FileProblem as problem:
        raise ValidationError(problem.message) from problem
    result = rows_validate(organisation=organisation, kind=kind, rows=parsed.rows)
    column_notes: list[dict[str, object]] = [
        {"row": None, "message": f"The column “{header}” is not one we use, so it was ignored."}
        for header in parsed.ignored_headers
    ]
    batch = ImportBatch(
        organisation=organisation,
        kind=kind,
        uploaded_by=uploaded_by,
        original_filename=PurePath(filename).name[-255:],
        rows=_rows_with_outcomes(parsed.rows, result),
        problems=result.problems,
        notes=column_notes + result.notes,
        row_count=len(parsed.rows),
        invited_count=result.invite_count,
        added_count=result.add_count,
    )
    batch.full_clean(exclude=["file"])
    batch.file.save(filename, ContentFile(content), save=False)
    batch.save()
    logger.info(
        "people import uploaded",
        extra={
            "import_batch_id": batch.pk,
            "organisation_id": organisation.pk,
            "rows": batch.row_count,
            "problems": len(batch.problems),
        },
    )
    return batch


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
