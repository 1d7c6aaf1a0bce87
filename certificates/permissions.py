"""Who may do what with certificates.

- Anyone, signed in or not, may check a certificate by its code (the public verification page
  shows only what the certificate says about the course, never anything else about the person).
- A person downloads their own certificates.
- The partnership team sees, downloads, revokes and reissues every certificate, and edits the
  signatory under Settings.
Everyone else gets a 404 for a certificate's pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from certificates.models import CertificateSignatory
from organisations.permissions import is_partnership_team, model_permissions

if TYPE_CHECKING:
    from certificates.models import Certificate
    from organisations.permissions import Viewer


def can_download_certificate(viewer: Viewer, certificate: Certificate) -> bool:
    if not viewer.is_authenticated:
        return False
    return certificate.holder_id == viewer.pk or is_partnership_team(viewer)


def can_manage_certificates(viewer: Viewer) -> bool:
    """Revoke and reissue, and see the list of every certificate."""
    return is_partnership_team(viewer)


# The signatory under Settings in Wagtail's admin.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(CertificateSignatory, ("change",))
