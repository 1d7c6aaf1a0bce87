"""Shadowing between agencies: who hosts, what they offer, and each placement from request to
reflection.

- `Condition`: one item of the partnership's checklist of host conditions (enhanced DBS, a
  confidentiality agreement, a briefing…), edited by the partnership team; its `met_by` says who
  meets it for a placement.
- `Host`: a member of an organisation its coordinators mark as a shadowing host (coordinators
  are hosts already).
- `ConfidentialityAgreement`: a host organisation's agreement text, versioned; a placement keeps
  the version its visitor signed.
- `CountingStandard`: a standard a completed placement's CPD hours count towards (an hours rule),
  chosen by the partnership team.
- `Opportunity` and `OpportunityDate`: what a host offers, on which dates or by arrangement.
- `Placement`: one visitor's visit to one opportunity, with its history. Capacity is held by
  `place_number` (1 to `places`, unique per date or month): a database constraint, taken under
  a lock of the opportunity row (`shadowing.services.decisions`).
- `PlacementCheck`: one condition met for one placement, by whom and when.
- `Reflection`: the visitor's structured reflection; seen by its writer, their line manager and
  the host supervisor only.
- `ReturnInvitation`: after a completed placement, the host's invitation to the visitor's
  organisation to host one of the host's own staff in return.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from shadowing.enums import (
    OPEN_STATUSES,
    CheckKind,
    DateMode,
    DbsLevel,
    Duration,
    Status,
)

NO_OPERATIONAL_ROLE = (
    "You observe only. You will not take part in any clinical, operational or decision-making "
    "work, and you will not be left alone with children, families or patients."
)


class Condition(models.Model):
    """One host condition on the partnership's checklist."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(
        blank=True, help_text="What meeting it involves, as the visitor and host read it."
    )
    met_by = models.CharField("Who meets it", max_length=20, choices=CheckKind.choices)
    needs_details = models.BooleanField(
        default=False,
        help_text="The host describes this condition in their own words (free conditions).",
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(
        default=True, help_text="Conditions no longer offered stay on placements that used them."
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Host(models.Model):
    """A member of an organisation who may host visitors and manage its opportunities."""

    membership = models.OneToOneField(
        "organisations.Membership", on_delete=models.CASCADE, related_name="shadowing_host"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Shadowing host: {self.membership}"


class ConfidentialityAgreement(models.Model):
    """A version of a host organisation's confidentiality agreement. Never edited once a
    visitor has signed it: a change is a new version."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="shadowing_agreement_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="shadowing_agreement_version_from_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} confidentiality agreement, version {self.version}"


class CountingStandard(models.Model):
    """A standard a completed placement's record meets (its CPD hours count towards it)."""

    standard = models.OneToOneField(
        "training.TrainingStandard", on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.standard)


class Opportunity(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    team = models.CharField("Team or service", max_length=200)
    description = models.TextField("What the visitor will see and do")
    not_included = models.TextField("What the visitor will not do", default=NO_OPERATIONAL_ROLE)
    location = models.CharField(max_length=300)
    duration = models.CharField(max_length=20, choices=Duration.choices, default=Duration.DAY)
    days = models.PositiveSmallIntegerField(
        "Number of days",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="For several days: how many (up to 5).",
    )
    cpd_hours = models.DecimalField(
        "CPD hours",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    date_mode = models.CharField(
        "Dates offered", max_length=20, choices=DateMode.choices, default=DateMode.SPECIFIC
    )
    places_per_date = models.PositiveSmallIntegerField(
        "Visitors per date", default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    places_per_month = models.PositiveSmallIntegerField(
        "Places per month",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text="For visits by arrangement: how many visitors a month at most.",
    )
    eligible_sectors = models.JSONField(
        default=list,
        blank=True,
        help_text="Sectors whose staff may ask (organisations.enums.Sector). Empty: every sector.",
    )
    eligible_job_roles = models.ManyToManyField(
        "organisations.JobRole",
        blank=True,
        related_name="+",
        help_text="Job roles that may ask. None chosen: every job role.",
    )
    minimum_notice_days = models.PositiveSmallIntegerField(
        "Minimum notice (days)", default=14, validators=[MaxValueValidator(120)]
    )
    supervisor = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The named host supervisor: a current member of the host organisation.",
    )
    conditions = models.ManyToManyField(Condition, blank=True, related_name="opportunities")
    other_conditions = models.TextField(
        "The host's own conditions",
        blank=True,
        help_text="For a condition that asks the host to describe it.",
    )
    joining_instructions = models.TextField(
        "Joining details",
        blank=True,
        help_text=(
            "Where to go, who to ask for and what to bring. Shown to confirmed visitors a few "
            "days before."
        ),
    )
    is_published = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                condition=Q(duration=Duration.SEVERAL_DAYS, days__gte=2)
                | (~Q(duration=Duration.SEVERAL_DAYS) & Q(days=1)),
                name="shadowing_opportunity_days_match_duration",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "is_published"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("shadowing:opportunity", kwargs={"pk": self.pk})

    @property
    def by_arrangement(self) -> bool:
        return self.date_mode == DateMode.BY_ARRANGEMENT


class OpportunityDate(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "date"], name="shadowing_opportunity_date_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} on {self.date:%-d %B %Y}"


class PlacementQuerySet(models.QuerySet["Placement"]):
    def open(self) -> PlacementQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Placement(models.Model):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="placements"
    )
    visitor = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.PROTECT,
        related_name="shadowing_placements",
        help_text="The visitor's membership of their own (home) organisation.",
    )
    # Copied at request, so lists and the sector matrix need no joins through memberships.
    home_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    host_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    line_manager = models.ForeignKey(
        "organisations.Membership",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The visitor's line manager when they asked, who approves.",
    )
    supervisor = models.ForeignKey(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The host supervisor, chosen when the host accepts.",
    )
    status = models.CharField(
        max_length=30, choices=Status.choices, default=Status.AWAITING_MANAGER
    )
    learning_goals = models.TextField()
    requested_date = models.ForeignKey(
        OpportunityDate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        help_text="The date asked for, for an opportunity on set dates.",
    )
    proposed_dates = models.JSONField(
        default=list, blank=True, help_text="Dates the visitor proposed (ISO), by arrangement."
    )
    visit_date = models.DateField(
        null=True, blank=True, help_text="The visit's (first) day, agreed when the host accepts."
    )
    visit_month = models.DateField(
        null=True, blank=True, help_text="The first of the visit's month, for monthly places."
    )
    place_number = models.PositiveSmallIntegerField(null=True, blank=True)
    places = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The places on offer when this one was taken."
    )
    reciprocal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="return_visits",
        help_text="The placement this one returns.",
    )
    reason = models.TextField(blank=True, help_text="Why it was declined or cancelled.")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    manager_decided_at = models.DateTimeField(null=True, blank=True)
    host_decided_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    supervisor_feedback = models.TextField(blank=True)
    supervisor_feedback_at = models.DateTimeField(null=True, blank=True)
    training_record = models.OneToOneField(
        "training.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shadowing_placement",
    )
    calendar_sequence = models.PositiveIntegerField(
        default=0, help_text="The .ics SEQUENCE, raised whenever the visit changes."
    )

    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            # One open request per person and opportunity.
            models.UniqueConstraint(
                fields=["visitor", "opportunity"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="shadowing_one_open_placement_per_visitor",
            ),
            # Capacity: a place is a number from 1 to the places on offer, unique per date
            # (set dates) or month (by arrangement).
            models.UniqueConstraint(
                fields=["opportunity", "visit_date", "place_number"],
                condition=Q(place_number__isnull=False, visit_month__isnull=True),
                name="shadowing_place_per_date_unique",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "visit_month", "place_number"],
                condition=Q(place_number__isnull=False, visit_month__isnull=False),
                name="shadowing_place_per_month_unique",
            ),
            models.CheckConstraint(
                condition=Q(place_number__isnull=True)
                | (
                    Q(place_number__gte=1)
                    & Q(places__isnull=False)
                    & Q(place_number__lte=F("places"))
                    & Q(visit_date__isnull=False)
                ),
                name="shadowing_place_within_places",
            ),
            models.CheckConstraint(
                condition=~Q(home_organisation=F("host_organisation")),
                name="shadowing_not_own_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visit_date"]),
            models.Index(fields=["home_organisation", "status"]),
            models.Index(fields=["host_organisation", "status"]),
            # The partnership page's list, newest first: 50 rows read from the index instead
            # of every placement joined and sorted (1 ms against 30-40 ms at 2,000 placements
            # on PostgreSQL, benchmarks/shadowing_pages.py).
            models.Index(fields=["-requested_at", "-id"], name="shadowing_placement_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.visitor.user} at {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("shadowing:placement", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class PlacementCheck(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checks")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    dbs_level = models.CharField(max_length=20, choices=DbsLevel.choices, blank=True)
    dbs_issued_on = models.DateField("Date on the DBS certificate", null=True, blank=True)
    agreement = models.ForeignKey(
        ConfidentialityAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version the visitor signed.",
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "condition"], name="shadowing_check_once_per_condition"
            ),
            models.CheckConstraint(
                condition=Q(dbs_level="") | Q(dbs_issued_on__isnull=False),
                name="shadowing_check_dbs_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition} for {self.placement}"


class Reflection(models.Model):
    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="reflection")
    learnt_about_role = models.TextField(
        "What I learnt about their role and their thresholds for action"
    )
    surprised_me = models.TextField("What surprised me")
    do_differently = models.TextField("What I will do differently")
    share_with_team = models.TextField("What I will share with my team")
    written_at = models.DateTimeField()

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Reflection on {self.placement}"


class ReturnInvitation(models.Model):
    """The host's invitation, after a completed placement, for one of their own staff to visit
    the visitor's organisation in return."""

    placement = models.OneToOneField(
        Placement, on_delete=models.CASCADE, related_name="return_invitation"
    )
    invited_visitor = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The member of the host organisation who would make the return visit.",
    )
    message = models.TextField(blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Return visit for {self.placement}"
