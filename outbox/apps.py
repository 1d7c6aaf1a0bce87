from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Every email the site sends waits here until it is delivered (docs/email.md)."""

    name = "outbox"
    default_auto_field = "django.db.models.BigAutoField"
