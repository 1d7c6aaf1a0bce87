"""Organisations in the partnership, the job roles people hold, and memberships.

A `Membership` is a person's place in an organisation: staff, governor or volunteer. One person
(a `accounts.User`) may hold several, for example a health visitor who is also a school governor.
Who may see and change which memberships is decided in `organisations.permissions` only.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import DomainNameValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from organisations.enums import (
    GovernorCategory,
    GovernorRole,
    ImportStatus,
    MembershipKind,
    Sector,
)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def with_governors(self) -> OrganisationQuerySet:
        from organisations.enums import SECTORS_WITH_GOVERNORS

        return self.filter(sector__in=SECTORS_WITH_GOVERNORS)


class Organisation(ClusterableModel):
    """A member agency of the partnership: a council service, a police unit, a trust, a school."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    is_statutory_partner = models.BooleanField(
        "Statutory partner",
        default=False,
        help_text="The local authority, the integrated care board and the police.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For example a trust's hospital site, or a federation's school.",
    )
    logo = models.ImageField(upload_to="organisation-logos/", blank=True)
    safeguarding_contact_name = models.CharField(max_length=200, blank=True)
    safeguarding_contact_email = models.EmailField(blank=True)
    safeguarding_contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="organisation_not_own_parent"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:people", kwargs={"slug": self.slug})

    def clean(self) -> None:
        """An organisation may not sit below itself, directly or through its parents."""
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "Choose a parent other than this organisation or one below it."}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def has_governors(self) -> bool:
        """Schools and early-years settings have a governing board with a clerk."""
        from organisations.enums import SECTORS_WITH_GOVERNORS

        return self.sector in SECTORS_WITH_GOVERNORS


class EmailDomain(models.Model):
    """An email domain whose owners may sign up as staff of the organisation.

    A domain may belong to several organisations (nhs.net serves every NHS body), so the person
    chooses which one when they sign up.
    """

    organisation = ParentalKey(Organisation, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(max_length=253)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "domain"], name="emaildomain_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="emaildomain_lower_case",
            ),
        ]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        """A domain is stored lower-case, without "@", and must look like a real domain."""
        self.domain = self.domain.strip().lower().rstrip(".")
        if "@" in self.domain:
            raise ValidationError(
                {"domain": "Enter the part after the @ only, for example lewisham.gov.uk."}
            )
        try:
            DomainNameValidator(accept_idna=False)(self.domain)
        except ValidationError:
            raise ValidationError(
                {"domain": "Enter a domain in the right format, for example lewisham.gov.uk."}
            ) from None


class JobRole(models.Model):
    """A role people hold, such as "Social worker" or "Designated safeguarding lead".

    A role may belong to one sector or, when `sector` is blank, to any.
    """

    name = models.CharField(max_length=120)
    sector = models.CharField(max_length=40, choices=Sector.choices, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "sector"], name="jobrole_unique_per_sector")
        ]

    def __str__(self) -> str:
        return self.name


class WorkforceHeadcount(models.Model):
    """How many people an organisation employs in a job role, for training coverage figures."""

    organisation = ParentalKey(Organisation, on_delete=models.CASCADE, related_name="headcounts")
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="headcounts")
    headcount = models.PositiveIntegerField()

    class Meta:
        ordering = ["job_role__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "job_role"], name="headcount_unique_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.job_role} ({self.headcount})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: date | None = None) -> MembershipQuerySet:
        """Memberships that have started and not ended on the given day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def staff(self) -> MembershipQuerySet:
        return self.filter(kind=MembershipKind.STAFF)

    def governors(self) -> MembershipQuerySet:
        return self.filter(kind=MembershipKind.GOVERNOR)


class Membership(models.Model):
    """A person's place in an organisation, with their job role, manager and responsibilities."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    kind = models.CharField(max_length=20, choices=MembershipKind.choices)
    job_role = models.ForeignKey(
        JobRole, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    line_manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="The manager's own membership of the same organisation.",
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    is_coordinator = models.BooleanField(
        "Training coordinator",
        default=False,
        help_text="Manages the organisation's people and sees its compliance.",
    )
    is_clerk = models.BooleanField(
        "Clerk to governors", default=False, help_text="Keeps the governing board's list."
    )
    is_web_editor = models.BooleanField(
        "Web editor", default=False, help_text="Keeps the organisation's published procedures."
    )
    governor_category = models.CharField(
        max_length=20, choices=GovernorCategory.choices, blank=True
    )
    governor_role = models.CharField(max_length=20, choices=GovernorRole.choices, blank=True)
    term_end = models.DateField("Term of office ends", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "kind"],
                condition=Q(end_date__isnull=True),
                name="membership_one_open_per_kind",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind=MembershipKind.GOVERNOR)
                | (Q(governor_category="") & Q(governor_role="") & Q(term_end__isnull=True)),
                name="membership_governor_fields_only_for_governors",
            ),
            models.CheckConstraint(
                condition=~Q(kind=MembershipKind.GOVERNOR) | ~Q(governor_category=""),
                name="membership_governor_has_category",
            ),
            models.CheckConstraint(
                condition=~Q(line_manager=models.F("id")), name="membership_not_own_manager"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "kind", "end_date"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}, {self.organisation}"

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    @property
    def role_labels(self) -> list[str]:
        """Plain descriptions of this membership's roles, for the home page."""
        labels = [self.job_role.name if self.job_role else self.get_kind_display()]
        if self.kind == MembershipKind.GOVERNOR:
            labels = [self.get_governor_category_display()]
            if self.governor_role:
                labels.append(self.get_governor_role_display())
        if self.is_coordinator:
            labels.append("Training coordinator")
        if self.is_clerk:
            labels.append("Clerk to governors")
        if self.is_web_editor:
            labels.append("Web editor")
        # A job role may share a flag's name ("Clerk to governors"): say it once.
        return list(dict.fromkeys(labels))


def _private_storage() -> Storage:
    """Import files hold personal data: kept out of MEDIA_ROOT, so no URL ever serves them."""
    return storages["private"]


def _import_file_path(instance: ImportBatch, filename: str) -> str:
    """A random name: the file holds personal data, so its path must not be guessable."""
    return f"people-imports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class ImportBatch(models.Model):
    """One uploaded file of people to add to an organisation, from preview to confirmation.

    The rows are kept as read from the file, so confirming checks them again against the people
    who belong by then. `problems` and `notes` hold plain-English sentences for the preview,
    each with the spreadsheet row it is about. Applying is all or nothing and happens once.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_batches"
    )
    kind = models.CharField(max_length=20, choices=MembershipKind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=_import_file_path, storage=_private_storage, max_length=255)
    rows = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    row_count = models.PositiveIntegerField(default=0)
    invited_count = models.PositiveIntegerField(
        default=0, help_text="People without an account, sent an invitation."
    )
    added_count = models.PositiveIntegerField(
        default=0, help_text="People who already had an account, added straight away."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=False))
                | (~Q(status=ImportStatus.APPLIED) & Q(applied_at__isnull=True)),
                name="importbatch_applied_at_when_applied",
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} for {self.organisation} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "organisations:import_preview",
            kwargs={"slug": self.organisation.slug, "pk": self.pk},
        )

    @property
    def is_applied(self) -> bool:
        return self.status == ImportStatus.APPLIED

    @property
    def is_checking(self) -> bool:
        """A task is still reading the file; the preview waits for it."""
        return self.status == ImportStatus.CHECKING

    @property
    def can_be_applied(self) -> bool:
        """Only a file read and checked, with no problems, not yet imported, may be confirmed."""
        return self.status == ImportStatus.UPLOADED and not self.problems
