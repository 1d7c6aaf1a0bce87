"""Celery tasks for training. Each module is imported here so `autodiscover_tasks()`, which
imports `<app>.tasks`, registers every task: `bookings` (notifications and booking sweeps) and
`record_imports` (checking uploaded completions). A task takes ids, imports its service inside
its body, and is queued on commit (docs/conventions.md)."""

from training.tasks import bookings, record_imports

__all__ = ["bookings", "record_imports"]
