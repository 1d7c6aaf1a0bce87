"""The StreamField blocks of guides and procedures: what editors see in the block picker, and the
GOV.UK markup each block renders."""

from __future__ import annotations

import inspect

import pytest
from django.template.loader import render_to_string
from wagtail import blocks

from cms import blocks as cms_blocks

# Every block in cms/blocks.py that names a template: the ones editors pick and readers see.
TEMPLATED_BLOCKS = sorted(
    (
        cls
        for _, cls in inspect.getmembers(cms_blocks, inspect.isclass)
        if issubclass(cls, blocks.Block)
        and cls.__module__ == cms_blocks.__name__
        and getattr(cls._meta_class, "template", None)
    ),
    key=lambda cls: cls.__name__,
)

# What each block's preview value must show once rendered. Text with apostrophes is avoided:
# templates escape them.
RENDERED = {
    cms_blocks.ContactBlock: [
        "Duty team manager",
        'href="tel:02083146660"',
        'href="mailto:mash@lewisham.example"',
        "18001 020 8314 6660",
        "Monday to Friday, 9am to 5pm",
    ],
    cms_blocks.TimescaleBlock: ["Within 5 working days"],
    cms_blocks.EscalationStageBlock: [
        "Talk to the practitioner",
        "The practitioner involved",
        "Within 1 working day",
        "Agree what will happen next and by when, and write it down.",
    ],
    cms_blocks.RouteBlock: [
        "Urgent concern during office hours",
        "cannot wait for a reply",
        "Follow up in writing within 24 hours.",
    ],
    cms_blocks.EscalationNoticeBlock: [
        "Written escalation notice",
        "If the disagreement is not resolved after stage 2.",
        "Head of service",
        "The partnership business manager",
    ],
    cms_blocks.DisagreementBlock: [
        "Try to resolve it with the other professional first",
        "Written escalation notice",
        "Tell the conference chair within 5 working days.",
    ],
    cms_blocks.HeadingBlock: ['<h2 class="govuk-heading-m">When to share information</h2>'],
    cms_blocks.ParagraphBlock: ['class="app-rich-text"', "You do not need consent"],
    cms_blocks.InsetBlock: ['class="govuk-inset-text"', "must not stand in the way"],
    cms_blocks.WarningBlock: [
        'class="govuk-warning-text"',
        "If a child is in immediate danger, call 999.",
    ],
    cms_blocks.DetailsBlock: [
        '<details class="govuk-details">',
        "What counts as consent",
        "Consent must be informed and freely given.",
    ],
    cms_blocks.ExternalLinkBlock: [
        'href="https://www.gov.uk/government/publications/safeguarding-practitioners-information'
        '-sharing-advice"',
        "Information sharing: advice for practitioners",
        "Published by Department for Education",
    ],
    cms_blocks.StepsBlock: [
        '<ol class="govuk-list govuk-list--number">',
        "Before you share",
        "Record what you shared, with whom and why.",
    ],
}


def test_every_templated_block_is_checked() -> None:
    """Each of the 13 blocks with a template is in this file's table, and only those."""
    assert set(TEMPLATED_BLOCKS) == set(RENDERED)
    assert len(TEMPLATED_BLOCKS) == 13


@pytest.mark.parametrize("block_class", TEMPLATED_BLOCKS, ids=lambda cls: cls.__name__)
def test_block_tells_editors_what_it_is(block_class: type[blocks.Block]) -> None:
    """A block has an icon, a description and a preview value for the block picker, and its
    template is named after it."""
    block = block_class()
    assert block.meta.icon not in ("", "placeholder")
    assert block.get_description()
    assert block.get_preview_value()
    assert block.meta.template.startswith("cms/blocks/")
    assert block.is_previewable


@pytest.mark.parametrize("block_class", TEMPLATED_BLOCKS, ids=lambda cls: cls.__name__)
def test_block_renders_its_preview_value(block_class: type[blocks.Block]) -> None:
    """A block's preview value renders through its template with the text it holds."""
    block = block_class()
    html = block.render(block.get_preview_value())
    for text in RENDERED[block_class]:
        assert text in html


@pytest.mark.parametrize(
    ("phone", "email", "shown", "hidden"),
    [
        ("020 8314 6660", "", "Phone", "Email"),
        ("", "duty@agency.example", "Email", "Phone"),
    ],
)
def test_contact_leaves_out_what_was_not_given(
    phone: str, email: str, shown: str, hidden: str
) -> None:
    """A contact shows only the ways of reaching them that were filled in."""
    block = cms_blocks.ContactBlock()
    value = block.to_python({"role": "Head of service", "name": "", "phone": phone, "email": email})
    html = block.render(value)
    assert "Head of service" in html
    assert f">{shown}</dt>" in html
    assert f">{hidden}</dt>" not in html
    assert "Textphone" not in html
    assert "When</dt>" not in html


def test_stage_tags_a_written_notice() -> None:
    """A stage that uses a written escalation notice says so with a tag."""
    block = cms_blocks.EscalationStageBlock()
    without = block.get_preview_value()
    with_notice = block.to_python(block.get_prep_value(without) | {"written_notice": True})
    assert "govuk-tag" not in block.render(without)
    assert "Written escalation notice</strong>" in block.render(with_notice)


def test_disagreement_without_a_notice_shows_no_notice() -> None:
    """The written notice is optional: left empty, the disagreement block does not mention it."""
    block = cms_blocks.DisagreementBlock()
    value = block.to_python({"principles": ["Keep the child at the centre."]})
    html = block.render(value)
    assert "Keep the child at the centre." in html
    assert "Written escalation notice" not in html
    assert "conference decision" not in html


@pytest.mark.parametrize("block_class", TEMPLATED_BLOCKS, ids=lambda cls: cls.__name__)
def test_admin_preview_uses_the_sites_stylesheet(block_class: type[blocks.Block]) -> None:
    """The admin's block previews load the published site's stylesheet, so a block looks as it
    will when published."""
    block = block_class()
    value = block.get_preview_value()
    template = block.get_preview_template(value)
    context = {"block_def": block, "bound_block": block.bind(value), "page_title": "Preview"}
    html = render_to_string(template, block.get_preview_context(value, context) | context)
    assert "dist/app.css" in html
    assert RENDERED[block_class][0] in html
