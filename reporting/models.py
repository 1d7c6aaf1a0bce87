"""The day's figures, recorded once a day so trends read them instead of recomputing the past.

A `Snapshot` is one day's set (one per day: a database constraint). Each figure row belongs to
one snapshot and counts something on that day, grouped by a few dimensions (unique within the
snapshot). docs/reporting.md says what every figure means.

Figures hold no link to any person: only counts. An organisation, standard, course or session is
kept twice: as a link for filtering (set to NULL if the thing is ever deleted, so deleting it
never needs the reports deleted first) and as its name on the day, so a report of a past year
reads the same after an organisation is renamed, a course retitled or a person anonymised.
"""

from __future__ import annotations

from django.db import models

from compliance.enums import ComplianceStatus
from evaluations.enums import Step
from organisations.enums import GovernorRole, Sector
from reporting.enums import SnapshotHow


class Snapshot(models.Model):
    """One day's figures: `day` is the day they describe (closed by the time they are taken)."""

    day = models.DateField(unique=True)
    taken_at = models.DateTimeField()
    how = models.CharField(max_length=20, choices=SnapshotHow.choices)
    parts = models.JSONField(
        default=list, help_text="The kinds of figure this snapshot holds (SnapshotPart values)."
    )

    class Meta:
        ordering = ["-day"]
        get_latest_by = "day"

    def __str__(self) -> str:
        return f"Figures for {self.day:%-d %B %Y}"


def _snapshot() -> models.ForeignKey[Snapshot, Snapshot]:
    return models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="+")


def _link(to: str) -> models.ForeignKey:
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )


class ComplianceFigure(models.Model):
    """Requirement rows (a current membership and a requirement that applies to it) with one
    status on the day, for one organisation and standard."""

    snapshot = _snapshot()
    organisation = _link("organisations.Organisation")
    organisation_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    standard = _link("training.TrainingStandard")
    standard_name = models.CharField(max_length=150)
    status = models.CharField(max_length=20, choices=ComplianceStatus.choices)
    rows = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "organisation", "standard", "status"],
                name="reporting_compliance_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name}, {self.standard_name}: {self.rows} {self.status}"


class GovernorFigure(models.Model):
    """A school's current governors holding one governor role (blank: none) on the day, by
    their worst requirement status (compliance.selectors.governors)."""

    snapshot = _snapshot()
    organisation = _link("organisations.Organisation")
    organisation_name = models.CharField(max_length=200)
    governor_role = models.CharField(max_length=20, choices=GovernorRole.choices, blank=True)
    governors = models.PositiveIntegerField()
    in_date = models.PositiveIntegerField(help_text="Every requirement in date or due soon.")
    new_starters = models.PositiveIntegerField()
    action_needed = models.PositiveIntegerField(help_text="Something overdue or missing.")
    declared = models.PositiveIntegerField(help_text="Declared the current edition.")
    edition = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "organisation", "governor_role"],
                name="reporting_governor_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.governor_role or 'governors'}): {self.governors}"


class BookingFigure(models.Model):
    """What happened on the day to bookings of one course by people of one organisation, each
    counted on the day it happened (docs/reporting.md)."""

    snapshot = _snapshot()
    organisation = _link("organisations.Organisation")
    organisation_name = models.CharField(max_length=200)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    course = _link("training.Course")
    course_title = models.CharField(max_length=200)
    booked = models.PositiveIntegerField(
        default=0, help_text="Bookings made on the day (waiting list included)."
    )
    attended = models.PositiveIntegerField(
        default=0, help_text="Marked attended (fully or partly) on the day."
    )
    did_not_attend = models.PositiveIntegerField(default=0, help_text="Marked did not attend.")
    late_cancelled = models.PositiveIntegerField(default=0, help_text="Cancelled late on the day.")
    charges = models.PositiveIntegerField(default=0, help_text="Charges raised on the day.")
    charges_pence = models.PositiveBigIntegerField(
        default=0, help_text="Their amount, less any waived by the end of the day."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "organisation", "course"], name="reporting_booking_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name}, {self.course_title}"


class SessionMixFigure(models.Model):
    """A session that started on the day: how many agencies and people it brought together."""

    snapshot = _snapshot()
    session = _link("training.Session")
    course = _link("training.Course")
    course_title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    agencies = models.PositiveIntegerField(help_text="Organisations with someone attending.")
    sectors = models.PositiveIntegerField(help_text="Sectors with someone attending.")
    attendees = models.PositiveIntegerField(help_text="Attended, fully or partly.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "session"], name="reporting_session_mix_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course_title}: {self.agencies} agencies"


class ShadowingFigure(models.Model):
    """Placements between two sectors requested, and completed, on the day."""

    snapshot = _snapshot()
    visitor_sector = models.CharField(max_length=40, choices=Sector.choices)
    host_sector = models.CharField(max_length=40, choices=Sector.choices)
    requested = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "visitor_sector", "host_sector"],
                name="reporting_shadowing_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.visitor_sector} to {self.host_sector}"


class EvaluationFigure(models.Model):
    """One course's evaluation step on the day: invitations sent, answered, and the ratings
    given in the answers (a sum and a count, so any period's average can be added up from
    days). Never shown for fewer people than evaluations' RESULTS_MINIMUM_GROUP."""

    snapshot = _snapshot()
    course = _link("training.Course")
    course_title = models.CharField(max_length=200)
    step = models.CharField(max_length=20, choices=Step.choices)
    asked = models.PositiveIntegerField(default=0, help_text="Invitations sent on the day.")
    responses = models.PositiveIntegerField(default=0, help_text="Invitations answered.")
    ratings = models.PositiveIntegerField(default=0, help_text="Rating answers in those.")
    rating_total = models.PositiveIntegerField(default=0, help_text="Their ratings added up.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "course", "step"], name="reporting_evaluation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course_title} ({self.step}): {self.responses} responses"
