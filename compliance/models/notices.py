"""Sent-logs for compliance reminders and monthly digests: each goes exactly once."""

from __future__ import annotations

from django.db import models

from compliance.enums import ComplianceNoticeKind, DigestKind


class ComplianceNotice(models.Model):
    """One reminder to one person about one requirement. `key` is the date the reminder is
    about (the expiry, or the day the requirement began to apply), so renewing the training
    brings fresh reminders next time while a rerun of the sweep never repeats one."""

    membership = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="compliance_notices"
    )
    requirement = models.ForeignKey(
        "compliance.Requirement", on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=30, choices=ComplianceNoticeKind.choices)
    key = models.DateField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "training_compliancenotice"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "requirement", "kind", "key"],
                name="compliance_notice_sent_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"


class ComplianceDigest(models.Model):
    """One monthly digest of overdue people to one coordinator or clerk."""

    recipient = models.ForeignKey(
        "organisations.Membership", on_delete=models.CASCADE, related_name="compliance_digests"
    )
    kind = models.CharField(max_length=20, choices=DigestKind.choices)
    month = models.DateField(help_text="The first day of the month the digest is for.")
    overdue_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "training_compliancedigest"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "month"], name="compliance_digest_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%B %Y} to {self.recipient}"
