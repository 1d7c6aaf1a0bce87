"""Making coordinators' zips of certificates, and deleting old ones. Take ids, call services."""

from __future__ import annotations

from celery import shared_task

from certificates.services import exports


# acks_late with reject_on_worker_lost: a worker killed while making a zip leaves the message
# for another, which starts the zip again (nothing is sent anywhere, so rerunning is safe).
@shared_task(acks_late=True, reject_on_worker_lost=True)
def certificate_export_build_task(export_id: int) -> int:
    """Make the zip; returns how many certificates are in it."""
    export = exports.certificate_export_build(export_id=export_id)
    return export.total if export is not None else 0


@shared_task
def certificate_exports_expire_task() -> int:
    """Beat job: delete zips past their keeping date, with their files."""
    return exports.certificate_exports_delete_expired()
