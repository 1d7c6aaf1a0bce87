"""Account services: the first membership, sending allauth's email, resetting MFA."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives

from accounts.services import email_message_send_on_commit, signup_membership_create
from organisations.models import Membership
from tests.accounts.factories import InvitationFactory, UserFactory
from tests.organisations.factories import EmailDomainFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_domain_membership_needs_the_organisations_domain():
    """Joining by domain is refused when the organisation does not use the person's domain."""
    user = UserFactory(email="sam@elsewhere.example")
    organisation = OrganisationFactory()
    EmailDomainFactory(organisation=organisation, domain="agency-domain.example")
    with pytest.raises(ValidationError, match="does not use the email domain"):
        signup_membership_create(user=user, invitation=None, organisation=organisation)
    assert not Membership.objects.exists()


def test_domain_membership_is_staff_with_no_job_role_yet():
    """A domain sign-up joins as staff; the coordinator adds the job role later."""
    user = UserFactory(email="sam@agency-domain.example")
    organisation = OrganisationFactory()
    EmailDomainFactory(organisation=organisation, domain="agency-domain.example")
    membership = signup_membership_create(user=user, invitation=None, organisation=organisation)
    assert (membership.kind, membership.job_role) == ("staff", None)


def test_membership_needs_an_invitation_or_an_organisation():
    """With neither, there is nothing to join."""
    with pytest.raises(ValidationError, match="Select the organisation"):
        signup_membership_create(user=UserFactory(), invitation=None, organisation=None)


def test_invitation_for_another_address_is_refused():
    """An invitation only makes a membership for the address it was sent to."""
    invitation = InvitationFactory(email="invited@agency.example")
    with pytest.raises(ValidationError, match="different email address"):
        signup_membership_create(
            user=UserFactory(email="other@agency.example"), invitation=invitation, organisation=None
        )


def test_email_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    """allauth's rendered email waits for the commit, then goes out through the task."""
    message = EmailMultiAlternatives("Subject", "Body", "hub@partnership.example", ["a@b.example"])
    message.attach_alternative("<p>Body</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_message_send_on_commit(message=message)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to) == ("Subject", "Body", ["a@b.example"])
    assert sent.alternatives[0][1] == "text/html"


def test_invitation_email_text_is_not_html_escaped():
    """Plain-text emails show apostrophes as typed, not as HTML entities."""
    from django.core import mail

    from accounts.services import invitation_send
    from tests.accounts.factories import InvitationFactory

    invitation = InvitationFactory(organisation__name="St Mary's Primary School")
    assert invitation_send(invitation=invitation)
    [message] = mail.outbox
    assert "St Mary's Primary School" in message.subject
    assert "St Mary's Primary School" in message.body
    assert "&#x27;" not in message.subject + message.body


def test_invitation_without_an_inviter_is_allowed():
    """Invitations made by the system (no person behind them) are valid."""
    from accounts.services import invitation_create
    from tests.organisations.factories import OrganisationFactory

    invitation = invitation_create(
        organisation=OrganisationFactory(),
        email="New.Person@Agency.example",
        first_name="Ada",
        last_name="Okafor",
        kind="staff",
        invited_by=None,
        send=False,
    )
    assert invitation.invited_by is None
    assert invitation.email == "new.person@agency.example"
