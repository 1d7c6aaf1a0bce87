"""The certificates step of `seed_demo`: certificates for past full attendance, as the sweep
issues them, then one revoked (issued in error) and one reissued after a change of name, so the
verification page shows every state. The practitioner's own are left as issued, to download.

Issued without emails: these are past certificates, sent (in the story) long ago. A second run
issues only what is missing, and revokes or reissues nothing again.
"""

from __future__ import annotations

from accounts.models import User
from certificates.models import Certificate
from certificates.services.changes import certificate_reissue, certificate_revoke
from certificates.services.issuing import certificates_issue_due
from demo.organisations.accounts import DEMO_EMAIL_DOMAIN
from demo.organisations.context import DemoSeed

REVOKED_REASON = "Issued in error: the register was marked for the wrong person."


def certificates_seed(seed: DemoSeed) -> None:
    issued = certificates_issue_due(email=False)
    team = User.objects.get(email=f"partnership@{DEMO_EMAIL_DOMAIN}")
    demo_accounts = Certificate.objects.filter(holder__email__endswith=f"@{DEMO_EMAIL_DOMAIN}")
    others = Certificate.objects.exclude(pk__in=demo_accounts.values("pk")).order_by("pk")
    if not Certificate.objects.filter(revoked_at__isnull=False).exists():
        first = others.filter(revoked_at__isnull=True, superseded_at__isnull=True).first()
        if first is not None:
            certificate_revoke(certificate=first, reason=REVOKED_REASON, revoked_by=team)
    if not Certificate.objects.filter(superseded_at__isnull=False).exists():
        current = others.filter(revoked_at__isnull=True, superseded_at__isnull=True)
        second = current.order_by("-pk").first()
        if second is not None and second.holder is not None:
            # She married and asked for a certificate in her new name.
            holder = second.holder
            holder.last_name = f"{holder.last_name}-Okafor"
            holder.save(update_fields=["last_name"])
            certificate_reissue(certificate=second, reissued_by=team)
    seed.log(f"  Certificates: {issued} issued for past full attendance")
