from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from compliance.database_views import (
            applied_requirement_view_create,
            applied_requirement_view_drop,
        )

        # Sent once per migrate for this app: the view is out of the way while tables change.
        pre_migrate.connect(applied_requirement_view_drop, sender=self)
        post_migrate.connect(applied_requirement_view_create, sender=self)
