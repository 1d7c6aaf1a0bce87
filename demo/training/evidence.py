"""Evidence of training done elsewhere: some waiting for the coordinator, one rejected, one
verified (which gave a record), and one governor's waiting for the clerk.

Each piece has a small real PDF certificate, made here, in private storage under a fixed name,
so running the seed again never leaves stray files. Providers are invented. Made once, the first
time: a second run that finds any evidence adds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db.models import Model

from accounts.models import User
from demo.organisations import organisations as orgs
from demo.organisations.context import DemoSeed
from demo.training import standards as std
from demo.training.bookings import history_add
from demo.training.dates import at, months_after
from demo.training.records import created_at_kept
from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from organisations.enums import MembershipKind
from organisations.models import Membership
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard

COORDINATOR = "coordinator@demo.example"
PRACTITIONER = "practitioner@demo.example"
CLERK = "clerk@demo.example"
FOLDER = "training-evidence"
REJECTED_REASON = (
    "This course is about safeguarding adults, so it does not meet safeguarding children "
    "level 2. Upload a certificate from a course on safeguarding children instead."
)


@dataclass(frozen=True)
class Whose:
    """Who uploaded it: a demo account by email, or the first person (by email address) in an
    organisation with this job role, the newest starter there, or a governor of the board."""

    organisation: str
    email: str = ""
    job_role: str = ""
    newest: bool = False
    governor: bool = False


@dataclass(frozen=True)
class EvidenceSpec:
    slug: str
    whose: Whose
    title: str
    provider: str
    days_ago: int
    hours: str
    standard: str
    status: str = EvidenceStatus.PENDING
    uploaded_days_ago: int = 0
    decided_days_ago: int = 0


EVIDENCE = [
    # Verifying it puts the practitioner's level 3 back in date (6 more hours since her
    # contextual safeguarding day).
    EvidenceSpec(
        "exploitation-conference",
        Whose(orgs.CHILDRENS_SOCIAL_CARE, email=PRACTITIONER),
        "Exploitation and county lines: a conference for practitioners",
        "Thames Practice Network",
        24,
        "6",
        std.LEVEL_3,
        uploaded_days_ago=6,
    ),
    EvidenceSpec(
        "neurodivergent-children",
        Whose(orgs.CHILDRENS_SOCIAL_CARE, job_role="Social worker"),
        "Working with neurodivergent children and their families",
        "Riverside Learning",
        50,
        "3",
        std.LEVEL_3,
        uploaded_days_ago=3,
    ),
    EvidenceSpec(
        "previous-employer-level-2",
        Whose(orgs.CHILDRENS_SOCIAL_CARE, newest=True),
        "Safeguarding children level 2",
        "Previous employer's e-learning",
        240,
        "3",
        std.LEVEL_2,
        uploaded_days_ago=2,
    ),
    EvidenceSpec(
        "adults-awareness",
        Whose(orgs.CHILDRENS_SOCIAL_CARE, job_role="Senior social worker"),
        "Safeguarding adults awareness",
        "Care Skills Online",
        70,
        "2",
        std.LEVEL_2,
        status=EvidenceStatus.REJECTED,
        uploaded_days_ago=15,
        decided_days_ago=12,
    ),
    EvidenceSpec(
        "reflective-practice-day",
        Whose(orgs.CHILDRENS_SOCIAL_CARE, job_role="Independent reviewing officer"),
        "Child protection: a reflective practice day",
        "Independent Reviewing Officers' Forum",
        60,
        "6",
        std.LEVEL_3,
        status=EvidenceStatus.VERIFIED,
        uploaded_days_ago=40,
        decided_days_ago=37,
    ),
    EvidenceSpec(
        "perinatal-mental-health",
        Whose(orgs.HOSPITAL, job_role="Midwife"),
        "Perinatal mental health and safeguarding babies",
        "Maternity Learning Hub",
        35,
        "3",
        std.LEVEL_3,
        uploaded_days_ago=4,
    ),
    EvidenceSpec(
        "governors-e-learning",
        Whose(orgs.DEMO_SCHOOL, governor=True),
        "Safeguarding for school governors",
        "Governor Training Online",
        20,
        "1.5",
        std.GOVERNOR,
        uploaded_days_ago=5,
    ),
]


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def certificate_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with the lines in Helvetica: small, but valid for any reader."""
    text = " ".join(f"({_pdf_text(line)}) '" for line in lines)
    stream = f"BT /F1 16 Tf 72 780 Td 24 TL {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


