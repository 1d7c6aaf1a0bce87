"""Evidence of training done elsewhere: sending it, verifying or rejecting it, and telling the
person what was decided (see docs/evidence.md).

Only verified evidence counts: verifying creates the `TrainingRecord` (source "external") that
compliance reads. Each item is decided once: the decision locks the evidence row and refuses
anything already decided, so two people deciding at the same moment cannot both succeed. The
email about the decision is queued by the transaction that made it, and sent once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from evidence.permissions import evidence_reviewable_by
from evidence.selectors import evidence_decision_refused
from evidence.uploads import evidence_file_check
from organisations.models import Membership
from outbox.messages import absolute_url, email_render, email_send_once
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard
from training.services.records import training_record_create

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User

logger = logging.getLogger(__name__)

# Safeguarding training has been certificated in this form since the Children Act 1989; an
# earlier date is a typing mistake (and could never be in date now).
EARLIEST_COMPLETION = date(1990, 1, 1)
# More than two full weeks of training: a bigger number is a typing mistake, not one course.
MAX_CPD_HOURS = Decimal(100)
# The history entry that records the decision email was sent: the sent-log for that email.
# The decision is made once, so one email per evidence: the key is its id.
DECISION_EMAIL_KIND = "evidence_decision"
# How the evidence's history marked the email before the shared sent-log (evidence 0002).
DECISION_EMAILED = "Decision emailed to the person"

NOT_YOUR_MEMBERSHIP = "Choose one of your own organisations."
MEMBERSHIP_ENDED = "You are no longer a member of that organisation. Choose another."
NOT_REVIEWER = (
    "You cannot decide on this evidence: it is for someone you do not check evidence for."
)


def completed_on_problem(completed_on: date, *, today: date) -> str | None:
    """What is wrong with a completion date, as a sentence; None when it is fine."""
    if completed_on > today:
        return "The date you completed the training must be today or in the past."
    if completed_on < EARLIEST_COMPLETION:
        return "The date you completed the training must be 1 January 1990 or later."
    return None


def cpd_hours_problem(cpd_hours: Decimal) -> str | None:
    """What is wrong with a number of CPD hours, as a sentence; None when it is fine."""
    if cpd_hours < 0:
        return "The CPD hours must be 0 or more."
    if cpd_hours > MAX_CPD_HOURS:
        return "The CPD hours must be 100 or fewer."
    return None


def evidence_submit(
    *,
    user: User,
    membership: Membership,
    title: str,
    provider: str,
    completed_on: date,
    cpd_hours: Decimal,
    standard: TrainingStandard,
    upload: File[bytes],
) -> ExternalEvidence:
    """Send evidence of training done elsewhere, to be checked by whoever manages the
    membership (the coordinator, or the clerk for governors).

    Raises `ValidationError` (by field) when anything is wrong; then nothing is saved and the
    file is not kept.
    """
    problems: dict[str, list[str]] = {}
    if membership.user_id != user.pk:
        problems["membership"] = [NOT_YOUR_MEMBERSHIP]
    elif not membership.is_current():
        problems["membership"] = [MEMBERSHIP_ENDED]
    date_problem = completed_on_problem(completed_on, today=timezone.localdate())
    if date_problem:
        problems["completed_on"] = [date_problem]
    hours_problem = cpd_hours_problem(cpd_hours)
    if hours_problem:
        problems["cpd_hours"] = [hours_problem]
    try:
        file_type = evidence_file_check(upload)
    except ValidationError as error:
        problems["file"] = error.messages
    if problems:
        raise ValidationError(problems)

    evidence = ExternalEvidence(
        user=user,
        membership=membership,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        cpd_hours=cpd_hours,
        standard=standard,
        original_filename=PurePath(upload.name or "").name[-255:],
        status=EvidenceStatus.PENDING,
    )
    evidence.full_clean(exclude=["file", "user", "membership", "standard"])
    # The stored name is random (the model's upload_to); only the extension is kept, and it
    # has just been checked against the content.
    extension = PurePath(upload.name or "").suffix.lower() or file_type.extensions[0]
    evidence.file.save(f"evidence{extension}", upload, save=False)
    try:
        with transaction.atomic():
            evidence._history_user = user  # type: ignore[attr-defined]
            evidence._change_reason = "Sent for checking"  # type: ignore[attr-defined]
            evidence.save()
    except BaseException:
        # Nothing was saved, so the file must not stay behind either.
        evidence.file.delete(save=False)
        raise
    logger.info(
        "evidence sent",
        extra={"evidence_id": evidence.pk, "user_id": user.pk, "membership_id": membership.pk},
    )
    return evidence


def evidence_verify(
    *, evidence: ExternalEvidence, verified_by: User, now: datetime | None = None
) -> TrainingRecord:
    """Accept the evidence: it becomes a training record (source "external") that counts.

    The record expires after the claimed standard's validity. Raises `ValidationError` when the
    evidence is already decided, is the verifier's own, or is not theirs to check.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_for_decision(evidence, decided_by=verified_by)
        standard = evidence.standard
        record = training_record_create(
            membership=evidence.membership,
            title=evidence.title,
            cpd_hours=evidence.cpd_hours,
            completed_on=evidence.completed_on,
            standards=[standard],
            source=RecordSource.EXTERNAL,
            # Verified by this organisation, so it counts towards its requirements only.
            attributed_to=evidence.membership.organisation,
            created_by=verified_by,
            reason="Verified evidence of training elsewhere",
        )
        evidence.status = EvidenceStatus.VERIFIED
        evidence.decided_by, evidence.decided_at = verified_by, now
        evidence.record = record
        _save(evidence, actor=verified_by, why="Verified")
        _notify_on_commit(evidence_id=evidence.pk)
    logger.info(
        "evidence verified",
        extra={"evidence_id": evidence.pk, "record_id": record.pk, "by": verified_by.pk},
    )
    return record


