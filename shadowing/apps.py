from django.apps import AppConfig


class ShadowingConfig(AppConfig):
    name = "shadowing"
    verbose_name = "Shadowing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shadowing import signals  # noqa: F401
