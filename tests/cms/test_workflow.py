"""Publication goes through the partnership team: submit, approve or request changes, in the
real admin, with the emails Wagtail sends and the audit log it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState

from accounts.models import User
from cms.models import EscalationGuidePage, OrganisationPage, ProcedurePage
from cms.services.site_tree import WORKFLOW_NAME
from tests.cms.admin_forms import edit_form_data, partnership_team_member, web_editor
from tests.cms.factories import guide_page, organisation_page, procedure_page
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ORIGINAL_SUMMARY = "For staff whose safeguarding concern is not being acted on."
NEW_SUMMARY = "For anyone whose concern about a child has not been acted on."


@dataclass
class Team:
    guide: EscalationGuidePage
    editor: User
    approver: User
    colleague: User  # another partnership team member

    def fresh_guide(self) -> EscalationGuidePage:
        return EscalationGuidePage.objects.get(pk=self.guide.pk)


@pytest.fixture
def team() -> Team:
    """A published guide (edition 1), its organisation's web editor and two of the partnership
    team, each in the groups their roles give them."""
    organisation = OrganisationFactory.create(name="Lewisham Children's Social Care")
    guide = guide_page(organisation_page(organisation))
    editor = web_editor(organisation, first_name="Eleanor", last_name="Editor")
    approver = partnership_team_member(first_name="Amir", last_name="Approver")
    colleague = partnership_team_member(first_name="Chloe", last_name="Colleague")
    return Team(guide=guide, editor=editor, approver=approver, colleague=colleague)


def _submit(client: Client, team: Team, **changes: Any) -> Any:
    """The editor changes the guide and presses "Submit to Partnership approval"."""
    client.force_login(team.editor)
    data = edit_form_data(client, team.guide, **changes)
    data["action-submit"] = "action-submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[team.guide.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def _task_state(page: Page) -> TaskState:
    state = Page.objects.get(pk=page.pk).current_workflow_task_state
    assert state is not None
    return state


def _act(client: Client, user: User, page: Page, action: str, comment: str = "") -> Any:
    """`user` presses a workflow button (approve, or reject: "Request changes") on the page."""
    client.force_login(user)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, action, _task_state(page).pk]
    )
    return client.post(url, {"comment": comment})


# Submitting ---------------------------------------------------------------------------------


def test_the_editor_is_offered_submission_not_publication(client: Client, team: Team) -> None:
    """The editor's form has a "Submit to Partnership approval" button and no Publish button;
    the partnership team's has both."""
    url = reverse("wagtailadmin_pages:edit", args=[team.guide.pk])
    client.force_login(team.editor)
    response = client.get(url)
    assertContains(response, f"Submit to {WORKFLOW_NAME}")
    assertNotContains(response, 'name="action-publish"')
    client.force_login(team.approver)
    response = client.get(url)
    assertContains(response, f"Submit to {WORKFLOW_NAME}")
    assertContains(response, 'name="action-publish"')


def test_a_submitted_change_waits_for_approval(client: Client, team: Team) -> None:
    """Submitting saves the new version and starts the workflow; readers still see the
    published version, and the editor cannot change the page while it waits."""
    _submit(client, team, summary=NEW_SUMMARY)
    guide = team.fresh_guide()
    assert guide.summary == ORIGINAL_SUMMARY
    assert guide.edition == 1
    assert guide.get_latest_revision_as_object().summary == NEW_SUMMARY
    state = guide.current_workflow_state
    assert state is not None
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == WORKFLOW_NAME
    assert state.requested_by == team.editor
    assert guide.permissions_for_user(team.editor).page_locked()


def test_the_partnership_team_is_emailed_about_a_submission(
    client: Client, team: Team, mailoutbox: list[Any]
) -> None:
    """Wagtail emails each member of the approving group (not the editor who submitted)."""
    _submit(client, team, summary=NEW_SUMMARY)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [team.approver.email, team.colleague.email]
    )
    message = mailoutbox[0]
    assert "How to escalate a concern at Lewisham Children" in message.subject
    assert "submitted for approval" in message.subject
    assert reverse("wagtailadmin_pages:edit", args=[team.guide.pk]) in message.body


# Approving ----------------------------------------------------------------------------------


def test_approval_publishes_a_new_edition(
    client: Client, team: Team, mailoutbox: list[Any]
) -> None:
    """When the partnership team approves, the submitted version goes live as the next edition,
    and the editor is emailed that it was approved."""
    _submit(client, team, summary=NEW_SUMMARY)
    mail.outbox.clear()
    response = _act(client, team.approver, team.guide, "approve")
    assert response.status_code == 302
    guide = team.fresh_guide()
    assert guide.summary == NEW_SUMMARY
    assert guide.edition == 2
    assert not guide.has_unpublished_changes
    assert guide.current_workflow_state is None
    assert guide.workflow_states.get().status == WorkflowState.STATUS_APPROVED
    assert [message.to for message in mailoutbox] == [[team.editor.email]]
    assert "approved" in mailoutbox[0].subject


