"""Certificates' background jobs (found by Celery's autodiscovery through this package)."""

from certificates.tasks import emails, exports, issuing  # noqa: F401
