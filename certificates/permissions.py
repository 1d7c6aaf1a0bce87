"""Who may do what with certificates.

- Anyone, signed in or not, may check a certificate by its code (the public verification page
  shows only what the certificate says about the course, never anything else about the person).
- A person downloads their own certificates.
- The partnership team sees, downloads, revokes and reissues every certificate, and edits the
  signatory under Settings.
- A coordinator asks for a zip of their organisation's staff's certificates for a period; the
  zip is downloaded by whoever asked for it while they may still ask for one there, and by the
  organisation's other coordinators. The partnership team may ask for any organisation's, and
  sees only the zips they asked for themselves.
Everyone else gets a 404 for a certificate's pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from certificates.models import CertificateExport, CertificateSignatory
from organisations.models import Organisation
from organisations.permissions import (
    FLAG_COORDINATOR,
    is_partnership_team,
    model_permissions,
    role_memberships,
)

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


def organisations_for_certificate_exports(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose staff's certificates the viewer may ask for as a zip."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Organisation.objects.none()
    if is_partnership_team(viewer):
        return Organisation.objects.all()
    coordinating = role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    return Organisation.objects.filter(pk__in=coordinating)


def can_export_certificates_of(viewer: Viewer, organisation: Organisation) -> bool:
    return organisations_for_certificate_exports(viewer).filter(pk=organisation.pk).exists()


def certificate_exports_visible_to(viewer: Viewer) -> QuerySet[CertificateExport]:
    """Zips the viewer may see and download, as one queryset: a coordinator's organisation's
    (whoever asked), and the partnership team's own."""
    if not viewer.is_authenticated or not viewer.is_active:
        return CertificateExport.objects.none()
    if is_partnership_team(viewer):
        return CertificateExport.objects.filter(requested_by=viewer)
    coordinating = role_memberships(viewer, flag=FLAG_COORDINATOR).values("organisation")
    return CertificateExport.objects.filter(organisation__in=coordinating)


# The signatory under Settings in Wagtail's admin.
PARTNERSHIP_TEAM_ADMIN_PERMISSIONS = model_permissions(CertificateSignatory, ("change",))
