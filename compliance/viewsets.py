"""Wagtail admin for compliance: requirements, for the partnership team."""

from __future__ import annotations

from django import forms
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet

from compliance.forms.admin import RequirementAdminForm
from compliance.models import Requirement
from organisations.viewsets import ProtectedDeleteView


class RequirementViewSet(ModelViewSet):
    """Requirements: which memberships must hold which standard, how often, with what grace.

    Nothing about who must hold what is written in code: the partnership team keeps it here.
    A requirement that should stop applying is made inactive rather than deleted, so its
    reminders' history stays.
    """

    model = Requirement
    icon = "tasks"
    menu_label = "Requirements"
    add_to_admin_menu = True
    menu_order = 215  # after the Training menu (210), whose standards requirements name
    url_prefix = "training-requirements"
    url_namespace = "requirement_admin"
    list_display = ["name", "standard", "sector", "membership_kind", "is_active"]
    list_filter = ["standard", "sector", "membership_kind", "is_active"]
    search_fields = ["name"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = True
    delete_view_class = ProtectedDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("standard"),
            MultiFieldPanel(
                [
                    FieldPanel("sector"),
                    FieldPanel("membership_kind"),
                    FieldPanel("governor_role"),
                    FieldPanel("job_roles", widget=forms.CheckboxSelectMultiple),
                ],
                heading="Who it applies to",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("renewal_months"),
                    FieldPanel("grace_months"),
                    FieldPanel("applies_from"),
                    FieldPanel("is_active"),
                ],
                heading="When",
            ),
        ],
        base_form_class=RequirementAdminForm,
    )
