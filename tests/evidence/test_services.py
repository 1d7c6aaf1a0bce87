"""Evidence of training elsewhere: sending it, deciding on it once, the training record it
becomes, and the email that tells the person."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import User
from compliance.enums import ComplianceStatus
from compliance.selectors.statuses import requirement_rows
from evidence import services as evidence_services
from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from evidence.selectors import evidence_of
from evidence.services import (
    DECISION_EMAIL_KIND,
    evidence_decision_send,
    evidence_reject,
    evidence_submit,
    evidence_verify,
)
from organisations.models import Membership, Organisation
from outbox.models import SentEmail
from tests.accounts.factories import UserFactory
from tests.compliance.factories import RequirementFactory
from tests.evidence.factories import PDF_BYTES, ExternalEvidenceFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingStandardFactory
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard


def pdf(name: str = "certificate.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files() -> list[Path]:
    """Every file in private storage."""
    return [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory.create(name="Lewisham Children's Social Care")


@pytest.fixture
def practitioner(organisation: Organisation) -> Membership:
    """A social worker who joined two years ago."""
    return MembershipFactory.create(
        organisation=organisation,
        user=UserFactory.create(first_name="Amara", last_name="Okafor"),
        start_date=timezone.localdate() - timedelta(days=730),
    )


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return MembershipFactory.create(
        organisation=organisation,
        coordinator=True,
        user=UserFactory.create(first_name="Chris", last_name="Coordinator"),
    ).user


@pytest.fixture
def level_2() -> TrainingStandard:
    return TrainingStandardFactory.create(
        name="Safeguarding children level 2", slug="level-2", validity_months=36
    )


def submit(owner: Membership, standard: TrainingStandard, **changes: Any) -> ExternalEvidence:
    details: dict[str, Any] = {
        "user": owner.user,
        "membership": owner,
        "title": "Safeguarding children level 2 e-learning",
        "provider": "NHS e-Learning for Healthcare",
        "completed_on": timezone.localdate() - timedelta(days=60),
        "cpd_hours": Decimal("3.5"),
        "standard": standard,
        "upload": pdf(),
    }
    return evidence_submit(**(details | changes))


# Tests run inside a transaction that is never committed: `django_capture_on_commit_callbacks`
# (execute=True) runs what a commit would have queued (the decision email) when it closes.
CaptureOnCommit = Callable[..., Any]


# Sending ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_evidence_is_kept_with_its_file_in_private_storage(
    practitioner: Membership, level_2: TrainingStandard
) -> None:
    """Sent evidence waits for checking; the file is stored under a random name outside the
    public media folder, and its original name is kept for the download."""
    evidence = submit(practitioner, level_2, upload=pdf("My Certificate.PDF"))

    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING
    assert evidence.user == practitioner.user
    assert evidence.membership == practitioner
    assert evidence.cpd_hours == Decimal("3.5")
    assert evidence.original_filename == "My Certificate.PDF"
    path = Path(evidence.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "certificate" not in path.name.lower()
    assert path.suffix == ".pdf"
    assert path.read_bytes() == PDF_BYTES
    assert evidence.record is None
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"completed_on": date.today() + timedelta(days=2)},
            "completed_on",
            "The date you completed the training must be today or in the past.",
        ),
        (
            {"completed_on": date(1989, 12, 31)},
            "completed_on",
            "The date you completed the training must be 1 January 1990 or later.",
        ),
        ({"cpd_hours": Decimal("-0.5")}, "cpd_hours", "The CPD hours must be 0 or more."),
        ({"cpd_hours": Decimal("100.25")}, "cpd_hours", "The CPD hours must be 100 or fewer."),
        (
            {"upload": pdf("notes.pdf", b"just some text")},
            "file",
            "The selected file must be a PDF, PNG or JPEG.",
        ),
        ({"upload": pdf("empty.pdf", b"")}, "file", "The selected file is empty."),
    ],
)
def test_bad_details_save_nothing_and_keep_no_file(
    practitioner: Membership,
    level_2: TrainingStandard,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(practitioner, level_2, **changes)
    assert caught.value.message_dict[field][0].startswith(message)
    assert not ExternalEvidence.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_the_limits_themselves_are_allowed(
    practitioner: Membership, level_2: TrainingStandard
) -> None:
    """Today, 1 January 1990, 0 hours and 100 hours are all fine."""
    submit(practitioner, level_2, completed_on=timezone.localdate(), cpd_hours=Decimal(0))
    submit(practitioner, level_2, completed_on=date(1990, 1, 1), cpd_hours=Decimal(100))
    assert ExternalEvidence.objects.count() == 2


@pytest.mark.django_db
def test_evidence_goes_only_through_the_persons_own_current_membership(
    practitioner: Membership, organisation: Organisation, level_2: TrainingStandard
) -> None:
    someone_else = MembershipFactory.create(organisation=organisation)
    with pytest.raises(ValidationError) as caught:
        submit(practitioner, level_2, membership=someone_else)
    assert caught.value.message_dict["membership"] == ["Choose one of your own organisations."]

    ended = MembershipFactory.create(
        user=practitioner.user,
        start_date=date(2020, 1, 1),
        end_date=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as caught:
        submit(practitioner, level_2, membership=ended)
    assert "no longer a member" in caught.value.message_dict["membership"][0]
    assert not ExternalEvidence.objects.exists()
    assert stored_files() == []


@pytest.mark.django_db
def test_a_failed_save_leaves_no_file_behind(
    practitioner: Membership, level_2: TrainingStandard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is written before the row; if the row cannot be saved, the file goes too."""

    def fail(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("the database went away")

    monkeypatch.setattr(ExternalEvidence, "save", fail)
    with pytest.raises(DatabaseError):
        submit(practitioner, level_2)
    assert stored_files() == []


@pytest.mark.django_db
def test_a_persons_evidence_is_listed_newest_first(
    practitioner: Membership, level_2: TrainingStandard
) -> None:
    first = submit(practitioner, level_2, title="First")
    second = submit(practitioner, level_2, title="Second")
    ExternalEvidenceFactory.create()  # someone else's
    assert list(evidence_of(practitioner.user)) == [second, first]


# Verifying ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verifying_creates_an_external_training_record(
    practitioner: Membership, coordinator: User, level_2: TrainingStandard
) -> None:
    evidence = submit(practitioner, level_2, completed_on=date(2025, 3, 31))
    now = timezone.now()

    record = evidence_verify(evidence=evidence, verified_by=coordinator, now=now)

    record.refresh_from_db()
    assert record.user == practitioner.user
    assert record.membership == practitioner
    assert record.title == "Safeguarding children level 2 e-learning"
    assert record.cpd_hours == Decimal("3.5")
    assert record.completed_on == date(2025, 3, 31)
    assert record.expires_on == date(2028, 3, 31)
    assert record.source == RecordSource.EXTERNAL
    assert record.created_by == coordinator
    assert list(record.standards.all()) == [level_2]
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.VERIFIED
    assert evidence.decided_by == coordinator
    assert evidence.decided_at == now
    assert evidence.record == record


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("completed_on", "validity_months", "expires_on"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # to the last day of a shorter month
        (date(2023, 5, 15), 24, date(2025, 5, 15)),
        (date(2023, 5, 15), None, None),  # a standard that does not expire
    ],
)
def test_the_record_expires_after_the_standards_validity(
    practitioner: Membership,
    coordinator: User,
    completed_on: date,
    validity_months: int | None,
    expires_on: date | None,
) -> None:
    standard = TrainingStandardFactory.create(validity_months=validity_months)
    evidence = submit(practitioner, standard, completed_on=completed_on)
    record = evidence_verify(evidence=evidence, verified_by=coordinator)
    assert record.expires_on == expires_on


