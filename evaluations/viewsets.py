"""Wagtail admin pages where the partnership team sets up evaluations: the question bank and
each course's evaluation (the steps it uses, the questions at each, its timings).

Registered in `evaluations.wagtail_hooks` only. Access follows Django's model permissions,
which `accounts.backends.RolePermissionBackend` grants to the partnership team alone (from
`evaluations.permissions.PARTNERSHIP_TEAM_ADMIN_PERMISSIONS`). Trainers and coordinators see
results on our own pages, never here.

Nothing that has been asked is deleted: a question with answers, or used by a course, is taken
out of use instead; an evaluation people have been sent stays, and its steps are unticked to
stop asking.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from evaluations.enums import Step
from evaluations.forms.admin import (
    CourseEvaluationAdminForm,
    CourseQuestionAdminForm,
    CourseQuestionFormSet,
    QuestionAdminForm,
)
from evaluations.models import CourseEvaluation, Invitation, Question
from organisations.viewsets import ChildFormInlinePanel, ProtectedDeleteView


class QuestionDeleteView(ProtectedDeleteView):
    """A question asked by a course, or answered, stays for its results."""

    @property
    def refusal_message(self) -> str:
        return (
            f"“{self.object}” is asked by a course or has answers, so it cannot be deleted. "
            "To stop offering it, untick “In use”."
        )


class QuestionViewSet(ModelViewSet):
    """The question bank: ratings (which may measure a learning outcome), yes or no, free text."""

    model = Question
    icon = "help"
    menu_label = "Question bank"
    url_prefix = "evaluation-questions"
    url_namespace = "question_admin"
    list_display = ["text", "kind", "learning_outcome", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["text", "learning_outcome"]
    ordering = ["text"]
    list_per_page = 50
    copy_view_enabled = True  # a variant of a question ("… to share information") is common
    delete_view_class = QuestionDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            FieldPanel("text"),
            FieldPanel("hint"),
            FieldPanel("kind"),
            MultiFieldPanel(
                [
                    FieldPanel("learning_outcome"),
                    FieldPanel("scale_max"),
                    FieldPanel("low_label"),
                    FieldPanel("high_label"),
                ],
                heading="For a rating",
                help_text=(
                    "A confidence rating on a learning outcome shows the change from before "
                    "the course to after it and at follow-up."
                ),
            ),
            FieldPanel("is_active"),
        ],
        base_form_class=QuestionAdminForm,
    )


def _steps_used(evaluation: CourseEvaluation) -> str:
    used = [step.label for step in Step if evaluation.uses(step)]
    return ", ".join(used) if used else "None"


def _questions(evaluation: CourseEvaluation) -> int:
    return int(getattr(evaluation, "question_count", 0))


class CourseEvaluationIndexView(IndexView):
    """Evaluations with their course and how many questions they ask, in a fixed number of
    queries."""

    def get_base_queryset(self) -> QuerySet[CourseEvaluation]:
        return (
            super()
            .get_base_queryset()
            .select_related("course")
            .annotate(question_count=Count("course_questions"))
        )


class CourseEvaluationDeleteView(ProtectedDeleteView):
    """An evaluation people have been sent stays: their answers are read against it."""

    def setup(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        sent = Invitation.objects.filter(booking__session__course=self.object.course_id).count()
        if sent:
            self.blocking[Invitation._meta] += sent

    @property
    def refusal_message(self) -> str:
        return (
            "People have been sent this evaluation, so it cannot be deleted. To stop asking, "
            "untick its steps."
        )


class CourseEvaluationViewSet(ModelViewSet):
    """Each course's evaluation: which steps it uses, the questions at each, and its timings."""

    model = CourseEvaluation
    icon = "list-ol"
    menu_label = "Course evaluations"
    url_prefix = "course-evaluations"
    url_namespace = "courseevaluation_admin"
    list_display = [
        "course",
        Column("steps", label="Steps", accessor=_steps_used),
        Column("questions", label="Questions", accessor=_questions),
        "certificate_waits_for_after",
    ]
    list_filter = ["uses_before", "uses_after", "uses_follow_up"]
    search_fields = ["course__title"]
    ordering = ["course__title"]
    list_per_page = 50
    copy_view_enabled = False  # one evaluation a course
    index_view_class = CourseEvaluationIndexView
    delete_view_class = CourseEvaluationDeleteView
    delete_template_name = ProtectedDeleteView.template_name
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            MultiFieldPanel(
                [
                    FieldPanel("uses_before"),
                    FieldPanel("uses_after"),
                    FieldPanel("uses_follow_up"),
                ],
                heading="Steps",
                help_text=(
                    "Before: asked when the place is confirmed, until the course starts. "
                    "Straight after: asked once the register marks the person as attended. "
                    "Follow-up: asked some weeks after the course, with the line manager."
                ),
            ),
            ChildFormInlinePanel(
                "course_questions",
                heading="Questions",
                label="Question",
                help_text="Add the questions to ask at each step the course uses.",
                panels=[
                    FieldPanel("step"),
                    FieldPanel("question"),
                    FieldPanel("position"),
                    FieldPanel("is_required"),
                ],
                form_class=CourseQuestionAdminForm,
                formset_class=CourseQuestionFormSet,
            ),
            MultiFieldPanel(
                [
                    FieldPanel("open_days"),
                    FieldPanel("reminder_days"),
                    FieldPanel("follow_up_weeks"),
                    FieldPanel("asks_manager_at_follow_up"),
                ],
                heading="Timings",
            ),
            FieldPanel("certificate_waits_for_after"),
        ],
        base_form_class=CourseEvaluationAdminForm,
    )


class EvaluationsViewSetGroup(ModelViewSetGroup):
    """The "Evaluations" menu: courses' evaluations and the question bank, for the partnership
    team."""

    menu_label = "Evaluations"
    menu_icon = "form"
    menu_order = 220  # after Training (210) and Requirements (215), whose courses it evaluates
    items = (CourseEvaluationViewSet, QuestionViewSet)
