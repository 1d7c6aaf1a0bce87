"""People who sign in, and invitations to join an organisation.

A `User` signs in with their email address. What they may do comes from their memberships
(`organisations.Membership`) and two partnership-wide flags held here: the partnership team and
trainers. Invitations carry the membership a person will get when they accept.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from organisations.enums import GovernorCategory, GovernorRole, MembershipKind


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("Enter an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_partnership_team", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Their email address is their login."""

    email = models.EmailField("Email address", unique=True)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    is_partnership_team = models.BooleanField(
        "Partnership team",
        default=False,
        help_text="The partnership's business unit: runs the programme and sees every report.",
    )
    is_trainer = models.BooleanField(
        "Trainer", default=False, help_text="Runs sessions and marks registers."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "Can use the content admin",
        default=False,
        help_text="Only the partnership team and web editors need this.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive")
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True).filter(
            expires_at__gt=timezone.now()
        )


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class Invitation(models.Model):
    """An invitation to join an organisation, carrying the membership the person will get."""

    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    kind = models.CharField(max_length=20, choices=MembershipKind.choices)
    job_role = models.ForeignKey(
        "organisations.JobRole", null=True, blank=True, on_delete=models.PROTECT
    )
    line_manager = models.ForeignKey(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    start_date = models.DateField(default=timezone.localdate)
    governor_category = models.CharField(
        max_length=20, choices=GovernorCategory.choices, blank=True
    )
    governor_role = models.CharField(max_length=20, choices=GovernorRole.choices, blank=True)
    term_end = models.DateField(null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Blank for invitations made by the system, such as demo data.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=_default_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    membership = models.OneToOneField(
        "organisations.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                "kind",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_membership",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("accounts:invitation_accept", kwargs={"token": self.token})

    @property
    def has_account(self) -> bool:
        """Whether the person invited already has an account, so accepts by signing in."""
        return User.objects.filter(email__iexact=self.email).exists()

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
