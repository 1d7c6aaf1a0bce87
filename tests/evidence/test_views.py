"""The evidence pages: sending evidence, the review list, one item, verifying and rejecting,
and downloading the file, with who may see each."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import User
from evidence import views as evidence_views
from evidence.enums import EvidenceStatus
from evidence.models import ExternalEvidence
from organisations.models import Membership, Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.evidence.factories import PDF_BYTES, ExternalEvidenceFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.training.factories import TrainingStandardFactory
from training.enums import RecordSource
from training.models import TrainingRecord, TrainingStandard

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def stored_files() -> list[Path]:
    return [path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()]


def privileged(user: User) -> User:
    """Coordinators, clerks and the partnership team must use MFA before any page opens."""
    enrol_totp(user)
    return user


@dataclass
class Partnership:
    """A social care agency with a practitioner (and her line manager, a colleague and a
    coordinator), a school with a governor and a clerk, another agency's coordinator and the
    partnership team. The practitioner and the governor have each sent evidence."""

    agency: Organisation
    school: Organisation
    practitioner: Membership
    governor: Membership
    staff_evidence: ExternalEvidence
    governor_evidence: ExternalEvidence
    users: dict[str, User | None]


@pytest.fixture
def partnership() -> Partnership:
    agency = OrganisationFactory.create(name="Lewisham Children's Social Care")
    school = OrganisationFactory.create(name="Brockley Primary School", school=True)
    manager = MembershipFactory.create(organisation=agency)
    practitioner = MembershipFactory.create(
        organisation=agency,
        line_manager=manager,
        user=UserFactory.create(first_name="Amara", last_name="Okafor"),
    )
    governor = MembershipFactory.create(
        organisation=school,
        governor=True,
        user=UserFactory.create(first_name="Gina", last_name="Governor"),
    )
    users: dict[str, User | None] = {
        "owner": practitioner.user,
        "governor": governor.user,
        "coordinator": privileged(
            MembershipFactory.create(organisation=agency, coordinator=True).user
        ),
        "other_coordinator": privileged(MembershipFactory.create(coordinator=True).user),
        "school_coordinator": privileged(
            MembershipFactory.create(organisation=school, coordinator=True).user
        ),
        "clerk": privileged(MembershipFactory.create(organisation=school, clerk=True).user),
        "line_manager": manager.user,
        "colleague": MembershipFactory.create(organisation=agency).user,
        "partnership_team": privileged(UserFactory.create(partnership_team=True)),
        "anonymous": None,
    }
    return Partnership(
        agency=agency,
        school=school,
        practitioner=practitioner,
        governor=governor,
        staff_evidence=ExternalEvidenceFactory.create(
            membership=practitioner, title="Level 2 e-learning"
        ),
        governor_evidence=ExternalEvidenceFactory.create(
            membership=governor, title="Governor safeguarding"
        ),
        users=users,
    )


def as_user(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


# Who may see and do what --------------------------------------------------------------------

# For each role: may they see the practitioner's evidence, and may they decide on it? Then the
# same for the governor's evidence.
STAFF_MATRIX = {
    "owner": (True, False),
    "coordinator": (True, True),
    "other_coordinator": (False, False),
    "school_coordinator": (False, False),
    "clerk": (False, False),
    "line_manager": (False, False),
    "colleague": (False, False),
    "partnership_team": (True, True),
}
GOVERNOR_MATRIX = {
    "governor": (True, False),
    "clerk": (True, True),
    "coordinator": (False, False),
    "school_coordinator": (False, False),  # coordinators check staff; clerks check governors
    "owner": (False, False),
    "partnership_team": (True, True),
}


def _pages(evidence: ExternalEvidence) -> dict[str, str]:
    return {
        name: reverse(f"evidence:{name.removeprefix('evidence_')}", kwargs={"pk": evidence.pk})
        for name in ("evidence_detail", "evidence_file", "evidence_reject")
    }


def _check_matrix(
    client: Client, partnership: Partnership, evidence: ExternalEvidence, role: str, rights: Any
) -> None:
    may_see, may_decide = rights
    as_user(client, partnership.users[role])
    pages = _pages(evidence)

    assert client.get(pages["evidence_detail"]).status_code == (200 if may_see else 404)
    assert client.get(pages["evidence_file"]).status_code == (200 if may_see else 404)
    assert client.get(pages["evidence_reject"]).status_code == (200 if may_decide else 404)

    verify = client.post(reverse("evidence:verify", kwargs={"pk": evidence.pk}))
    evidence.refresh_from_db()
    if may_decide:
        assertRedirects(verify, reverse("evidence:review"), fetch_redirect_response=False)
        assert evidence.status == EvidenceStatus.VERIFIED
    else:
        assert verify.status_code == 404
        assert evidence.status == EvidenceStatus.PENDING


@pytest.mark.parametrize(("role", "rights"), STAFF_MATRIX.items())
def test_who_may_see_and_decide_a_staff_members_evidence(
    client: Client, partnership: Partnership, role: str, rights: tuple[bool, bool]
) -> None:
    """The owner sees it; their coordinator and the partnership team see and decide it; a
    coordinator elsewhere, a clerk, the line manager and colleagues get a 404."""
    _check_matrix(client, partnership, partnership.staff_evidence, role, rights)


@pytest.mark.parametrize(("role", "rights"), GOVERNOR_MATRIX.items())
def test_who_may_see_and_decide_a_governors_evidence(
    client: Client, partnership: Partnership, role: str, rights: tuple[bool, bool]
) -> None:
    """The clerk checks a governor's evidence; the school's coordinator does not."""
    _check_matrix(client, partnership, partnership.governor_evidence, role, rights)


@pytest.mark.parametrize(
    "name", ["evidence_detail", "evidence_file", "evidence_reject", "evidence_verify"]
)
def test_anonymous_visitors_are_asked_to_sign_in(
    client: Client, partnership: Partnership, name: str
) -> None:
    url = reverse(
        f"evidence:{name.removeprefix('evidence_')}", kwargs={"pk": partnership.staff_evidence.pk}
    )
    response = client.post(url) if name == "evidence_verify" else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    partnership.staff_evidence.refresh_from_db()
    assert partnership.staff_evidence.status == EvidenceStatus.PENDING


@pytest.mark.parametrize(
    "name", ["evidence_detail", "evidence_file", "evidence_reject", "evidence_verify"]
)
def test_a_guessed_id_is_not_found(client: Client, partnership: Partnership, name: str) -> None:
    """Even the partnership team gets a 404 for evidence that does not exist."""
    as_user(client, partnership.users["partnership_team"])
    missing = ExternalEvidence.objects.order_by("-pk").first().pk + 1000
    url = reverse(f"evidence:{name.removeprefix('evidence_')}", kwargs={"pk": missing})
    response = client.post(url) if name == "evidence_verify" else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_staff", "sees_governor"),
    [
        ("coordinator", True, False),
        ("clerk", False, True),
        ("partnership_team", True, True),
        ("other_coordinator", False, False),
        ("school_coordinator", False, False),
    ],
)
def test_the_review_list_shows_only_what_the_viewer_checks(
    client: Client, partnership: Partnership, role: str, sees_staff: bool, sees_governor: bool
) -> None:
    response = as_user(client, partnership.users[role]).get(reverse("evidence:review"))
    assert response.status_code == 200
    (assertContains if sees_staff else assertNotContains)(response, "Level 2 e-learning")
    (assertContains if sees_governor else assertNotContains)(response, "Governor safeguarding")


@pytest.mark.parametrize("role", ["owner", "governor", "line_manager", "colleague"])
def test_people_who_check_nothing_have_no_review_list(
    client: Client, partnership: Partnership, role: str
) -> None:
    response = as_user(client, partnership.users[role]).get(reverse("evidence:review"))
    assert response.status_code == 404


def test_the_review_list_asks_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get(reverse("evidence:review"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# The review list ----------------------------------------------------------------------------


@pytest.fixture
def coordinator_of_agency() -> tuple[Organisation, User]:
    agency = OrganisationFactory.create()
    coordinator = privileged(MembershipFactory.create(organisation=agency, coordinator=True).user)
    return agency, coordinator


def _evidence_in(agency: Organisation, title: str, **fields: Any) -> ExternalEvidence:
    evidence = ExternalEvidenceFactory.create(
        membership=MembershipFactory.create(organisation=agency), title=title, **fields
    )
    return evidence


def test_waiting_evidence_comes_first_the_longest_waiting_at_the_top(
    client: Client, coordinator_of_agency: tuple[Organisation, User]
) -> None:
    agency, coordinator = coordinator_of_agency
    now = timezone.now()
    titles = ["Newest waiting", "Oldest waiting", "Decided yesterday", "Decided last week"]
    newest, oldest, recent, older = (_evidence_in(agency, title) for title in titles)
    ExternalEvidence.objects.filter(pk=newest.pk).update(created_at=now - timedelta(days=1))
    ExternalEvidence.objects.filter(pk=oldest.pk).update(created_at=now - timedelta(days=9))
    ExternalEvidence.objects.filter(pk=recent.pk).update(
        status=EvidenceStatus.VERIFIED, decided_at=now - timedelta(days=1)
    )
    ExternalEvidence.objects.filter(pk=older.pk).update(
        status=EvidenceStatus.REJECTED, decided_at=now - timedelta(days=7), rejection_reason="No."
    )

    response = as_user(client, coordinator).get(reverse("evidence:review"))

    shown = [evidence.title for evidence in response.context["page"].object_list]
    assert shown == ["Oldest waiting", "Newest waiting", "Decided yesterday", "Decided last week"]


def test_the_review_list_shows_what_a_reviewer_needs(
    client: Client, coordinator_of_agency: tuple[Organisation, User]
) -> None:
    agency, coordinator = coordinator_of_agency
    standard = TrainingStandardFactory.create(name="Safeguarding children level 3")
    evidence = ExternalEvidenceFactory.create(
        membership=MembershipFactory.create(
            organisation=agency, user=UserFactory.create(first_name="Ada", last_name="Adeyemi")
        ),
        title="Level 3 workshop",
        provider="Guy's and St Thomas'",
        completed_on=timezone.localdate().replace(day=1) - timedelta(days=31),
        cpd_hours=Decimal("6.50"),
        standard=standard,
    )
    response = as_user(client, coordinator).get(reverse("evidence:review"))
    for text in (
        "Ada Adeyemi",
        agency.name,
        "Level 3 workshop",
        "Guy&#x27;s and St Thomas&#x27;",
        evidence.completed_on.strftime("%-d %B %Y"),
        "6.5",
        "Safeguarding children level 3",
        "Waiting for verification",
        reverse("evidence:detail", kwargs={"pk": evidence.pk}),
    ):
        assertContains(response, text)


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("pending", ["Waiting"]),
        ("verified", ["Verified"]),
        ("rejected", ["Rejected"]),
        ("", ["Waiting", "Verified", "Rejected"]),
        ("nonsense", ["Waiting", "Verified", "Rejected"]),
    ],
)
def test_the_review_list_filters_by_status(
    client: Client,
    coordinator_of_agency: tuple[Organisation, User],
    status: str,
    shown: list[str],
) -> None:
    agency, coordinator = coordinator_of_agency
    _evidence_in(agency, "Waiting")
    _evidence_in(agency, "Verified", status=EvidenceStatus.VERIFIED, decided_at=timezone.now())
    _evidence_in(
        agency,
        "Rejected",
        status=EvidenceStatus.REJECTED,
        decided_at=timezone.now(),
        rejection_reason="Blurred.",
    )
    response = as_user(client, coordinator).get(reverse("evidence:review"), {"status": status})
    assert sorted(e.title for e in response.context["page"].object_list) == sorted(shown)
    assertContains(response, "All (3)")
    assertContains(response, "Waiting for verification (1)")


def test_the_review_list_is_paginated(
    client: Client,
    coordinator_of_agency: tuple[Organisation, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages keep the status filter in their links."""
    monkeypatch.setattr(evidence_views, "EVIDENCE_PER_PAGE", 2)
    agency, coordinator = coordinator_of_agency
    for number in range(5):
        _evidence_in(agency, f"Course {number}")
    as_user(client, coordinator)

    first = client.get(reverse("evidence:review"), {"status": "pending"})
    assert len(first.context["page"].object_list) == 2
    assertContains(first, "?status=pending&amp;page=2")
    last = client.get(reverse("evidence:review"), {"status": "pending", "page": 3})
    assert len(last.context["page"].object_list) == 1


