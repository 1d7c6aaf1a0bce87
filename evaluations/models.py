"""The question bank, each course's evaluation, and the learners' answers.

- `Question`: one question in the partnership's bank. A rating question may name the learning
  outcome it measures ("How confident are you to ... ?"), so answers to it before, straight
  after and at follow-up show the change in confidence on that outcome.
- `CourseEvaluation`: which steps a course uses, how long each stays open, when the follow-up
  is asked, and whether the certificate waits for the "straight after" step.
- `CourseQuestion`: a question asked at one step of one course's evaluation, in order.
- `Invitation`: one booking asked one step (at most one per booking and step: a database
  constraint), with when it was asked, reminded, closes and was completed.
- `Answer`: one answer to one question of one invitation.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from evaluations.enums import QuestionKind, Step


class Question(models.Model):
    text = models.CharField(max_length=300, help_text="The question as the learner reads it.")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    learning_outcome = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "For a confidence rating: the learning outcome it measures, as a short phrase. "
            "Results show the change on it from before to after to follow-up."
        ),
    )
    scale_max = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="For a rating: the top of the scale, which runs from 1.",
    )
    low_label = models.CharField(max_length=60, blank=True, default="Not at all confident")
    high_label = models.CharField(max_length=60, blank=True, default="Very confident")
    hint = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Questions no longer in use stay for the results they hold."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.learning_outcome and self.kind != QuestionKind.RATING:
            raise ValidationError(
                {"learning_outcome": "Only a rating question can measure a learning outcome."}
            )


class CourseEvaluation(ClusterableModel):
    course = models.OneToOneField(
        "training.Course", on_delete=models.CASCADE, related_name="evaluation"
    )
    uses_before = models.BooleanField("Ask before the course", default=True)
    uses_after = models.BooleanField("Ask straight after the course", default=True)
    uses_follow_up = models.BooleanField("Ask at follow-up", default=True)
    certificate_waits_for_after = models.BooleanField(
        "The certificate waits for the “straight after” evaluation",
        default=True,
        help_text="The learner gets their certificate once they have attended and answered.",
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(26)],
        help_text="How many weeks after the course the follow-up is asked (usually 6 to 8).",
    )
    open_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(2), MaxValueValidator(90)],
        help_text="How many days each step stays open once asked.",
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How many days after asking one reminder is sent, if not yet answered.",
    )
    asks_manager_at_follow_up = models.BooleanField(
        "Ask the line manager to add to the follow-up", default=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_days__lt=models.F("open_days")),
                name="evaluation_reminder_before_close",
                violation_error_message="The reminder must go before the step closes.",
            ),
            models.CheckConstraint(
                condition=Q(certificate_waits_for_after=False) | Q(uses_after=True),
                name="evaluation_certificate_waits_for_a_used_step",
                violation_error_message=(
                    "The certificate can only wait for the “straight after” step if the course "
                    "uses it."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.course}"

    def uses(self, step: str) -> bool:
        return {
            Step.BEFORE: self.uses_before,
            Step.AFTER: self.uses_after,
            Step.FOLLOW_UP: self.uses_follow_up,
        }[Step(step)]


class CourseQuestion(models.Model):
    evaluation = ParentalKey(
        CourseEvaluation, on_delete=models.CASCADE, related_name="course_questions"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    step = models.CharField(max_length=20, choices=Step.choices)
    position = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["step", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "step", "question"], name="course_question_once_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()}: {self.question}"


class Invitation(models.Model):
    booking = models.ForeignKey(
        "training.Booking", on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    step = models.CharField(max_length=20, choices=Step.choices)
    asked_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # Follow-up only: the learner's line manager is asked what has changed in their practice.
    manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager_completed_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "step"], name="invitation_once_per_step"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("asked_at")),
                name="invitation_closes_after_asked",
            ),
        ]
        indexes = [models.Index(fields=["step", "completed_at"], name="invitation_step_done")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} evaluation for booking {self.booking_id}"


class Answer(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    yes_no = models.BooleanField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"], name="answer_once_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in invitation {self.invitation_id}"
