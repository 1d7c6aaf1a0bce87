"""Posting to Wagtail's admin as an editor's browser would.

Wagtail's page edit and create views expect the whole page form in one POST: plain fields, the
comments formset, and every StreamField as flat, numbered form fields (`stages-0-value-title`,
`stages-count`, ...), which the browser builds from JSON. Tests build the same data here with
`wagtail.test.utils.form_data`, so that they go through the real views, with their permission
checks and workflow buttons, rather than saving pages behind the admin's back.

Also here: the people who post them, in the groups their roles give them and with MFA set up,
as the admin requires. Kept apart from the test modules so that those import helpers, not one
another.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html

from accounts.models import User
from cms.models import EscalationGuidePage
from cms.services.editors import page_editors_sync_for_user
from organisations.models import Organisation
from tests.accounts.factories import UserFactory, enrol_totp
from tests.cms.factories import disagreement, review_dates, route, stage
from tests.organisations.factories import MembershipFactory


def signed_in(client: Client, user: User) -> Client:
    """`client` signed in as `user`, with MFA set up, as the admin and the other pages for
    privileged roles require."""
    enrol_totp(user)
    client.force_login(user)
    return client


def web_editor(organisation: Organisation, **user_fields: Any) -> User:
    """A new web editor of `organisation`, in its editors' group (synced directly: the signals
    do it on commit, which never comes in a test), with MFA set up."""
    user: User = UserFactory.create(**user_fields)
    MembershipFactory.create(user=user, organisation=organisation, web_editor=True)
    page_editors_sync_for_user(user=user)
    enrol_totp(user)
    return user


def partnership_team_member(**user_fields: Any) -> User:
    """A new member of the partnership team, in the partnership group, with MFA set up."""
    user: User = UserFactory.create(partnership_team=True, **user_fields)
    page_editors_sync_for_user(user=user)
    enrol_totp(user)
    return user


def block_form_data(block: blocks.Block, value: Any) -> Any:
    """A block value as the nested form data Wagtail's page form reads back."""
    if isinstance(block, blocks.BaseStreamBlock):
        return _numbered(
            {
                "type": child.block_type,
                "value": block_form_data(child.block, child.value),
                "id": child.id or "",
            }
            for child in value
        )
    if isinstance(block, blocks.ListBlock):
        return _numbered(
            {"value": block_form_data(block.child_block, child.value), "id": child.id or ""}
            for child in value.bound_blocks
        )
    if isinstance(block, blocks.BaseStructBlock):
        return {
            name: block_form_data(child, value[name]) for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.BooleanBlock):
        return "on" if value else ""
    state = block.get_form_state(value)
    if isinstance(state, list):  # a single-choice select gives its value as a list
        return state[0] if state else ""
    return "" if state is None else state


def _numbered(items: Any) -> dict[str, Any]:
    data = {
        str(index): {**item, "deleted": "", "order": str(index)} for index, item in enumerate(items)
    }
    return {**data, "count": str(len(data))}


def stream_form_data(model: type[Page], **raw: Any) -> dict[str, Any]:
    """StreamField values, given as the raw data the factories use, as posted form fields."""
    data: dict[str, Any] = {}
    for name, value in raw.items():
        stream_field = model._meta.get_field(name)
        assert isinstance(stream_field, StreamField)
        block = stream_field.stream_block
        data.update(nested_form_data({name: block_form_data(block, block.to_python(value))}))
    return data


def edit_form_data(client: Client, page: Page, **changes: Any) -> dict[str, Any]:
    """What the admin's edit form posts for `page` as it opens for the signed-in person, with
    `changes` made (a change of None leaves a field out, as an unticked box is)."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    data: dict[str, Any] = querydict_from_html(
        response.content.decode(), form_id="page-edit-form"
    ).dict()
    latest = page.specific_class.objects.get(pk=page.pk).get_latest_revision_as_object()
    for model_field in type(latest)._meta.get_fields():
        if isinstance(model_field, StreamField):
            block = model_field.stream_block
            value = getattr(latest, model_field.name)
            data.update(nested_form_data({model_field.name: block_form_data(block, value)}))
    data.update(nested_form_data({"comments": inline_formset([])}))
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def new_guide_form_data(**fields: Any) -> dict[str, Any]:
    """The admin's "add escalation guide" form, filled in."""
    dates = review_dates()
    return {
        "title": "How to escalate a concern",
        "slug": "escalation",
        "summary": "For staff whose safeguarding concern is not being acted on.",
        "review_owner": "",
        "review_owner_title": "Head of Safeguarding",
        "last_reviewed": dates["last_reviewed"].isoformat(),
        "next_review": dates["next_review"].isoformat(),
        **stream_form_data(
            EscalationGuidePage,
            stages=[stage("Talk to the practitioner"), stage("Talk to their manager")],
            urgent_route=route("Urgent concern"),
            out_of_hours_route=route("Out of hours", role="Emergency duty team"),
            disagreement=disagreement(),
        ),
        **nested_form_data({"comments": inline_formset([])}),
        **fields,
    }