def test_a_coordinator_does_not_review_their_own_evidence(
    client: Client, coordinator_of_agency: tuple[Organisation, User]
) -> None:
    """Their own evidence is left off their list, and its page says someone else decides."""
    _agency, coordinator = coordinator_of_agency
    own_membership = coordinator.memberships.get()
    own = ExternalEvidenceFactory.create(membership=own_membership, title="My own course")
    as_user(client, coordinator)

    assertNotContains(client.get(reverse("evidence:review")), "My own course")

    page = client.get(reverse("evidence:detail", kwargs={"pk": own.pk}))
    assertContains(page, "You cannot verify or reject your own evidence.")
    assertNotContains(page, "Verify evidence")

    response = client.post(reverse("evidence:verify", kwargs={"pk": own.pk}))
    assertRedirects(
        response,
        reverse("evidence:detail", kwargs={"pk": own.pk}),
        fetch_redirect_response=False,
    )
    own.refresh_from_db()
    assert own.status == EvidenceStatus.PENDING
    assert not TrainingRecord.objects.exists()


def test_the_review_list_makes_the_same_queries_however_long_it_is(
    client: Client, coordinator_of_agency: tuple[Organisation, User]
) -> None:
    agency, coordinator = coordinator_of_agency
    as_user(client, coordinator)
    url = reverse("evidence:review")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _evidence_in(agency, "First")
    few = queries()
    for number in range(8):
        _evidence_in(agency, f"Course {number}", standard=TrainingStandardFactory.create())
    assert queries() == few