def _membership(whose: Whose, *, today: date) -> Membership:
    current = (
        Membership.objects.current(today)
        .filter(organisation__slug=whose.organisation)
        .exclude(user__email__endswith="@demo.example")
        .select_related("user")
    )
    if whose.email:
        return Membership.objects.select_related("user").get(
            user__email=whose.email, organisation__slug=whose.organisation, end_date__isnull=True
        )
    if whose.governor:
        found = (
            current.filter(kind=MembershipKind.GOVERNOR, governor_role="")
            .order_by("user__email")
            .first()
        )
    elif whose.newest:
        found = current.filter(kind=MembershipKind.STAFF).order_by("-start_date", "pk").first()
    else:
        found = current.filter(job_role__name=whose.job_role).order_by("user__email").first()
    if found is None:
        raise LookupError(f"Nobody in {whose.organisation} for the demo evidence {whose}.")
    return found


def _certificate(spec: EvidenceSpec, *, person: str, completed_on: date) -> str:
    """The certificate's file in private storage, written unless it is there already."""
    name = f"{FOLDER}/demo-{spec.slug}.pdf"
    storage = storages["private"]
    if not storage.exists(name):
        pdf = certificate_pdf(
            [
                "Certificate of completion",
                "",
                person,
                f"completed {spec.title}",
                f"with {spec.provider}",
                f"on {completed_on:%d %B %Y}: {spec.hours} CPD hours.",
                "",
                "Demo data: not a real certificate.",
            ]
        )
        saved = storage.save(name, ContentFile(pdf))
        assert saved == name, "Another file has the demo certificate's name."
    return name


def compliance_evidence_seed(seed: DemoSeed) -> None:
    """The evidence in `EVIDENCE`, made once."""
    if ExternalEvidence.objects.exists():
        seed.log("Evidence of training elsewhere: already there")
        return
    today = seed.today
    standards = {s.slug: s for s in TrainingStandard.objects.all()}
    coordinator = User.objects.get(email=COORDINATOR)
    rows: list[tuple[Model, datetime, int | None]] = []
    evidences: list[ExternalEvidence] = []
    records: list[tuple[TrainingRecord, ExternalEvidence, TrainingStandard]] = []
    for spec in EVIDENCE:
        membership = _membership(spec.whose, today=today)
        completed_on = today - timedelta(days=spec.days_ago)
        uploaded_at = at(today - timedelta(days=spec.uploaded_days_ago), clock(19, 40))
        evidence = ExternalEvidence(
            user=membership.user,
            membership=membership,
            title=spec.title,
            provider=spec.provider,
            completed_on=completed_on,
            cpd_hours=Decimal(spec.hours),
            standard=standards[spec.standard],
            original_filename=f"{spec.slug}-certificate.pdf",
            status=spec.status,
            created_at=uploaded_at,
        )
        evidence.file.name = _certificate(
            spec, person=membership.user.get_full_name(), completed_on=completed_on
        )
        changed_at, changed_by = uploaded_at, membership.user_id
        if spec.status != EvidenceStatus.PENDING:
            changed_at = at(today - timedelta(days=spec.decided_days_ago), clock(9, 30))
            changed_by = coordinator.pk
            evidence.decided_by, evidence.decided_at = coordinator, changed_at
        if spec.status == EvidenceStatus.REJECTED:
            evidence.rejection_reason = REJECTED_REASON
        if spec.status == EvidenceStatus.VERIFIED:
            standard = standards[spec.standard]
            record = TrainingRecord(
                user=membership.user,
                membership=membership,
                title=spec.title,
                cpd_hours=evidence.cpd_hours,
                completed_on=completed_on,
                expires_on=months_after(completed_on, standard.validity_months or 0),
                source=RecordSource.EXTERNAL,
                attributed_to_id=membership.organisation_id,
                created_by=coordinator,
                created_at=changed_at,
            )
            records.append((record, evidence, standard))
        rows.append((evidence, changed_at, changed_by))
        evidences.append(evidence)
    through = TrainingRecord.standards.through
    with created_at_kept(TrainingRecord, ExternalEvidence):
        TrainingRecord.objects.bulk_create([record for record, _, _ in records])
        through.objects.bulk_create(
            through(trainingrecord=record, trainingstandard=standard)
            for record, _, standard in records
        )
        for record, evidence, _ in records:
            evidence.record = record
        ExternalEvidence.objects.bulk_create(evidences)
    history_add(
        TrainingRecord,
        [(record, record.created_at, coordinator.pk) for record, _, _ in records],
    )
    history_add(ExternalEvidence, rows)
    pending = sum(spec.status == EvidenceStatus.PENDING for spec in EVIDENCE)
    seed.log(f"Evidence of training elsewhere: {len(EVIDENCE)}, {pending} waiting to be checked")
