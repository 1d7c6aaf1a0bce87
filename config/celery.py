"""The Celery app. Configured from Django settings (the CELERY_ namespace).

Without CELERY_BROKER_URL tasks run eagerly in the web process; with it, a worker
(`celery -A config worker`) and beat (`celery -A config beat`) do the work.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Workers log through Django's LOGGING (JSON in production) instead of Celery replacing the
# root logger's handlers with its own plain-text ones.
app = Celery("learning_hub", worker_hijack_root_logger=False)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping() -> str:
    """Answer "pong": lets a health check or a test see that a worker is consuming tasks."""
    return "pong"