def test_a_small_correction_keeps_the_edition(client: Client, team: Team) -> None:
    """A version ticked "This is a small correction" goes live under the same edition, so
    nobody is asked to confirm they have read it again; the tick does not stay on."""
    _submit(client, team, summary=NEW_SUMMARY, minor_change="on")
    _act(client, team.approver, team.guide, "approve")
    guide = team.fresh_guide()
    assert guide.summary == NEW_SUMMARY
    assert guide.edition == 1
    assert guide.minor_change is False


def test_the_editor_cannot_approve_their_own_change(client: Client, team: Team) -> None:
    """The approve button is the partnership team's: the editor posting it is refused."""
    _submit(client, team, summary=NEW_SUMMARY)
    response = _act(client, team.editor, team.guide, "approve")
    assert response["Location"] == reverse("wagtailadmin_home")
    guide = team.fresh_guide()
    assert guide.summary == ORIGINAL_SUMMARY
    assert guide.workflow_in_progress


# Requesting changes -------------------------------------------------------------------------


def test_requesting_changes_leaves_it_unpublished(
    client: Client, team: Team, mailoutbox: list[Any]
) -> None:
    """ "Request changes" sends the version back to the editor with the comment; nothing goes
    live, and the editor can change it and submit again."""
    _submit(client, team, summary=NEW_SUMMARY)
    mail.outbox.clear()
    _act(client, team.approver, team.guide, "reject", comment="Add the out-of-hours number.")
    guide = team.fresh_guide()
    assert guide.summary == ORIGINAL_SUMMARY
    assert guide.edition == 1
    assert guide.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert [message.to for message in mailoutbox] == [[team.editor.email]]
    assert "Add the out-of-hours number." in mailoutbox[0].body

    assert guide.permissions_for_user(team.editor).can_edit()
    client.force_login(team.editor)
    data = edit_form_data(client, guide, summary="Second attempt.")
    data["action-restart-workflow"] = "action-restart-workflow"
    client.post(reverse("wagtailadmin_pages:edit", args=[guide.pk]), data)
    guide = team.fresh_guide()
    assert guide.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert guide.summary == ORIGINAL_SUMMARY


# Who did what -------------------------------------------------------------------------------


def test_the_audit_log_records_who_changed_what(client: Client, team: Team) -> None:
    """After edit, submit and approve, the page's log names the editor for the edit and the
    submission and the approver for the approval and the publication, and the admin's history
    page shows both names."""
    before = set(PageLogEntry.objects.filter(page=team.guide).values_list("pk", flat=True))
    _submit(client, team, summary=NEW_SUMMARY)
    _act(client, team.approver, team.guide, "approve")
    entries = PageLogEntry.objects.filter(page=team.guide).exclude(pk__in=before)
    done = {(entry.action, entry.user_id) for entry in entries}
    assert {
        ("wagtail.edit", team.editor.pk),
        ("wagtail.workflow.start", team.editor.pk),
        ("wagtail.workflow.approve", team.approver.pk),
        ("wagtail.publish", team.approver.pk),
    } <= done
    assert not {action for action, user in done if user is None}

    client.force_login(team.approver)
    response = client.get(reverse("wagtailadmin_pages:history", args=[team.guide.pk]))
    assertContains(response, "Eleanor Editor")
    assertContains(response, "Amir Approver")


# A new organisation's page ------------------------------------------------------------------


def test_a_new_organisations_page_goes_live_once_approved(client: Client) -> None:
    """The draft page made for a new organisation is filled in by its editor, submitted, and
    published for the first time when the partnership team approves it."""
    organisation = OrganisationFactory.create(name="Catford Youth Club", slug="catford-youth")
    editor = web_editor(organisation)
    approver = partnership_team_member()
    page = OrganisationPage.objects.get(organisation=organisation)
    assert not page.live

    client.force_login(editor)
    data = edit_form_data(client, page, summary="Youth work in Catford for ages 8 to 19.")
    data["action-submit"] = "action-submit"
    client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
    assert not OrganisationPage.objects.get(pk=page.pk).live

    _act(client, approver, page, "approve")
    page = OrganisationPage.objects.get(pk=page.pk)
    assert page.live
    assert page.summary == "Youth work in Catford for ages 8 to 19."
    assert page.organisation == organisation


def test_the_partnership_team_publishes_its_own_procedures_directly(client: Client) -> None:
    """The partnership team holds publish permission, so a change to a partnership procedure
    can go live at once without a workflow."""
    procedure = procedure_page()
    team_member = partnership_team_member()
    client.force_login(team_member)
    data = edit_form_data(client, procedure, summary="When and how to share information.")
    data["action-publish"] = "action-publish"
    client.post(reverse("wagtailadmin_pages:edit", args=[procedure.pk]), data)
    procedure = ProcedurePage.objects.get(pk=procedure.pk)
    assert procedure.summary == "When and how to share information."
    assert procedure.edition == 2
    assert not procedure.workflow_states.exists()
