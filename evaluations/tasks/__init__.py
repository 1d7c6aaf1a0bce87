"""Evaluations' background jobs (found by Celery's autodiscovery through this package)."""

from evaluations.tasks import invitations  # noqa: F401
