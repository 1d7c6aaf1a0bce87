"""StreamField blocks for published guides and procedures.

Escalation guides are made of structured blocks (who, how to contact them, how long a stage may
take, what to do) rather than free rich text, so every guide reads the same way, the route finder
can set two organisations' routes side by side, and the poster PDF can lay them out. Each block
has a template under `templates/cms/blocks/`, an icon, a description and a preview value for the
admin's block picker.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from wagtail import blocks

from cms.enums import TimescaleUnit

# Digits, spaces, brackets and a leading plus: what people write for UK and international phone
# numbers. Letters (e.g. "ext.") belong in the contact's hours or role instead.
PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 ()]{2,24}$",
    "Enter a phone number using digits, spaces and brackets only, like 020 8314 6660.",
)

# Rich text in procedures stays simple: GOV.UK content style has no underlines, colours or
# headings inside paragraphs (use a heading block), and no images in text.
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class PhoneBlock(blocks.CharBlock):
    """A phone number, checked for characters a phone can dial."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("validators", [PHONE_VALIDATOR])
        super().__init__(**kwargs)


# What the admin's block previews show for a contact.
CONTACT_PREVIEW = {
    "role": "Duty team manager",
    "name": "",
    "phone": "020 8314 6660",
    "email": "mash@lewisham.example",
    "textphone": "18001 020 8314 6660",
    "hours": "Monday to Friday, 9am to 5pm",
}
NOTICE_PREVIEW = {
    "when": "If the disagreement is not resolved after stage 2.",
    "send_to": CONTACT_PREVIEW | {"role": "Head of service"},
    "copy_to": "The partnership business manager",
}


class ContactBlock(blocks.StructBlock):
    """Who to contact and every way to reach them, including textphone and Relay UK."""

    role = blocks.CharBlock(
        max_length=200, help_text="The role, for example 'Duty team manager'. Always shown."
    )
    name = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="A named person, if you want to publish one. Roles last longer than names.",
    )
    phone = PhoneBlock(required=False)
    email = blocks.EmailBlock(required=False)
    textphone = blocks.CharBlock(
        max_length=100,
        required=False,
        help_text="Textphone, or how to call through Relay UK, for example '18001 020 8314 6660'.",
    )
    hours = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="When this contact answers, for example 'Monday to Friday, 9am to 5pm'.",
    )

    class Meta:
        icon = "user"
        template = "cms/blocks/contact.html"
        label = "Contact"
        description = "A role and how to reach them: phone, email, textphone or Relay UK, hours."
        preview_value = CONTACT_PREVIEW


class TimescaleValue(blocks.StructValue):
    """A timescale with its words: "Within 5 working days", "Immediately"."""

    def as_text(self) -> str:
        unit = self.get("unit")
        amount = self.get("amount")
        if unit == TimescaleUnit.IMMEDIATELY or not amount:
            text = "Immediately"
        else:
            words = {
                TimescaleUnit.HOURS: ("hour", "hours"),
                TimescaleUnit.WORKING_DAYS: ("working day", "working days"),
                TimescaleUnit.DAYS: ("day", "days"),
            }[TimescaleUnit(unit)]
            text = f"Within {amount} {words[0] if amount == 1 else words[1]}"
        note = self.get("note")
        return f"{text} ({note})" if note else text


class TimescaleBlock(blocks.StructBlock):
    """How long a stage may take before the concern moves to the next stage."""

    amount = blocks.IntegerBlock(required=False, min_value=1, max_value=365)
    unit = blocks.ChoiceBlock(choices=TimescaleUnit.choices, default=TimescaleUnit.WORKING_DAYS)
    note = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="Optional, for example 'or sooner if the child is at risk'.",
    )

    class Meta:
        icon = "time"
        template = "cms/blocks/timescale.html"
        value_class = TimescaleValue
        label = "Timescale"
        description = "How long this stage may take, for example 1 working day."
        preview_value = {"amount": 5, "unit": TimescaleUnit.WORKING_DAYS, "note": ""}

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value.get("unit") != TimescaleUnit.IMMEDIATELY and not value.get("amount"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "amount": blocks.BlockValidationError(
                        "Enter how many hours or days, or choose 'Immediately'."
                    )
                }
            )
        return value


class EscalationStageBlock(blocks.StructBlock):
    """One rung of the escalation ladder: who, how to reach them, how long, and what to do."""

    title = blocks.CharBlock(
        max_length=200, help_text="A short name for the stage, like 'Talk to the practitioner'."
    )
    who = ContactBlock(label="Who to go to")
    timescale = TimescaleBlock()
    what_to_do = blocks.ListBlock(
        blocks.CharBlock(max_length=500, label="Step"),
        min_num=1,
        label="What to do",
        help_text="Each step as a short sentence.",
    )
    written_notice = blocks.BooleanBlock(
        required=False,
        label="A written escalation notice is used at this stage",
        help_text="Tick if the concern is put in writing and copied to the partnership.",
    )

    class Meta:
        icon = "order"
        template = "cms/blocks/escalation_stage.html"
        label = "Stage"
        description = "A stage of escalation: who to go to, how to contact them, timescale, steps."
        preview_value = {
            "title": "Talk to the practitioner",
            "who": CONTACT_PREVIEW | {"role": "The practitioner involved"},
            "timescale": {"amount": 1, "unit": TimescaleUnit.WORKING_DAYS, "note": ""},
            "what_to_do": [
                "Explain your concern and what you think should happen.",
                "Agree what will happen next and by when, and write it down.",
            ],
            "written_notice": False,
        }