# Sending evidence ---------------------------------------------------------------------------


@pytest.fixture
def level_2() -> TrainingStandard:
    return TrainingStandardFactory.create(name="Safeguarding children level 2", slug="level-2")


def _form(chosen: TrainingStandard, **changes: Any) -> dict[str, Any]:
    done = timezone.localdate() - timedelta(days=30)
    data: dict[str, Any] = {
        "title": "Level 2 e-learning",
        "provider": "NHS e-Learning for Healthcare",
        "completed_on_day": str(done.day),
        "completed_on_month": str(done.month),
        "completed_on_year": str(done.year),
        "cpd_hours": "2.5",
        "standard": str(chosen.pk),
        "file": SimpleUploadedFile("certificate.pdf", PDF_BYTES, "application/pdf"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_practitioner_sends_evidence_through_their_only_membership(
    client: Client, level_2: TrainingStandard
) -> None:
    """With one membership the question is not asked; the evidence goes through it."""
    membership = MembershipFactory.create(organisation__name="Lewisham Children's Social Care")
    as_user(client, membership.user)
    url = reverse("evidence:new")

    form_page = client.get(url)
    assertNotContains(form_page, "Which organisation is this for?")
    assertContains(form_page, 'enctype="multipart/form-data"')

    response = client.post(url, _form(level_2))

    evidence = ExternalEvidence.objects.get()
    assertRedirects(
        response,
        reverse("evidence:detail", kwargs={"pk": evidence.pk}),
        fetch_redirect_response=False,
    )
    assert evidence.membership == membership
    assert evidence.user == membership.user
    assert evidence.title == "Level 2 e-learning"
    assert evidence.cpd_hours == Decimal("2.5")
    assert evidence.standard == level_2
    assert evidence.status == EvidenceStatus.PENDING
    assert evidence.original_filename == "certificate.pdf"
    assert len(stored_files()) == 1
    page = client.get(response["Location"])
    assertContains(
        page,
        "We have asked a training coordinator at Lewisham Children&#x27;s Social Care to check it.",
    )
    assertContains(page, "Waiting for verification")


def test_someone_with_several_memberships_chooses_one(
    client: Client, level_2: TrainingStandard
) -> None:
    """Only current memberships are offered; the governor's goes to the clerk."""
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation__name="Lewisham Health Visiting")
    governor = MembershipFactory.create(
        user=user, governor=True, organisation=OrganisationFactory.create(school=True)
    )
    ended = MembershipFactory.create(
        user=user,
        organisation__name="Old Employer",
        start_date=timezone.localdate() - timedelta(days=900),
        end_date=timezone.localdate() - timedelta(days=10),
    )
    as_user(client, user)
    url = reverse("evidence:new")

    form_page = client.get(url)
    assertContains(form_page, "Which organisation is this for?")
    assertContains(form_page, "Lewisham Health Visiting")
    assertNotContains(form_page, "Old Employer")

    missing = client.post(url, _form(level_2))
    assertContains(missing, "Select which organisation this is for.")
    ended_choice = client.post(url, _form(level_2, membership=str(ended.pk)))
    assertContains(ended_choice, "Select which organisation this is for.")
    assert not ExternalEvidence.objects.exists()

    response = client.post(url, _form(level_2, membership=str(governor.pk)))
    evidence = ExternalEvidence.objects.get()
    assert evidence.membership == governor
    page = client.get(response["Location"])
    assertContains(page, "We have asked the clerk to the governors at")


def test_every_standard_can_be_chosen(client: Client) -> None:
    standards = [TrainingStandardFactory.create(name=f"Standard {n}") for n in ("A", "B", "C")]
    as_user(client, MembershipFactory.create().user)
    response = client.get(reverse("evidence:new"))
    for standard in standards:
        assertContains(response, f'<option value="{standard.pk}">{standard.name}</option>')


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the course name."),
        ({"provider": ""}, "Enter who provided the training."),
        (
            {"completed_on_day": "", "completed_on_month": "", "completed_on_year": ""},
            "Enter the date you completed the training.",
        ),
        ({"completed_on_day": "31", "completed_on_month": "2"}, "Enter a real date"),
        (
            {"completed_on_year": str(timezone.localdate().year + 1)},
            "The date you completed the training must be today or in the past.",
        ),
        (
            {"completed_on_year": "1989"},
            "The date you completed the training must be 1 January 1990 or later.",
        ),
        ({"cpd_hours": ""}, "Enter the number of CPD hours"),
        ({"cpd_hours": "three"}, "Enter the CPD hours as a number"),
        ({"cpd_hours": "-1"}, "The CPD hours must be 0 or more."),
        ({"cpd_hours": "100.5"}, "The CPD hours must be 100 or fewer."),
        ({"cpd_hours": "1000"}, "The CPD hours must be 100 or fewer."),
        ({"standard": ""}, "Choose the standard the training meets."),
        ({"file": None}, "Select the file with your certificate."),
        (
            {"file": SimpleUploadedFile("certificate.pdf", b"<html></html>", "application/pdf")},
            "The selected file must be a PDF, PNG or JPEG.",
        ),
        (
            {"file": SimpleUploadedFile("certificate.jpg", PDF_BYTES, "image/jpeg")},
            "The selected file&#x27;s name ends in .jpg but it is a PDF.",
        ),
        (
            {"file": SimpleUploadedFile("certificate.pdf", b"", "application/pdf")},
            "The selected file is empty.",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client: Client, level_2: TrainingStandard, changes: dict[str, Any], message: str
) -> None:
    as_user(client, MembershipFactory.create().user)
    response = client.post(reverse("evidence:new"), _form(level_2, **changes))
    assert response.status_code == 200
    assertContains(response, "<title>Error: Add training you did elsewhere", html=False)
    assertContains(response, "There is a problem")
    assertContains(response, message)
    assert not ExternalEvidence.objects.exists()
    assert stored_files() == []


def test_a_good_file_sent_with_other_mistakes_is_not_kept(
    client: Client, level_2: TrainingStandard
) -> None:
    """The person is told to choose the file again: browsers do not keep it either."""
    as_user(client, MembershipFactory.create().user)
    response = client.post(reverse("evidence:new"), _form(level_2, title=""))
    assertContains(response, "We have not kept the file you chose.")
    assert stored_files() == []


def test_someone_without_a_membership_is_told_how_to_get_one(client: Client) -> None:
    as_user(client, UserFactory.create())
    response = client.get(reverse("evidence:new"))
    assertContains(response, "Ask your organisation")
    assertNotContains(response, "<form", html=False)
    assert client.post(reverse("evidence:new"), {}).status_code == 200
    assert not ExternalEvidence.objects.exists()


def test_sending_evidence_needs_signing_in(client: Client) -> None:
    response = client.get(reverse("evidence:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# One item, and deciding on it ---------------------------------------------------------------


def test_the_owner_sees_why_their_evidence_was_rejected(
    client: Client, partnership: Partnership
) -> None:
    evidence = partnership.staff_evidence
    ExternalEvidence.objects.filter(pk=evidence.pk).update(
        status=EvidenceStatus.REJECTED,
        decided_at=timezone.now(),
        decided_by=partnership.users["coordinator"],
        rejection_reason="Your name is missing from the certificate.",
    )
    as_user(client, partnership.users["owner"])
    response = client.get(reverse("evidence:detail", kwargs={"pk": evidence.pk}))
    assertContains(response, "Rejected")
    assertContains(response, "Your name is missing from the certificate.")
    assertContains(response, reverse("evidence:new"))
    assertNotContains(response, "Verify evidence")
    assertContains(response, reverse("evidence:file", kwargs={"pk": evidence.pk}))


def test_a_reviewer_sees_the_evidence_with_verify_and_reject(
    client: Client, partnership: Partnership
) -> None:
    evidence = partnership.staff_evidence
    as_user(client, partnership.users["coordinator"])
    response = client.get(reverse("evidence:detail", kwargs={"pk": evidence.pk}))
    assertContains(response, "Amara Okafor")
    assertContains(response, "Verify evidence")
    assertContains(response, reverse("evidence:verify", kwargs={"pk": evidence.pk}))
    assertContains(response, reverse("evidence:reject", kwargs={"pk": evidence.pk}))
    assertContains(response, "Why are you rejecting this evidence?")


def test_verifying_puts_the_training_on_the_persons_record(
    client: Client,
    partnership: Partnership,
    django_capture_on_commit_callbacks: Any,
) -> None:
    evidence = partnership.staff_evidence
    coordinator = partnership.users["coordinator"]
    as_user(client, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:verify", kwargs={"pk": evidence.pk}))
    assertRedirects(response, reverse("evidence:review"), fetch_redirect_response=False)
    record = TrainingRecord.objects.get()
    assert record.user == partnership.practitioner.user
    assert record.source == RecordSource.EXTERNAL
    assert record.created_by == coordinator
    assert [message.to for message in mail.outbox] == [[partnership.practitioner.user.email]]
    page = client.get(response["Location"])
    assertContains(page, "You have verified Amara Okafor&#x27;s evidence for Level 2 e-learning.")

    again = client.post(reverse("evidence:verify", kwargs={"pk": evidence.pk}))
    assertRedirects(
        again,
        reverse("evidence:detail", kwargs={"pk": evidence.pk}),
        fetch_redirect_response=False,
    )
    assertContains(client.get(again["Location"]), "This evidence has already been verified.")
    assert TrainingRecord.objects.count() == 1


def test_verifying_is_a_post(client: Client, partnership: Partnership) -> None:
    as_user(client, partnership.users["coordinator"])
    url = reverse("evidence:verify", kwargs={"pk": partnership.staff_evidence.pk})
    assert client.get(url).status_code == 405
    assert not TrainingRecord.objects.exists()


def test_rejecting_needs_a_reason(client: Client, partnership: Partnership) -> None:
    evidence = partnership.staff_evidence
    as_user(client, partnership.users["coordinator"])
    url = reverse("evidence:reject", kwargs={"pk": evidence.pk})

    response = client.post(url, {"reason": "  "})

    assert response.status_code == 200
    assertContains(response, "<title>Error: Reject", html=False)
    assertContains(response, "Enter why you are rejecting the evidence.")
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.PENDING


def test_rejecting_with_a_reason_tells_the_person(
    client: Client, partnership: Partnership, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = partnership.staff_evidence
    as_user(client, partnership.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("evidence:reject", kwargs={"pk": evidence.pk}),
            {"reason": "The certificate is for someone else."},
        )
    assertRedirects(response, reverse("evidence:review"), fetch_redirect_response=False)
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.REJECTED
    assert evidence.rejection_reason == "The certificate is for someone else."
    assert not TrainingRecord.objects.exists()
    (message,) = mail.outbox
    assert "The certificate is for someone else." in message.body


def test_decided_evidence_cannot_be_rejected(client: Client, partnership: Partnership) -> None:
    evidence = partnership.staff_evidence
    ExternalEvidence.objects.filter(pk=evidence.pk).update(
        status=EvidenceStatus.VERIFIED, decided_at=timezone.now()
    )
    as_user(client, partnership.users["coordinator"])
    url = reverse("evidence:reject", kwargs={"pk": evidence.pk})
    detail = reverse("evidence:detail", kwargs={"pk": evidence.pk})

    for response in (client.get(url), client.post(url, {"reason": "Changed my mind."})):
        assertRedirects(response, detail, fetch_redirect_response=False)
    assertContains(client.get(detail), "This evidence has already been verified.")
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.VERIFIED


# The file -----------------------------------------------------------------------------------


def test_the_file_downloads_as_an_attachment_labelled_by_its_content(
    client: Client, partnership: Partnership
) -> None:
    evidence = ExternalEvidenceFactory.create(
        membership=partnership.practitioner,
        file=SimpleUploadedFile("photo.png", png_bytes()),
        original_filename="My certificate.png",
    )
    as_user(client, partnership.users["owner"])

    response = client.get(reverse("evidence:file", kwargs={"pk": evidence.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="My certificate.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png_bytes()


def test_a_stored_file_that_is_not_what_it_claims_is_a_plain_download(
    client: Client, partnership: Partnership
) -> None:
    """Should a stored file change, it is never labelled as something a browser would run."""
    evidence = ExternalEvidenceFactory.create(
        membership=partnership.practitioner,
        file=SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>"),
    )
    as_user(client, partnership.users["coordinator"])
    response = client.get(reverse("evidence:file", kwargs={"pk": evidence.pk}))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_files_live_outside_the_public_media_folder(
    client: Client, partnership: Partnership
) -> None:
    """Nothing in the media URL serves evidence: the file is in private storage."""
    evidence = partnership.staff_evidence
    path = Path(evidence.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not (Path(settings.MEDIA_ROOT) / evidence.file.name).exists()
    as_user(client, partnership.users["coordinator"])
    assert client.get(f"{settings.MEDIA_URL}{evidence.file.name}").status_code == 404


def test_a_missing_file_is_not_found(client: Client, partnership: Partnership) -> None:
    evidence = partnership.staff_evidence
    Path(evidence.file.path).unlink()
    as_user(client, partnership.users["owner"])
    response = client.get(reverse("evidence:file", kwargs={"pk": evidence.pk}))
    assert response.status_code == 404
