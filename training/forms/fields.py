"""Form fields and help text that several apps' forms share."""

from __future__ import annotations

from typing import Any

from django import forms

# Shown under every free-text box a person might use to explain themselves.
NO_CHILD_INFORMATION = "Do not include anything that could identify a child."


class MembershipChoiceField(forms.ModelChoiceField):
    """A person's membership, named by organisation and role."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.organisation.name} ({', '.join(obj.role_labels)})"


class PersonChoiceField(forms.ModelChoiceField):
    """Someone in an organisation, named so that two people with one name can be told apart."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.user.get_full_name() or obj.user.email
        return f"{name} ({obj.user.email}), {obj.organisation.name}"