class RouteBlock(blocks.StructBlock):
    """A route for one situation: an urgent concern, or out of office hours."""

    title = blocks.CharBlock(max_length=200)
    when = blocks.TextBlock(
        help_text="When to use it, for example 'A child may be at risk of significant harm today'."
    )
    contact = ContactBlock()
    what_to_do = blocks.ListBlock(
        blocks.CharBlock(max_length=500, label="Step"), min_num=1, label="What to do"
    )

    class Meta:
        icon = "warning"
        template = "cms/blocks/route.html"
        label = "Route"
        description = "Who to contact in a particular situation, and what to do."
        preview_value = {
            "title": "Urgent concern during office hours",
            "when": "A child may be at risk of significant harm and cannot wait for a reply.",
            "contact": CONTACT_PREVIEW,
            "what_to_do": [
                "Phone the front door straight away; do not email.",
                "Follow up in writing within 24 hours.",
            ],
        }


class EscalationNoticeBlock(blocks.StructBlock):
    """The written escalation notice: when it is used and where it goes."""

    when = blocks.TextBlock(help_text="At which stage, and for what, the notice is used.")
    send_to = ContactBlock(label="Send it to")
    copy_to = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="Who gets a copy, for example 'the partnership business manager'.",
    )

    class Meta:
        icon = "mail"
        template = "cms/blocks/escalation_notice.html"
        label = "Written escalation notice"
        description = "When a written notice is used, who receives it and who is copied in."
        preview_value = NOTICE_PREVIEW


class DisagreementBlock(blocks.StructBlock):
    """How professionals resolve a disagreement about a child's safety."""

    principles = blocks.ListBlock(
        blocks.TextBlock(label="Point"),
        min_num=1,
        label="How to approach it",
        help_text="Short points, for example 'Keep the child's safety at the centre'.",
    )
    escalation_notice = EscalationNoticeBlock(required=False)
    conference_decisions = blocks.TextBlock(
        required=False,
        label="Disagreeing with a child protection conference decision",
        help_text="How to challenge a conference decision (usually through the conference chair).",
    )

    class Meta:
        icon = "group"
        template = "cms/blocks/disagreement.html"
        label = "Resolving a professional disagreement"
        description = "How to resolve a professional disagreement, the written notice, conferences."
        preview_value = {
            "principles": [
                "Keep the child's safety and wellbeing at the centre.",
                "Try to resolve it with the other professional first, within a working week.",
            ],
            "escalation_notice": NOTICE_PREVIEW,
            "conference_decisions": "Tell the conference chair within 5 working days.",
        }


class HeadingBlock(blocks.CharBlock):
    """A second-level heading, so long procedures can be scanned."""

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"
        label = "Heading"
        description = "A section heading."
        preview_value = "When to share information"


class ParagraphBlock(blocks.RichTextBlock):
    """Plain text with links and lists, nothing more."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "cms/blocks/paragraph.html"
        label = "Paragraph"
        description = "Text, with bold, links and lists."
        preview_value = (
            "<p>Share information when it helps keep a child safe. "
            "You do not need consent if asking would put the child at risk.</p>"
        )


class InsetBlock(blocks.TextBlock):
    """A short note set apart from the text around it."""

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/inset.html"
        label = "Inset text"
        description = "A short note set apart from the text, like an example or a quote."
        preview_value = (
            "Fears about sharing information must not stand in the way of keeping children safe."
        )


class WarningBlock(blocks.TextBlock):
    """A warning that must not be missed."""

    class Meta:
        icon = "warning"
        template = "cms/blocks/warning.html"
        label = "Warning"
        description = "A short warning, shown with an exclamation mark."
        preview_value = "If a child is in immediate danger, call 999."


class DetailsBlock(blocks.StructBlock):
    """Extra detail that only some readers need, behind a short summary."""

    summary = blocks.CharBlock(max_length=200)
    text = ParagraphBlock()

    class Meta:
        icon = "collapse-down"
        template = "cms/blocks/details.html"
        label = "Expanding detail"
        description = "A short summary that opens to show more detail."
        preview_value = {
            "summary": "What counts as consent",
            "text": "<p>Consent must be informed and freely given.</p>",
        }


class ExternalLinkBlock(blocks.StructBlock):
    """A document published elsewhere, such as the London data sharing agreement."""

    title = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock(label="Web address")
    publisher = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="Who publishes it, like 'Department for Education'.",
    )
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "link-external"
        template = "cms/blocks/external_link.html"
        label = "Link to a document elsewhere"
        description = "A link to guidance or an agreement published by someone else."
        preview_value = {
            "title": "Information sharing: advice for practitioners",
            "url": "https://www.gov.uk/government/publications/safeguarding-practitioners-information-sharing-advice",
            "publisher": "Department for Education",
            "description": "Advice on sharing information to safeguard children.",
        }


class StepsBlock(blocks.StructBlock):
    """A numbered list of steps with a title."""

    title = blocks.CharBlock(max_length=200)
    steps = blocks.ListBlock(blocks.CharBlock(max_length=500, label="Step"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "cms/blocks/steps.html"
        label = "Numbered steps"
        description = "Steps to follow in order."
        preview_value = {
            "title": "Before you share",
            "steps": [
                "Check the information is necessary and proportionate.",
                "Record what you shared, with whom and why.",
            ],
        }


class ProcedureBodyBlock(blocks.StreamBlock):
    """What a procedure page is made of."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    steps = StepsBlock()
    inset = InsetBlock()
    warning = WarningBlock()
    details = DetailsBlock()
    external_link = ExternalLinkBlock()
    contact = ContactBlock()


class ContentBodyBlock(blocks.StreamBlock):
    """What an ordinary page, or an organisation's own introduction, is made of."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    inset = InsetBlock()
    details = DetailsBlock()
    external_link = ExternalLinkBlock()
