from django.apps import AppConfig


class ShadowingConfig(AppConfig):
    name = "shadowing"
    default_auto_field = "django.db.models.BigAutoField"