@pytest.mark.django_db
def test_only_verified_evidence_counts_towards_compliance(
    practitioner: Membership, coordinator: User, level_2: TrainingStandard
) -> None:
    """Compliance reads training records; pending and rejected evidence makes none."""
    RequirementFactory.create(standard=level_2)

    def status() -> str:
        (row,) = requirement_rows().filter(membership=practitioner)
        return str(row.status)

    rejected = submit(practitioner, level_2)
    evidence_reject(evidence=rejected, rejected_by=coordinator, reason="The certificate is blank.")
    pending = submit(practitioner, level_2)
    assert status() == ComplianceStatus.MISSING

    evidence_verify(evidence=pending, verified_by=coordinator)
    assert status() == ComplianceStatus.IN_DATE


@pytest.mark.django_db
@pytest.mark.parametrize("first", ["verify", "reject"])
@pytest.mark.parametrize("second", ["verify", "reject"])
def test_decided_evidence_cannot_be_decided_again(
    practitioner: Membership,
    coordinator: User,
    organisation: Organisation,
    level_2: TrainingStandard,
    first: str,
    second: str,
) -> None:
    """Whoever tries second, and whatever they try, is told it has been decided already."""
    other_coordinator = MembershipFactory.create(organisation=organisation, coordinator=True).user
    evidence = submit(practitioner, level_2)

    def decide(action: str, by: User) -> None:
        # Each person works from the evidence as they loaded it, still pending.
        loaded = ExternalEvidence.objects.get(pk=evidence.pk)
        if action == "verify":
            evidence_verify(evidence=loaded, verified_by=by)
        else:
            evidence_reject(evidence=loaded, rejected_by=by, reason="Not a safeguarding course.")

    decide(first, coordinator)
    with pytest.raises(ValidationError) as caught:
        decide(second, other_coordinator)

    expected = "verified" if first == "verify" else "rejected"
    assert caught.value.messages == [f"This evidence has already been {expected}."]
    evidence.refresh_from_db()
    assert evidence.decided_by == coordinator
    assert TrainingRecord.objects.count() == (1 if first == "verify" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_nobody_decides_on_their_own_evidence(
    organisation: Organisation, level_2: TrainingStandard, action: str
) -> None:
    """Not even a coordinator of the organisation the evidence was sent through."""
    membership = MembershipFactory.create(organisation=organisation, coordinator=True)
    evidence = submit(membership, level_2)

    def decide() -> None:
        if action == "verify":
            evidence_verify(evidence=evidence, verified_by=membership.user)
        else:
            evidence_reject(evidence=evidence, rejected_by=membership.user, reason="Mine.")

    with pytest.raises(ValidationError) as caught:
        decide()
    assert caught.value.messages[0].startswith("You cannot verify or reject your own evidence.")
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_coordinator", "practitioner", "clerk"])
def test_only_those_who_check_the_membership_may_decide(
    practitioner: Membership, level_2: TrainingStandard, who: str
) -> None:
    """A coordinator elsewhere, a colleague, or a clerk (for a staff member) is refused."""
    deciders = {
        "other_coordinator": lambda: MembershipFactory.create(coordinator=True).user,
        "practitioner": lambda: (
            MembershipFactory.create(organisation=practitioner.organisation).user
        ),
        "clerk": lambda: (
            MembershipFactory.create(organisation=practitioner.organisation, clerk=True).user
        ),
    }
    evidence = submit(practitioner, level_2)
    with pytest.raises(ValidationError) as caught:
        evidence_verify(evidence=evidence, verified_by=deciders[who]())
    assert caught.value.messages[0].startswith("You cannot decide on this evidence")
    assert not TrainingRecord.objects.exists()


@pytest.mark.django_db
def test_a_clerk_verifies_a_governors_evidence(level_2: TrainingStandard) -> None:
    school = OrganisationFactory.create(school=True)
    governor = MembershipFactory.create(organisation=school, governor=True)
    clerk = MembershipFactory.create(organisation=school, clerk=True).user
    evidence = submit(governor, level_2)
    record = evidence_verify(evidence=evidence, verified_by=clerk)
    assert record.membership == governor


@pytest.mark.django_db
def test_the_partnership_team_may_decide_anyones_evidence(
    practitioner: Membership, level_2: TrainingStandard
) -> None:
    team = UserFactory.create(partnership_team=True)
    evidence = submit(practitioner, level_2)
    evidence_reject(evidence=evidence, rejected_by=team, reason="Wrong person's name on it.")
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.REJECTED
    assert evidence.rejection_reason == "Wrong person's name on it."


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_rejecting_needs_a_reason(
    practitioner: Membership, coordinator: User, level_2: TrainingStandard, reason: str
) -> None:
    evidence = submit(practitioner, level_2)
    with pytest.raises(ValidationError) as caught:
        evidence_reject(evidence=evidence, rejected_by=coordinator, reason=reason)
    assert caught.value.message_dict == {"reason": ["Enter why the evidence is rejected."]}
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING


# The decision email -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_person_is_emailed_when_their_evidence_is_verified(
    practitioner: Membership,
    coordinator: User,
    level_2: TrainingStandard,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    evidence = submit(practitioner, level_2)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        evidence_verify(evidence=evidence, verified_by=coordinator)

    (message,) = mail.outbox
    assert message.to == [practitioner.user.email]
    assert message.subject == (
        "Your training has been verified: Safeguarding children level 2 e-learning"
    )
    assert "Dear Amara," in message.body
    assert "Chris Coordinator has verified the evidence" in message.body
    assert "counts towards Safeguarding children level 2" in message.body
    assert "https://hub.partnership.example/my-training/" in message.body


@pytest.mark.django_db
def test_the_person_is_told_why_their_evidence_was_rejected(
    practitioner: Membership,
    coordinator: User,
    level_2: TrainingStandard,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    evidence = submit(practitioner, level_2)

    with django_capture_on_commit_callbacks(execute=True):
        evidence_reject(
            evidence=evidence,
            rejected_by=coordinator,
            reason="Your name is not on the certificate.",
        )

    (message,) = mail.outbox
    assert message.to == [practitioner.user.email]
    assert message.subject == (
        "Your training evidence was not accepted: Safeguarding children level 2 e-learning"
    )
    assert "Your name is not on the certificate." in message.body
    assert "https://hub.partnership.example/my-training/evidence/new/" in message.body
    assert f"https://hub.partnership.example/evidence/{evidence.pk}/" in message.body


@pytest.mark.django_db
def test_the_decision_email_goes_once_however_often_the_task_runs(
    practitioner: Membership,
    coordinator: User,
    level_2: TrainingStandard,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    """A task delivered twice (the worker acknowledges late) sends nothing the second time."""
    evidence = submit(practitioner, level_2)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_verify(evidence=evidence, verified_by=coordinator)
    assert len(mail.outbox) == 1

    assert evidence_decision_send(evidence_id=evidence.pk) is False
    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(kind=DECISION_EMAIL_KIND, key=str(evidence.pk)).count() == 1


@pytest.mark.django_db
def test_nothing_is_emailed_about_evidence_still_waiting(
    practitioner: Membership, level_2: TrainingStandard
) -> None:
    evidence = submit(practitioner, level_2)
    assert evidence_decision_send(evidence_id=evidence.pk) is False
    assert evidence_decision_send(evidence_id=evidence.pk + 1000) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_send_is_not_marked_as_sent(
    practitioner: Membership,
    coordinator: User,
    level_2: TrainingStandard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The mail server refusing the email rolls back the sent mark, so the retry sends."""
    evidence = submit(practitioner, level_2)
    evidence_verify(evidence=evidence, verified_by=coordinator)  # email not sent: no commit
    real_send = EmailMessage.send

    def refuse(self: Any, *args: Any, **kwargs: Any) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(ConnectionRefusedError, match="mail server down"):
        evidence_decision_send(evidence_id=evidence.pk)
    assert not SentEmail.objects.filter(kind=DECISION_EMAIL_KIND, key=str(evidence.pk)).exists()

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert evidence_decision_send(evidence_id=evidence.pk) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_decision_rolled_back_sends_nothing(
    practitioner: Membership,
    coordinator: User,
    level_2: TrainingStandard,
    django_capture_on_commit_callbacks: CaptureOnCommit,
) -> None:
    evidence = submit(practitioner, level_2)

    def verify_then_fail() -> None:
        with transaction.atomic():
            evidence_verify(evidence=evidence, verified_by=coordinator)
            raise RuntimeError("something later in the same transaction failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError, match="something later"),
    ):
        verify_then_fail()
    assert queued == []
    assert mail.outbox == []
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING


# Two people deciding at once ----------------------------------------------------------------


def _decide_at_once(
    evidence_pk: int, deciders: list[tuple[str, User]], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Each decider acts in their own thread and connection, starting together. Whoever gets
    the lock holds it a moment, so without the lock both would pass the checks."""
    real_refused = evidence_services.evidence_decision_refused

    def slow_refused(**kwargs: Any) -> str | None:
        refused = real_refused(**kwargs)
        time.sleep(0.3)
        return refused

    monkeypatch.setattr(evidence_services, "evidence_decision_refused", slow_refused)
    start = threading.Barrier(len(deciders))
    outcomes: list[str] = []

    def decide(action: str, user: User) -> None:
        try:
            start.wait()
            evidence = ExternalEvidence.objects.get(pk=evidence_pk)
            if action == "verify":
                evidence_verify(evidence=evidence, verified_by=user)
            else:
                evidence_reject(evidence=evidence, rejected_by=user, reason="Not accepted.")
            outcomes.append("decided")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=decider) for decider in deciders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("actions", [("verify", "verify"), ("verify", "reject")])
def test_two_people_deciding_at_once_decide_once(
    organisation: Organisation,
    practitioner: Membership,
    level_2: TrainingStandard,
    monkeypatch: pytest.MonkeyPatch,
    actions: tuple[str, str],
) -> None:
    """Two coordinators press their buttons at the same moment: one decision, one record at
    most, one email; the other is told it has been decided."""
    first, second = (
        MembershipFactory.create(organisation=organisation, coordinator=True).user for _ in range(2)
    )
    evidence = submit(practitioner, level_2)

    outcomes = _decide_at_once(
        evidence.pk, [(actions[0], first), (actions[1], second)], monkeypatch
    )

    assert outcomes.count("decided") == 1, outcomes
    (refusal,) = [outcome for outcome in outcomes if outcome != "decided"]
    evidence.refresh_from_db()
    assert evidence.status != EvidenceStatus.PENDING
    assert refusal == f"This evidence has already been {evidence.status}."
    assert TrainingRecord.objects.count() == (
        1 if evidence.status == EvidenceStatus.VERIFIED else 0
    )
    assert len(mail.outbox) == 1