def evidence_reject(
    *, evidence: ExternalEvidence, rejected_by: User, reason: str, now: datetime | None = None
) -> ExternalEvidence:
    """Turn the evidence down, saying why. It never counts; the person may send it again.

    Raises `ValidationError` when there is no reason, or the evidence is already decided, is
    the reviewer's own, or is not theirs to check.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why the evidence is rejected."]})
    with transaction.atomic():
        _lock_for_decision(evidence, decided_by=rejected_by)
        evidence.status = EvidenceStatus.REJECTED
        evidence.decided_by, evidence.decided_at = rejected_by, now
        evidence.rejection_reason = reason
        _save(evidence, actor=rejected_by, why="Rejected")
        _notify_on_commit(evidence_id=evidence.pk)
    logger.info("evidence rejected", extra={"evidence_id": evidence.pk, "by": rejected_by.pk})
    return evidence


def evidence_decision_send(*, evidence_id: int) -> bool:
    """Email the person the decision on their evidence, once. Returns whether it was sent.

    One transaction locks the evidence and sends through `outbox.messages.email_send_once`, whose
    sent-log row makes a second run send nothing; a failed send rolls the row back, so a retry
    sends. (Before the shared log, the evidence's own history held a "decision emailed" entry;
    evidence 0002 copied those into the log.)
    """
    with transaction.atomic():
        evidence = (
            ExternalEvidence.objects.select_for_update(of=("self",))
            .select_related("user", "membership__organisation", "standard", "decided_by")
            .filter(pk=evidence_id)
            .first()
        )
        log_extra = {"evidence_id": evidence_id}
        if evidence is None or evidence.status == EvidenceStatus.PENDING:
            logger.info("evidence decision email not due", extra=log_extra)
            return False
        if not evidence.user.is_active:
            logger.info("evidence decision email has no recipient", extra=log_extra)
            return False
        if not email_send_once(
            kind=DECISION_EMAIL_KIND, key=str(evidence.pk), message=_message(evidence)
        ):
            logger.info("evidence decision already emailed", extra=log_extra)
            return False
    logger.info("evidence decision emailed", extra=log_extra)
    return True


def _lock_for_decision(evidence: ExternalEvidence, *, decided_by: User) -> None:
    """Lock the evidence row and reload it as it is now, refusing a decision that is not the
    person's to make (only within a transaction)."""
    if not evidence_reviewable_by(decided_by).filter(pk=evidence.pk).exists():
        raise ValidationError(NOT_REVIEWER)
    evidence.refresh_from_db(
        from_queryset=ExternalEvidence.objects.select_for_update(of=("self",)).select_related(
            "standard"
        )
    )
    refused = evidence_decision_refused(evidence=evidence, viewer=decided_by)
    if refused:
        raise ValidationError(refused)


def _save(evidence: ExternalEvidence, *, actor: User, why: str) -> None:
    """Check and save the evidence, recording who changed it and why in its history."""
    evidence.full_clean(exclude=["file", "user", "membership", "standard", "record", "decided_by"])
    evidence._history_user = actor  # type: ignore[attr-defined]
    evidence._change_reason = why  # type: ignore[attr-defined]
    evidence.save()


def _notify_on_commit(*, evidence_id: int) -> None:
    """Queue the decision email; it goes only if this transaction (the decision) commits."""
    from evidence.tasks import evidence_decision_send_task

    transaction.on_commit(lambda: evidence_decision_send_task.delay(evidence_id))


def _message(evidence: ExternalEvidence) -> EmailMessage:
    kind = (
        "evidence_verified" if evidence.status == EvidenceStatus.VERIFIED else "evidence_rejected"
    )
    context: dict[str, Any] = {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "recipient": evidence.user,
        "evidence": evidence,
        "organisation": evidence.membership.organisation,
        "standard": evidence.standard,
        "decided_by": evidence.decided_by,
        "evidence_url": absolute_url(reverse("evidence:detail", kwargs={"pk": evidence.pk})),
        "new_evidence_url": absolute_url(reverse("evidence:new")),
        "my_training_url": absolute_url(reverse("compliance:my_training")),
    }
    return email_render(f"evidence/email/{kind}", context, to=evidence.user.email)
