"""Forms for the public published pages. They parse input; what to show lives in selectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from cms.models.pages import EscalationGuidePage


class RouteFinderForm(forms.Form):
    """ "Where do I escalate?": the organisation you work for and the one you disagree with.

    Sent with GET as `?from=<slug>&to=<slug>`, so a result can be bookmarked, shared and turned
    into a poster. Only organisations with a live escalation guide can be chosen. The fields are
    added in `__init__` because `from` is a Python keyword and cannot be a class attribute.
    """

    def __init__(
        self, *args: Any, guides: Mapping[str, EscalationGuidePage], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.guides = guides
        choices = [("", "Choose an organisation")] + [
            (slug, guide.organisation.name if guide.organisation else guide.title)
            for slug, guide in guides.items()
        ]
        self.fields["from"] = forms.ChoiceField(
            label="The organisation you work for",
            choices=choices,
            error_messages={
                "required": "Choose the organisation you work for.",
                "invalid_choice": (
                    "Choose the organisation you work for from the list. Only organisations "
                    "that have published an escalation guide are listed."
                ),
            },
        )
        self.fields["to"] = forms.ChoiceField(
            label="The organisation you disagree with",
            help_text="Choose your own organisation again if the disagreement is within it.",
            choices=choices,
            error_messages={
                "required": "Choose the organisation you disagree with.",
                "invalid_choice": (
                    "Choose the organisation you disagree with from the list. Only "
                    "organisations that have published an escalation guide are listed."
                ),
            },
        )

    @property
    def own_guide(self) -> EscalationGuidePage:
        """The guide of the organisation you work for; only after `is_valid()`."""
        return self.guides[self.cleaned_data["from"]]

    @property
    def their_guide(self) -> EscalationGuidePage:
        """The guide of the organisation you disagree with; only after `is_valid()`."""
        return self.guides[self.cleaned_data["to"]]
