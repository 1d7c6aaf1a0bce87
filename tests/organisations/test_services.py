"""Writes for an organisation's people: inviting, adding, changing, ending, invitations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Invitation
from organisations.enums import GovernorCategory, GovernorRole, MembershipKind
from organisations.models import Membership
from organisations.services import (
    invitation_resend,
    invitation_withdraw,
    membership_end,
    membership_invite,
    membership_update,
)
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.organisations.conftest import Council
from tests.organisations.factories import JobRoleFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

COUNCIL = "Lewisham Children's Social Care"


def _invite(council: Council, **fields: Any) -> Invitation:
    values: dict[str, Any] = {
        "organisation": council.organisation,
        "invited_by": council.coordinator_user,
        "email": "sam.taylor@lewisham.example",
        "first_name": "Sam",
        "last_name": "Taylor",
        "kind": MembershipKind.STAFF,
    }
    values.update(fields)
    return membership_invite(**values)


# Inviting one person -------------------------------------------------------------------------


def test_inviting_a_new_person_emails_an_invitation(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = _invite(
            council,
            email=" Sam.Taylor@Lewisham.example ",
            job_role=council.social_worker,
            line_manager=council.manager,
        )
    assert isinstance(result, Invitation)
    assert result.email == "sam.taylor@lewisham.example"
    assert result.line_manager == council.manager
    assert [message.to for message in mail.outbox] == [["sam.taylor@lewisham.example"]]
    assert "/accounts/invitation/" in mail.outbox[0].body


def test_inviting_someone_with_an_account_asks_them_to_accept(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    """Someone who can already sign in is invited too: nothing changes until they accept."""
    user = UserFactory(email="sam.taylor@lewisham.example", first_name="Sam")
    with django_capture_on_commit_callbacks(execute=True):
        result = _invite(council, job_role=council.social_worker)
    assert isinstance(result, Invitation)
    assert result.has_account
    assert not Membership.objects.filter(user=user, organisation=council.organisation).exists()
    assert len(mail.outbox) == 1
    assert "You already have an account. Nothing changes until you accept" in mail.outbox[0].body
    assert result.get_absolute_url() in mail.outbox[0].body


@pytest.mark.parametrize("kind", [MembershipKind.VOLUNTEER, MembershipKind.GOVERNOR])
def test_an_existing_account_from_another_agency_is_only_invited(
    council: Council, kind: str, django_capture_on_commit_callbacks: Any
) -> None:
    """Volunteers and governors have no email-domain check, so adding someone else's member of
    staff must wait for that person to agree."""
    detective = MembershipFactory(organisation=OrganisationFactory(sector="police")).user
    extra: dict[str, Any] = {}
    if kind == MembershipKind.GOVERNOR:
        extra = {
            "governor_category": GovernorCategory.PARENT,
            "governor_role": GovernorRole.SAFEGUARDING_LINK,
            "term_end": timezone.localdate() + timedelta(days=365 * 4),
        }
    with django_capture_on_commit_callbacks(execute=True):
        result = _invite(council, email=detective.email, kind=kind, **extra)
    assert isinstance(result, Invitation)
    assert not Membership.objects.filter(user=detective, organisation=council.organisation).exists()


INVITE_PROBLEMS = [
    pytest.param(
        {"email": "sam@gmail.example"},
        {
            "email": [
                f"Enter a work email address for {COUNCIL}. Staff must use an address ending "
                "@lewisham.example."
            ]
        },
        id="staff-outside-domains",
    ),
    pytest.param(
        {"email": "manager@lewisham.example"},
        {"email": [f"manager@lewisham.example is already a member of staff at {COUNCIL}."]},
        id="already-member",
    ),
    pytest.param(
        {"job_role": "police"},
        {"job_role": ["Choose a job role used in children's social care."]},
        id="job-role-of-another-sector",
    ),
    pytest.param(
        {"line_manager": "other-org"},
        {"line_manager": [f"Choose a line manager who is a current member of staff at {COUNCIL}."]},
        id="line-manager-elsewhere",
    ),
    pytest.param(
        {"governor_category": GovernorCategory.PARENT},
        {"governor_category": ["Only governors have a category, role and term of office."]},
        id="governor-fields-on-staff",
    ),
]


@pytest.mark.parametrize(("fields", "errors"), INVITE_PROBLEMS)
def test_invitation_problems(
    council: Council, fields: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    """Bad details are refused with a message on the field, and nothing is created."""
    if fields.get("job_role") == "police":
        fields["job_role"] = JobRoleFactory(name="Police constable", sector="police")
    if fields.get("line_manager") == "other-org":
        fields["line_manager"] = MembershipFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as caught:
        _invite(council, **fields)
    assert caught.value.message_dict == errors
    assert not Invitation.objects.exists()


def test_second_invitation_to_the_same_person_is_refused(council: Council) -> None:
    _invite(council)
    with pytest.raises(ValidationError) as caught:
        _invite(council)
    assert caught.value.message_dict == {
        "email": [
            "sam.taylor@lewisham.example has already been invited. Send the invitation again "
            "from the invitations page instead."
        ]
    }


def test_volunteers_may_use_any_address(council: Council) -> None:
    result = _invite(council, email="sam@gmail.example", kind=MembershipKind.VOLUNTEER)
    assert isinstance(result, Invitation)


def test_governor_term_must_end_after_it_starts(school: Any) -> None:
    clerk = MembershipFactory(organisation=school, clerk=True).user
    with pytest.raises(ValidationError) as caught:
        membership_invite(
            organisation=school,
            invited_by=clerk,
            email="g@mail.example",
            first_name="Grace",
            last_name="Okafor",
            kind=MembershipKind.GOVERNOR,
            governor_category=GovernorCategory.PARENT,
            start_date=date(2026, 9, 1),
            term_end=date(2026, 8, 31),
        )
    assert caught.value.message_dict == {
        "term_end": ["The term of office must end on or after the start date."]
    }


# Changing a membership -----------------------------------------------------------------------


def _update(membership: Membership, by: Any, **fields: Any) -> Membership:
    values: dict[str, Any] = {
        "membership": membership,
        "updated_by": by,
        "start_date": membership.start_date,
        "job_role": membership.job_role,
        "line_manager": membership.line_manager,
    }
    values.update(fields)
    return membership_update(**values)


def test_coordinator_changes_job_role_and_line_manager(council: Council) -> None:
    person = MembershipFactory(organisation=council.organisation)
    _update(
        person,
        council.coordinator_user,
        job_role=council.social_worker,
        line_manager=council.manager,
        start_date=date(2025, 1, 6),
    )
    person.refresh_from_db()
    assert (person.job_role, person.line_manager, person.start_date) == (
        council.social_worker,
        council.manager,
        date(2025, 1, 6),
    )


@pytest.mark.parametrize(
    ("line_manager", "message"),
    [
        ("self", "A person cannot be their own line manager."),
        ("volunteer", f"Choose a line manager who is a current member of staff at {COUNCIL}."),
        ("former", f"Choose a line manager who is a current member of staff at {COUNCIL}."),
        ("other-org", f"Choose a line manager who is a current member of staff at {COUNCIL}."),
    ],
)
def test_line_manager_must_be_current_staff_of_the_same_organisation(
    council: Council, line_manager: str, message: str
) -> None:
    person = MembershipFactory(organisation=council.organisation)
    choices = {
        "self": person,
        "volunteer": MembershipFactory(organisation=council.organisation, volunteer=True),
        "former": MembershipFactory(
            organisation=council.organisation,
            start_date=date(2020, 1, 1),
            end_date=date(2021, 1, 1),
        ),
        "other-org": MembershipFactory(organisation=OrganisationFactory()),
    }
    with pytest.raises(ValidationError) as caught:
        _update(person, council.coordinator_user, line_manager=choices[line_manager])
    assert caught.value.message_dict == {"line_manager": [message]}
    person.refresh_from_db()
    assert person.line_manager is None


# Who may grant which responsibility: (granter, organisation, flag) → allowed.
GRANT_TABLE = [
    ("partnership", "council", "is_coordinator", True),
    ("partnership", "council", "is_web_editor", True),
    ("partnership", "school", "is_clerk", True),
    ("coordinator", "council", "is_coordinator", True),
    ("coordinator", "council", "is_web_editor", True),
    ("coordinator", "council", "is_clerk", False),  # no governing board here
    ("school-coordinator", "school", "is_clerk", True),
    ("school-coordinator", "school", "is_web_editor", True),
    ("clerk", "school", "is_coordinator", False),
    ("clerk", "school", "is_web_editor", False),
    ("clerk", "school", "is_clerk", False),
]


@pytest.mark.parametrize(("granter", "where", "flag", "allowed"), GRANT_TABLE)
def test_who_may_grant_responsibilities(
    council: Council, school: Any, granter: str, where: str, flag: str, allowed: bool
) -> None:
    """The team grants any; a coordinator grants coordinator and web editor, and clerk in a
    school; a clerk grants nothing."""
    organisation = council.organisation if where == "council" else school
    granters = {
        "partnership": UserFactory(partnership_team=True),
        "coordinator": council.coordinator_user,
        "school-coordinator": MembershipFactory(organisation=school, coordinator=True).user,
        "clerk": MembershipFactory(organisation=school, clerk=True).user,
    }
    person = MembershipFactory(organisation=organisation)
    if allowed:
        _update(person, granters[granter], **{flag: True})
        person.refresh_from_db()
        assert getattr(person, flag) is True
    else:
        with pytest.raises(PermissionDenied):
            _update(person, granters[granter], **{flag: True})
        person.refresh_from_db()
        assert getattr(person, flag) is False


def test_unchanged_flags_need_no_permission(council: Council) -> None:
    """Saving a person's other details does not count as granting their flags again, even a
    flag the editor could not grant (here a stray clerk flag outside a school)."""
    person = MembershipFactory(organisation=council.organisation, clerk=True)
    _update(person, council.coordinator_user, is_clerk=True, job_role=council.social_worker)
    person.refresh_from_db()
    assert (person.is_clerk, person.job_role) == (True, council.social_worker)


def test_governor_details_are_changed(school: Any) -> None:
    clerk = MembershipFactory(organisation=school, clerk=True).user
    governor = MembershipFactory(organisation=school, governor=True)
    _update(
        governor,
        clerk,
        job_role=None,
        line_manager=None,
        governor_category=GovernorCategory.CO_OPTED,
        governor_role=GovernorRole.SAFEGUARDING_LINK,
        term_end=date(2030, 8, 31),
    )
    governor.refresh_from_db()
    assert governor.governor_category == GovernorCategory.CO_OPTED
    assert governor.governor_role == GovernorRole.SAFEGUARDING_LINK
    assert governor.term_end == date(2030, 8, 31)


# Ending a membership ---------------------------------------------------------------------------


def test_ending_a_membership_records_the_last_day(council: Council) -> None:
    person = MembershipFactory(organisation=council.organisation, start_date=date(2024, 1, 1))
    membership_end(membership=person, ended_by=council.coordinator_user, end_date=date(2026, 1, 31))
    person.refresh_from_db()
    assert person.end_date == date(2026, 1, 31)


@pytest.mark.parametrize(
    ("end_date", "already_ends", "message"),
    [
        (
            date(2023, 12, 31),
            None,
            "The end date must be on or after the start date, 1 January 2024.",
        ),
        (date(2026, 1, 31), date(2025, 6, 30), "This membership already ends on 30 June 2025."),
    ],
)
def test_ending_problems(
    council: Council, end_date: date, already_ends: date | None, message: str
) -> None:
    person = MembershipFactory(
        organisation=council.organisation, start_date=date(2024, 1, 1), end_date=already_ends
    )
    with pytest.raises(ValidationError) as caught:
        membership_end(membership=person, ended_by=council.coordinator_user, end_date=end_date)
    assert caught.value.message_dict == {"end_date": [message]}
    person.refresh_from_db()
    assert person.end_date == already_ends


# Invitations ----------------------------------------------------------------------------------


def test_sending_again_makes_a_new_link_and_emails_it(
    council: Council, django_capture_on_commit_callbacks: Any
) -> None:
    """The old link stops working and the new one lasts the full period."""
    invitation = InvitationFactory(
        organisation=council.organisation,
        sent_at=timezone.now() - timedelta(days=20),
        expires_at=timezone.now() - timedelta(days=6),
    )
    old_token = invitation.token
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, sent_by=council.coordinator_user)
    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert invitation.is_usable
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1
    body = str(mail.outbox[0].body)
    assert invitation.token in body
    assert old_token not in body


def test_accepted_invitation_cannot_be_sent_again(council: Council) -> None:
    invitation = InvitationFactory(organisation=council.organisation, accepted_at=timezone.now())
    with pytest.raises(ValidationError):
        invitation_resend(invitation=invitation, sent_by=council.coordinator_user)


def test_withdrawing_stops_the_link_working(council: Council) -> None:
    invitation = InvitationFactory(organisation=council.organisation)
    invitation_withdraw(invitation=invitation, withdrawn_by=council.coordinator_user)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not invitation.is_usable
    assert not Invitation.objects.pending().exists()
