"""Training standards and courses.

A `TrainingStandard` is what a requirement asks for ("Safeguarding children level 2"). A
`Course` is what the partnership runs; it satisfies standards, has an audience, prerequisites,
fees and the charges for cancelling late or not attending.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from organisations.enums import Sector
from training.enums import Delivery


class TrainingStandard(models.Model):
    """A standard of training a person may hold. A higher standard may satisfy lower ones."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    validity_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How long the standard lasts once met. Blank means it does not expire.",
    )
    satisfies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="satisfied_by",
        help_text="Lower standards this one also meets (level 3 meets levels 2 and 1).",
    )
    cpd_hours_required = models.DecimalField(
        "CPD hours required",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=(
            "Met by this many CPD hours within the validity period, added up from one or more "
            "pieces of training (as the intercollegiate framework counts). Blank means one "
            "piece of training meets it."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cpd_hours_required__isnull=True)
                | models.Q(validity_months__isnull=False),
                name="standard_hours_rule_has_period",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.cpd_hours_required is not None and not self.validity_months:
            raise ValidationError(
                {
                    "validity_months": "Enter how many months the CPD hours are counted over, "
                    "or clear the CPD hours required."
                }
            )


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> CourseQuerySet:
        return self.filter(is_published=True)


class Course(ClusterableModel):
    """A course in the partnership's programme, run as one or more sessions.

    Clusterable so the admin edits its audience sectors and fees as rows on the same form.
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="One or two sentences shown in the catalogue.")
    outcomes = models.TextField(
        blank=True, help_text="What people will be able to do afterwards, one per line."
    )
    standards = models.ManyToManyField(TrainingStandard, blank=True, related_name="courses")
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    is_multi_agency = models.BooleanField("Multi-agency", default=True)
    eligible_job_roles = models.ManyToManyField(
        "organisations.JobRole",
        blank=True,
        related_name="eligible_courses",
        help_text="Leave empty for every job role.",
    )
    length_hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    cpd_hours = models.DecimalField(
        "CPD hours", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="leads_to"
    )
    requires_manager_approval = models.BooleanField(default=False)
    late_cancellation_charge = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    no_show_charge = models.DecimalField(
        "Did-not-attend charge",
        max_digits=8,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
    )
    cancellation_deadline_working_days = models.PositiveSmallIntegerField(
        default=3,
        help_text="Cancelling fewer working days than this before the session is late.",
    )
    late_arrival_cutoff_minutes = models.PositiveSmallIntegerField(
        default=20, help_text="Arriving later than this counts as not attending."
    )
    is_published = models.BooleanField(default=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course", kwargs={"slug": self.slug})


class CourseAudienceSector(models.Model):
    """A sector whose people may book the course. No rows means every sector may."""

    course = ParentalKey(Course, on_delete=models.CASCADE, related_name="audience_sectors")
    sector = models.CharField(max_length=40, choices=Sector.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "sector"], name="audience_sector_unique")
        ]

    def __str__(self) -> str:
        return self.get_sector_display()


class CourseFee(models.Model):
    """The fee charged to organisations of a sector. Sectors without a row are free."""

    course = ParentalKey(Course, on_delete=models.CASCADE, related_name="fees")
    sector = models.CharField(max_length=40, choices=Sector.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "sector"], name="course_fee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_sector_display()}: £{self.amount}"
