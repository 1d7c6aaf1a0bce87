"""The outbox in Wagtail's admin, for the partnership team: what was sent, what is waiting to be
tried again, and why a send failed. Read-only, and without the emails' text: that holds
password-reset and invitation links, which nobody but the recipient should be able to follow."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.urls import path
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from post_office.models import Email
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from accounts.models import User

VIEW = "view"


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Seeing emails, never changing or deleting them, whatever else someone may do."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == VIEW and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: list[str]) -> bool:
        return VIEW in actions and self.user_has_permission(user, VIEW)

    def users_with_any_permission(self, actions: list[str]) -> QuerySet[User]:
        if VIEW not in actions:
            return User.objects.none()
        return super().users_with_any_permission([VIEW])


class EmailInspectView(InspectView):
    """One email: who it was for, what became of it, and each attempt to send it."""

    labels = {
        "to": "To",
        "created": "Stored",
        "scheduled_time": "Next try",
        "number_of_retries": "Tries again so far",
        "attempts": "Attempts",
    }

    def get_field_label(self, field_name: str, field: Any) -> str:
        return self.labels.get(field_name) or super().get_field_label(field_name, field)

    def get_to_display_value(self) -> str:
        return ", ".join(self.object.to)

    def get_attempts_display_value(self) -> SafeString | str:
        logs = self.object.logs.order_by("date")
        if not logs:
            return "Not tried yet."
        return format_html_join(
            "\n",
            "<p>{}: {} {}</p>",
            (
                (
                    log.date.strftime("%d %b %Y %H:%M:%S"),
                    log.get_status_display(),
                    f"({log.exception_type}: {log.message})" if log.exception_type else "",
                )
                for log in logs
            ),
        )


def _recipients(email: Model) -> str:
    return ", ".join(getattr(email, "to", []))


class OutboxViewSet(ModelViewSet):
    """Every email the site has stored to send, newest first (kept for services.KEEP_DAYS)."""

    model = Email
    icon = "mail"
    menu_label = "Outbox"
    add_to_settings_menu = True
    url_prefix = "outbox"
    url_namespace = "outbox"
    permission_policy = ViewOnlyPermissionPolicy(Email)
    # Nothing refers to an email; indexing each one would double the time it takes to store.
    add_to_reference_index = False
    list_display = [
        "subject",
        Column("to", label="To", accessor=_recipients),
        Column("status", label="Status", accessor="get_status_display"),
        Column("number_of_retries", label="Tries again"),
        DateColumn("created", label="Stored"),
        DateColumn("last_updated", label="Last changed"),
    ]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    ordering = ["-created"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = EmailInspectView
    inspect_view_fields = [
        "to",
        "subject",
        "status",
        "created",
        "scheduled_time",
        "number_of_retries",
        "attempts",
    ]

    def get_urlpatterns(self) -> list[Any]:
        # Only the list and each email's page: no add, edit, copy or delete page exists at all.
        conv = self.pk_path_converter
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{conv}:pk>/", self.inspect_view, name="inspect"),
        ]
