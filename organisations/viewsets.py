"""Wagtail admin pages where the partnership team manages organisations and job roles.

Registered in `organisations.wagtail_hooks` only. Access follows Django's model permissions
through Wagtail's `ModelPermissionPolicy`; `accounts.backends.RolePermissionBackend` grants them
to the partnership team only (Django's superusers hold every permission anyway). Being allowed
into the admin for other work, or `is_staff`, opens none of these pages.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.db import router, transaction
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.db.models.options import Options
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TitleFieldPanel,
    get_form_for_model,
)
from wagtail.admin.views.generic import DeleteView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.slug import SlugInput

from organisations.forms.admin import (
    EmailDomainAdminForm,
    EmailDomainFormSet,
    HeadcountFormSet,
    JobRoleAdminForm,
    OrganisationAdminForm,
)
from organisations.models import JobRole, Organisation
from organisations.signals import organisation_deleting, organisation_removable_dependents


def records_preventing_deletion(instance: Model) -> Counter[Options[Any]]:
    """How many records of each kind still depend on `instance`; empty when it may go."""
    collector = Collector(using=router.db_for_write(type(instance), instance=instance))
    try:
        collector.collect([instance])
    except ProtectedError as error:
        blocking = error.protected_objects
    except RestrictedError as error:
        blocking = error.restricted_objects
    else:
        return Counter()
    return Counter(type(obj)._meta for obj in set(blocking))


def _in_words(counts: Counter[Options[Any]]) -> str:
    """The counts in words, for example "3 memberships and 1 organisation"."""
    parts = [
        f"{count} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"
        for opts, count in sorted(counts.items(), key=lambda item: str(item[0].verbose_name))
    ]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


class ProtectedDeleteView(DeleteView):
    """Explains, instead of failing, when other records still depend on what would be deleted."""

    template_name = "organisations/admin/confirm_delete.html"

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.blocking = records_preventing_deletion(self.object)

    @property
    def refusal_message(self) -> str:
        them = "it" if self.blocking.total() == 1 else "them"
        return (
            f"{self.object} cannot be deleted while it is still used by "
            f"{_in_words(self.blocking)}. Move or remove {them} first."
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["refusal_message"] = self.refusal_message if self.blocking else ""
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        if not self.blocking:
            try:
                return super().form_valid(form)
            except (ProtectedError, RestrictedError):
                # Something came to depend on it after the page was shown.
                self.blocking = records_preventing_deletion(self.object)
        messages.error(self.request, self.refusal_message)
        return HttpResponseRedirect(reverse(self.edit_url_name, args=(quote(self.object.pk),)))


class OrganisationDeleteView(ProtectedDeleteView):
    """What other apps made automatically for an organisation goes with it.

    For example cms's never-published draft page and editors' group, made when the organisation
    was created: they should not stop a mistaken organisation from being deleted. A page that
    has been published does: published words are not deleted as a side effect. The apps say
    what they would remove through `organisations.signals`, so this view imports none of them.
    """

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        if not self.blocking:
            return
        replies = organisation_removable_dependents.send(
            sender=Organisation, organisation=self.object
        )
        for _receiver, removable in replies:
            dependents: list[Any] = list(removable or [])
            for dependent in dependents:
                self.blocking[type(dependent)._meta] -= 1
        self.blocking = +self.blocking  # drop counts that reached zero

    def form_valid(self, form: Any) -> HttpResponse:
        if not self.blocking:
            with transaction.atomic():
                organisation_deleting.send(sender=Organisation, organisation=self.object)
                return super().form_valid(form)
        return super().form_valid(form)


class ChildFormInlinePanel(InlinePanel):
    """An `InlinePanel` whose rows use a given form and formset class, for row-level checks."""

    def __init__(
        self, *args: Any, form_class: Any = None, formset_class: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.form_class = form_class
        self.formset_class = formset_class

    def clone_kwargs(self) -> dict[str, Any]:
        return {
            **super().clone_kwargs(),
            "form_class": self.form_class,
            "formset_class": self.formset_class,
        }

    def get_form_options(self) -> dict[str, Any]:
        options = super().get_form_options()
        formset_options = options["formsets"][self.relation_name]
        if self.form_class is not None:
            # InlinePanel may already have built a plain row form (to defer required fields);
            # build the same on our form class instead.
            child_options = self.child_edit_handler.get_form_options()
            formset_options["form"] = get_form_for_model(
                self.db_field.related_model,
                form_class=self.form_class,
                defer_required_on_fields=child_options.get("defer_required_on_fields", []),
            )
        if self.formset_class is not None:
            formset_options["formset"] = self.formset_class
        return options


class OrganisationViewSet(ModelViewSet):
    """Organisations: details, logo, safeguarding contact, allowed domains and headcounts."""

    model = Organisation
    icon = "site"
    menu_label = "Organisations"
    url_prefix = "organisations"
    # Not "organisations": that namespace belongs to the people pages outside the admin.
    url_namespace = "organisation_admin"
    list_display = ["name", "sector", "is_statutory_partner", "parent"]
    list_filter = ["sector", "is_statutory_partner"]
    search_fields = ["name", "slug", "safeguarding_contact_name"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False  # an organisation is unique; copying one invites duplicates
    delete_view_class = OrganisationDeleteView
    delete_template_name = ProtectedDeleteView.template_name

    edit_handler = ObjectList(
        [
            TitleFieldPanel("name", placeholder=False),
            FieldPanel("slug", widget=SlugInput),
            FieldPanel("sector"),
            FieldPanel("is_statutory_partner"),
            FieldPanel("parent"),
            FieldPanel("logo"),
            MultiFieldPanel(
                [
                    FieldPanel("safeguarding_contact_name", heading="Name"),
                    FieldPanel("safeguarding_contact_email", heading="Email address"),
                    FieldPanel("safeguarding_contact_phone", heading="Telephone"),
                ],
                heading="Safeguarding contact",
            ),
            ChildFormInlinePanel(
                "email_domains",
                heading="Allowed email domains",
                label="Email domain",
                help_text=(
                    "People with an email address on these domains may sign up as staff, "
                    "for example lewisham.gov.uk."
                ),
                panels=[FieldPanel("domain")],
                form_class=EmailDomainAdminForm,
                formset_class=EmailDomainFormSet,
            ),
            ChildFormInlinePanel(
                "headcounts",
                heading="Workforce headcount",
                label="Job role headcount",
                help_text="How many people hold each job role, for training coverage figures.",
                panels=[FieldPanel("job_role"), FieldPanel("headcount")],
                formset_class=HeadcountFormSet,
            ),
        ],
        base_form_class=OrganisationAdminForm,
    )


class JobRoleViewSet(ModelViewSet):
    """Job roles people hold, each belonging to one sector or to any."""

    model = JobRole
    icon = "user"
    menu_label = "Job roles"
    url_prefix = "job-roles"
    url_namespace = "jobrole_admin"
    list_display = ["name", "sector"]
    list_filter = ["sector"]
    search_fields = ["name", "description"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False
    delete_view_class = ProtectedDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("sector", help_text="Leave blank for a role found in any sector."),
            FieldPanel("description"),
        ],
        base_form_class=JobRoleAdminForm,
    )


class PartnershipViewSetGroup(ModelViewSetGroup):
    """The "Partnership" menu: organisations and job roles, for the partnership team."""

    menu_label = "Partnership"
    menu_icon = "group"
    menu_order = 200
    items = (OrganisationViewSet, JobRoleViewSet)
