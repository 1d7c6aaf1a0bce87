"""Wagtail admin pages where the partnership team runs the training programme: standards,
requirements, courses and sessions.

Registered in `training.wagtail_hooks` only. Access follows Django's model permissions, which
`accounts.backends.RolePermissionBackend` grants to the partnership team alone. Trainers do
not use the admin: they see and mark their sessions' registers on our own pages.

Saving a session keeps its `starts_at` and `ends_at` equal to its first and last part, and tells
booked people when the times or place change (`training.services.sessions.session_saved`).
A session is cancelled on its own page (`training:session_cancel`), never deleted: deleting is
refused while anyone has booked.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    TitleFieldPanel,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import Button
from wagtail.admin.widgets.slug import SlugInput

from organisations.viewsets import ChildFormInlinePanel, ProtectedDeleteView
from training.enums import PLACE_HOLDING_STATUSES, SessionStatus
from training.forms.admin import (
    CourseAdminForm,
    CourseFeeFormSet,
    DistinctSectorFormSet,
    SessionAdminForm,
    SessionPartAdminForm,
    SessionPartFormSet,
    TrainingStandardAdminForm,
)
from training.models import Course, Session, TrainingStandard
from training.services.sessions import session_saved, session_schedule_stored
from training.templatetags.session_dates import time_span


class TrainingStandardViewSet(ModelViewSet):
    """Training standards that requirements ask for and courses meet."""

    model = TrainingStandard
    icon = "tick-inverse"
    menu_label = "Standards"
    url_prefix = "training-standards"
    url_namespace = "trainingstandard_admin"
    list_display = ["name", "validity_months"]
    search_fields = ["name", "slug", "description"]
    ordering = ["name"]
    list_per_page = 50
    copy_view_enabled = False
    delete_view_class = ProtectedDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            TitleFieldPanel("name", placeholder=False),
            FieldPanel("slug", widget=SlugInput),
            FieldPanel("description"),
            FieldPanel("validity_months"),
            FieldPanel("cpd_hours_required"),
            FieldPanel("satisfies", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=TrainingStandardAdminForm,
    )


class CourseViewSet(ModelViewSet):
    """Courses: what they cover, who may book, how they run, and what they cost."""

    model = Course
    icon = "doc-full"
    menu_label = "Courses"
    url_prefix = "courses"
    url_namespace = "course_admin"
    list_display = ["title", "delivery", "is_multi_agency", "is_published"]
    list_filter = ["delivery", "is_multi_agency", "is_published", "standards"]
    search_fields = ["title", "slug", "summary"]
    ordering = ["title"]
    list_per_page = 50
    copy_view_enabled = False  # slugs are unique; copying a course invites near-duplicates
    delete_view_class = ProtectedDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            TitleFieldPanel("title", placeholder=False),
            FieldPanel("slug", widget=SlugInput),
            FieldPanel("summary"),
            FieldPanel("outcomes"),
            FieldPanel(
                "standards",
                widget=forms.CheckboxSelectMultiple,
                help_text="Standards people meet by completing the course.",
            ),
            FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple),
            MultiFieldPanel(
                [
                    FieldPanel("delivery"),
                    FieldPanel("length_hours", heading="Length (hours)"),
                    FieldPanel("cpd_hours"),
                    FieldPanel("late_arrival_cutoff_minutes", heading="Late arrival cut-off"),
                ],
                heading="How it runs",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("is_multi_agency"),
                    FieldPanel(
                        "eligible_job_roles",
                        widget=forms.CheckboxSelectMultiple,
                        help_text="Leave all unticked for every job role.",
                    ),
                ],
                heading="Who it is for",
            ),
            ChildFormInlinePanel(
                "audience_sectors",
                heading="Sectors that may book",
                label="Sector",
                help_text="Leave empty for every sector.",
                panels=[FieldPanel("sector")],
                formset_class=DistinctSectorFormSet,
            ),
            MultiFieldPanel(
                [
                    FieldPanel("requires_manager_approval"),
                    FieldPanel(
                        "cancellation_deadline_working_days",
                        heading="Cancellation deadline (working days)",
                    ),
                ],
                heading="Booking",
            ),
            ChildFormInlinePanel(
                "fees",
                heading="Fees",
                label="Fee",
                help_text=(
                    "The fee for organisations of each sector. Sectors without a fee, such as "
                    "the partner agencies, book free."
                ),
                panels=[FieldPanel("sector"), FieldPanel("amount")],
                formset_class=CourseFeeFormSet,
            ),
            MultiFieldPanel(
                [FieldPanel("late_cancellation_charge"), FieldPanel("no_show_charge")],
                heading="Charges to the home organisation",
                help_text="Charged for a late cancellation or for not attending. 0 for none.",
            ),
            FieldPanel("is_published", heading="Show in the catalogue"),
        ],
        base_form_class=CourseAdminForm,
    )


def _session_when(session: Session) -> str:
    return time_span(session)


def _session_places(session: Session) -> str:
    return f"{getattr(session, 'places_taken', 0)} of {session.capacity}"


class SessionIndexView(IndexView):
    """Sessions with their course and how many places are taken, in a fixed number of queries."""

    def get_base_queryset(self) -> QuerySet[Session]:
        return (
            super()
            .get_base_queryset()
            .select_related("course")
            .annotate(
                places_taken=Count(
                    "bookings", filter=Q(bookings__status__in=PLACE_HOLDING_STATUSES)
                )
            )
        )


class SessionCreateView(CreateView):
    def save_instance(self) -> Session:
        session = super().save_instance()
        session_saved(session=session, before=None, saved_by=self.request.user)
        return session


class SessionEditView(EditView):
    def save_instance(self) -> Session:
        before = session_schedule_stored(session_id=self.object.pk)
        session = super().save_instance()
        if session_saved(session=session, before=before, saved_by=self.request.user):
            self.success_message = (
                "Session saved. People booked on it are being told about the change."
            )
        return session

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        if self.object.status == SessionStatus.SCHEDULED:
            buttons.append(
                Button(
                    "Cancel session",
                    url=reverse("training:session_cancel", args=[self.object.pk]),
                    icon_name="cross",
                    priority=15,
                )
            )
        buttons.append(
            Button(
                "Register",
                url=reverse("training:register", args=[self.object.pk]),
                icon_name="clipboard-list",
                priority=5,
            )
        )
        return buttons


class SessionDeleteView(ProtectedDeleteView):
    """Deleting is for sessions made by mistake; one people have booked is cancelled instead."""

    @property
    def refusal_message(self) -> str:
        return f"{super().refusal_message} To stop the session going ahead, cancel it instead."


class SessionViewSet(ModelViewSet):
    """Sessions of a course: dates, place, places, trainers and the agency mix."""

    model = Session
    icon = "calendar-alt"
    menu_label = "Sessions"
    url_prefix = "sessions"
    url_namespace = "session_admin"
    list_display = [
        "course",
        Column("when", label="When", accessor=_session_when),
        Column("places", label="Places taken", accessor=_session_places),
        "status",
    ]
    list_filter = ["status", "course"]
    search_fields = ["course__title", "venue"]
    ordering = ["-starts_at"]
    list_per_page = 50
    copy_view_enabled = False
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            FieldPanel("status", read_only=True, help_text="Cancel a session from its page."),
            ChildFormInlinePanel(
                "parts",
                heading="Dates and times",
                label="Part",
                help_text="One part for a one-day session; add a part for each further day.",
                panels=[FieldPanel("starts_at"), FieldPanel("ends_at")],
                form_class=SessionPartAdminForm,
                formset_class=SessionPartFormSet,
            ),
            MultiFieldPanel(
                [FieldPanel("venue"), FieldPanel("joining_link"), FieldPanel("joining_details")],
                heading="Where",
                help_text="Booked people see these details shortly before the session.",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("capacity"),
                    FieldPanel("minimum_numbers"),
                    FieldPanel("booking_opens_at"),
                    FieldPanel("booking_closes_at"),
                ],
                heading="Places and booking",
            ),
            FieldPanel("trainers"),
            MultiFieldPanel(
                [
                    FieldPanel("mix_scope"),
                    FieldPanel("mix_max_places"),
                    FieldPanel("mix_max_percent"),
                    FieldPanel("mix_release_at"),
                ],
                heading="Agency mix",
                help_text=(
                    "Keep a joint course joint: no single organisation or sector may hold more "
                    "than this many places, or this share of them, until the date below. "
                    "Leave blank for no limit."
                ),
            ),
        ],
        base_form_class=SessionAdminForm,
    )


class TrainingViewSetGroup(ModelViewSetGroup):
    """The "Training" menu: sessions, courses and standards, for the partnership team."""

    menu_label = "Training"
    menu_icon = "calendar"
    menu_order = 210
    items = (SessionViewSet, CourseViewSet, TrainingStandardViewSet)
